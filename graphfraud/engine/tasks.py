"""Independent tasks on Spark: one task per item, the results back in the items' order.

``detect --by-region --engine spark`` hands each pooling region (统筹区) to
:func:`map_tasks`: every region is one Spark task that runs the whole local
pipeline on its own region directory (:func:`graphfraud.runs.regions.run_region`)
on an executor, so the regions of a province run side by side on a cluster,
each in an executor's memory, while the driver only splits and merges.

The function and its arguments travel to the executors by cloudpickle; a
function defined at module level travels by reference, so every executor must
import graphfraud itself (the same version as the driver: see
:func:`map_tasks`).  The data travels by path: the region directories must be
on a filesystem that the executors mount at the same path (one machine's disk
in local mode or on a one-machine cluster; NFS, a shared mount, on a real one).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from graphfraud.engine.spark import require_pyspark
from graphfraud.errors import GraphfraudError

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

#: Packages whose versions decide the rings (Leiden in igraph, the arithmetic in numpy/pandas, the reader
#: in pyarrow): an executor with other versions than the driver's could give other rings, so it is refused.
PINNED = ("graphfraud", "igraph", "numpy", "pandas", "pyarrow")


def package_versions(names: Sequence[str] = PINNED) -> dict[str, str]:
    """Installed versions of ``names`` (``"missing"`` for one that is not installed).

    >>> package_versions(["graphfraud"])["graphfraud"] != "missing"
    True
    """
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def map_tasks(
    func: Callable[..., Any],
    tasks: Sequence[tuple],
    *,
    spark: SparkSession,
    sizes: Sequence[float] | None = None,
) -> list[Any]:
    """``[func(*args) for args in tasks]``, each call one Spark task on an executor.

    Parameters
    ----------
    func : callable
        A module-level function (it travels by reference: executors import it).
    tasks : sequence of tuple
        The arguments of each call; they must pickle.
    spark : SparkSession
        From :func:`graphfraud.engine.spark.start_session`; not stopped here.
    sizes : sequence of float, optional
        The expected cost of each task.  Larger tasks are scheduled first (longest
        first keeps the last executor from starting the biggest task alone at the
        end); the results come back in the order of ``tasks`` whatever the schedule.

    Returns
    -------
    list
        ``func``'s return values, in the order of ``tasks``.

    Raises
    ------
    GraphfraudError
        A task failed on its executor (the first line of its error is given), or
        an executor has other versions of :data:`PINNED` packages than this
        process (the package and both versions are named).

    Examples
    --------
    >>> map_tasks(pow, [(2, 3), (3, 2)], spark=start_session("local[2]"))  # doctest: +SKIP
    [8, 9]
    """
    if not tasks:
        return []
    if sizes is not None and len(sizes) != len(tasks):
        raise ValueError(f"map_tasks got {len(sizes)} sizes for {len(tasks)} tasks")
    require_pyspark()
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    order = list(range(len(tasks)))
    if sizes is not None:
        order.sort(key=lambda i: (-sizes[i], i))
    items = [(i, tasks[i]) for i in order]
    try:
        done = spark.sparkContext.parallelize(items, numSlices=len(items)).map(lambda item: _call(func, item)).collect()
    except (PySparkException, Py4JError) as exc:
        raise GraphfraudError(f"a Spark task failed: {_first_line(exc)}") from None
    here = package_versions()
    results: list[Any] = [None] * len(tasks)
    for i, versions, value in done:
        for name in PINNED:
            if versions.get(name) != here[name]:
                raise GraphfraudError(
                    f"a Spark executor has {name} {versions.get(name)}, this process {here[name]}: install the "
                    f"same versions on every executor (the rings depend on them)"
                )
        results[i] = value
    return results


def _call(func: Callable[..., Any], item: tuple[int, tuple]) -> tuple[int, dict[str, str], Any]:
    """On an executor: the item's index, the executor's package versions and ``func(*args)``."""
    i, args = item
    return i, package_versions(), func(*args)


def _first_line(exc: BaseException) -> str:
    """The most telling line of a Spark task's error: the Python exception when there is one."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    python = [
        line
        for line in lines
        if line.split(":")[0].endswith(("Error", "Exception")) and not line.startswith(("org.", "py4j", "java."))
    ]
    if python:
        return python[-1][:300]
    return (lines[0] if lines else type(exc).__name__)[:300]


__all__ = ["PINNED", "map_tasks", "package_versions"]

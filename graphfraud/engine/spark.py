"""The co-visit projection on Apache Spark: the same pairs as the local engine, computed on a cluster.

:func:`project_covisits` is a drop-in replacement for
:func:`graphfraud.graph.project.project_covisits` (same parameters, same
:class:`~graphfraud.graph.project.Projection`) that runs the heavy part, the
meetings of every venue-day and their reduction to pairs, as Spark DataFrame
operations: per venue-day, arrivals in (minute of day, person) order; each
visit paired with its next ``max_neighbours`` arrivals (``busy_neighbours`` at
a busy venue-day) within ``window_minutes`` (window functions ``lead``); each
meeting weighed ``1 / log(5 + visits that venue-day) x exp(-gap / 10 min)``;
the best weight per pair-day, quantised like the local engine; the days each
pair met; pairs with ``days >= min_days`` kept.

The result is *equal*, not merely close, to the local engine's: the same
``a, b, days`` and bit-identical ``weight``, so ``detect`` writes the same
files.  To that end the float32 weights come from lookup tables computed here
with numpy (Spark's ``log``/``exp`` may differ from numpy's in the last bit),
the quantisation repeats the local float32 arithmetic exactly (see
:func:`_quantised_day_weight`), and the final sum of each kept pair's day
weights, a small step, runs in this process with the local engine's numpy
call, ``np.add.reduceat`` in day order (the order of a sum changes its last
bits, and Spark does not fix the order).

PySpark is an optional extra (``pip install graphfraud[spark]``), imported
only inside the functions; graphfraud imports without it.  The caller makes
the session (:func:`session` or :func:`start_session`), passes it in, and stops it.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from graphfraud.errors import GraphfraudError
from graphfraud.graph.project import WEIGHT_SCALE, Projection, check_params, empty_pairs

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

#: Settings applied to every session unless the caller gives another value: no web UI, no
#: console progress bar, the driver bound to loopback, Arrow for pandas transfers, the log
#: at WARN.  On a cluster set ``spark.driver.host``/``bindAddress`` to an address the executors reach.
DEFAULT_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.extraJavaOptions": "-Dlog4j2.configurationFile="
    + Path(__file__).with_name("log4j2.properties").as_uri(),
}

INSTALL_HINT = "pip install graphfraud[spark]"
_SECRET = re.compile(r"secret|password|token|credential", re.IGNORECASE)


def require_pyspark() -> Any:
    """The pyspark module; GraphfraudError with the install hint when it is not installed."""
    try:
        import pyspark
    except ImportError:
        raise GraphfraudError(f"The Spark engine needs PySpark, which is not installed: {INSTALL_HINT}") from None
    return pyspark


def start_session(
    master: str | None = None, conf: Mapping[str, str] | None = None, *, app_name: str = "graphfraud"
) -> SparkSession:
    """Start (or join) a Spark session for the projection.

    Parameters
    ----------
    master : str, optional
        Spark master URL: ``local[2]`` (this machine, 2 threads), ``spark://host:7077``, ``yarn``.
        By default the one ``spark-submit --master`` or ``spark-defaults.conf`` gives, else ``local[*]``.
    conf : mapping of str to str, optional
        Spark settings; they override :data:`DEFAULT_CONF`.
    app_name : str, default "graphfraud"

    Returns
    -------
    SparkSession
        The caller stops it (``session.stop()``) when done; :func:`session` does that for a run.

    Raises
    ------
    GraphfraudError
        PySpark is not installed (the message says ``pip install graphfraud[spark]``),
        or the driver could not start (no Java 17 or later).

    Examples
    --------
    >>> spark = start_session("local[2]", {"spark.driver.memory": "1g"})  # doctest: +SKIP
    >>> spark.stop()  # doctest: +SKIP
    """
    require_pyspark()
    from pyspark.errors import PySparkException
    from pyspark.sql import SparkSession

    settings = session_conf(conf)
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        with _quiet():
            session = builder.getOrCreate()
    except PySparkException as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GraphfraudError(
            f"Spark did not start ({first}); it needs Java 17 or later on the PATH (`java -version`)"
        ) from None
    session.sparkContext.setLogLevel("WARN")
    return session


@contextlib.contextmanager
def session(
    master: str | None = None, conf: Mapping[str, str] | None = None, *, app_name: str = "graphfraud"
) -> Iterator[SparkSession]:
    """A Spark session for one run: started here and stopped at exit, or the one already running, left running.

    Parameters and errors as for :func:`start_session`.  Joining a running
    session (a notebook's, or a test module's) keeps its master and static settings.

    Examples
    --------
    >>> with session("local[2]") as spark:  # doctest: +SKIP
    ...     pairs = project_covisits(visits, spark=spark).pairs
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    running = SparkSession.getActiveSession()
    spark = running or start_session(master, conf, app_name=app_name)
    try:
        yield spark
    finally:
        if running is None:
            spark.stop()


def session_conf(conf: Mapping[str, str] | None = None) -> dict[str, str]:
    """:data:`DEFAULT_CONF` updated with ``conf``, as given to Spark.

    >>> session_conf({"spark.driver.memory": "2g"})["spark.ui.enabled"]
    'false'
    """
    return {**DEFAULT_CONF, **dict(conf or {})}


def describe(session: SparkSession, conf: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What ``run.json`` records of a Spark run: master, Spark version and the settings given, secrets masked.

    >>> class S:  # a stand-in for a SparkSession
    ...     version = "4.0.0"
    ...     class sparkContext:
    ...         master = "local[2]"
    >>> describe(S(), {"spark.authenticate.secret": "x"})["conf"]["spark.authenticate.secret"]
    '***'
    """
    settings = session_conf(conf)
    return {
        "name": "spark",
        "master": session.sparkContext.master,
        "spark_version": session.version,
        "conf": {k: "***" if _SECRET.search(k) else v for k, v in sorted(settings.items())},
    }


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Hide PySpark's notices about pandas 3 (support not complete, a deprecated ``copy=``).

    Only int and float columns cross between pandas and Spark here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        warnings.filterwarnings("ignore", message="The copy keyword is deprecated")
        yield


def project_covisits(
    visits: pd.DataFrame,
    *,
    spark: SparkSession,
    window_minutes: int = 30,
    max_neighbours: int = 20,
    min_days: int = 3,
    day_resolution: bool = False,
    busy_visits: int = 200,
    busy_neighbours: int = 4,
) -> Projection:
    """Build the co-visit projection of ``visits`` on Spark; equal to the local engine's.

    Parameters
    ----------
    visits : DataFrame
        Columns ``person``, ``venue``, ``minute`` (since an epoch), ``day``,
        as for :func:`graphfraud.graph.project.project_covisits`.
    spark : SparkSession
        From :func:`start_session`; not stopped here.
    window_minutes, max_neighbours, min_days, day_resolution, busy_visits, busy_neighbours
        As for :func:`graphfraud.graph.project.project_covisits`.

    Returns
    -------
    Projection
        ``pairs`` (``a``, ``b``, ``days``, ``weight``, sorted by ``a, b``), the
        params, and stats ``visits``, ``meetings`` (pair-days), ``pairs``.

    Raises
    ------
    ParamError
        A parameter is out of range (the local engine's message).
    GraphfraudError
        PySpark is not installed.

    Examples
    --------
    >>> v = pd.DataFrame({"person": [0, 1, 0, 1, 0, 1, 2], "venue": 0,
    ...                   "minute": [0, 2, 1440, 1443, 2880, 2881, 2990],
    ...                   "day": [0, 0, 1, 1, 2, 2, 2]})
    >>> p = project_covisits(v, spark=start_session("local[1]"), min_days=3)  # doctest: +SKIP
    >>> p.pairs[["a", "b", "days"]].values.tolist()  # doctest: +SKIP
    [[0, 1, 3]]
    """
    check_params(window_minutes, max_neighbours, min_days)
    require_pyspark()
    from pyspark.sql import functions as F

    params = {
        "window_minutes": window_minutes,
        "max_neighbours": max_neighbours,
        "min_days": min_days,
        "day_resolution": day_resolution,
        "busy_visits": busy_visits,
        "busy_neighbours": busy_neighbours,
    }
    v = visits[["person", "venue", "minute", "day"]]
    v = v[(v["person"].to_numpy() >= 0) & (v["venue"].to_numpy() >= 0)].astype(np.int64)
    with _quiet():
        parts = max(spark.sparkContext.defaultParallelism, -(-len(v) // _VISITS_PER_PARTITION))
        arrivals = _arrivals(spark, v.reset_index(drop=True), parts=parts).persist()
        best = None
        try:
            kwargs = {k: params[k] for k in params if k != "min_days"}
            best = _best_per_pair_day(spark, arrivals, parts=parts, **kwargs).persist()
            top, n_meetings = best.agg(F.max("w"), F.count(F.lit(1))).first()
            kept = _kept_day_weights(best, top=float(top or 0.0) or 1.0, min_days=min_days).toPandas()
        finally:
            arrivals.unpersist()
            if best is not None:
                best.unpersist()
    pairs = _sum_days(kept)
    stats = {"visits": int(len(visits)), "meetings": int(n_meetings or 0), "pairs": int(len(pairs))}
    return Projection(pairs, params, stats)


def _sum_days(kept: pd.DataFrame) -> pd.DataFrame:
    """``a, b, days, weight`` (sum of the day weights, in day order) of kept pair-days ``a, b, day, weight``.

    The local engine sums each pair's day weights in day order with
    ``np.add.reduceat``; the same call on the same values gives the same bits.

    >>> kept = pd.DataFrame({"a": [1, 0, 0], "b": [2, 1, 1], "day": [5, 9, 3], "weight": [0.5, 0.25, 0.125]})
    >>> _sum_days(kept).values.tolist()
    [[0.0, 1.0, 2.0, 0.375], [1.0, 2.0, 1.0, 0.5]]
    """
    a, b, day = (kept[c].to_numpy(dtype=np.int64) for c in ("a", "b", "day"))
    order = np.lexsort((day, b, a))
    a, b, weight = a[order], b[order], kept["weight"].to_numpy(dtype=np.float64)[order]
    if not len(a):
        return empty_pairs()
    start = np.flatnonzero(np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])])
    days = np.diff(np.r_[start, len(a)])
    return pd.DataFrame({"a": a[start], "b": b[start], "days": days, "weight": np.add.reduceat(weight, start)})


#: Rows per Arrow batch when the visits move to Spark (Spark's default, 10,000, is several times slower here).
_ARROW_BATCH = 200_000
#: Visits per partition: the visits and the meetings are split into one partition per core, or
#: one per this many visits if that makes more (Spark's 200 shuffle partitions cost minutes of
#: task overhead on a few cores, and AQE does not coalesce the partitions of cached data).
_VISITS_PER_PARTITION = 250_000


def _arrivals(spark: SparkSession, visits: pd.DataFrame, *, parts: int) -> DataFrame:
    """``person, venue, day, mod`` (minute of day), ``n`` (visits at that venue that day) of int64 ``visits``.

    In ``parts`` partitions by venue-day.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    key = "spark.sql.execution.arrow.maxRecordsPerBatch"
    before = spark.conf.get(key)
    spark.conf.set(key, str(_ARROW_BATCH))
    try:
        frame = spark.createDataFrame(visits, "person long, venue long, minute long, day long")
    finally:
        spark.conf.set(key, before)
    n = F.count(F.lit(1)).over(Window.partitionBy("venue", "day"))
    frame = frame.repartition(parts, "venue", "day")  # the windows below keep this partitioning
    return frame.select("person", "venue", "day", F.pmod("minute", F.lit(1440)).alias("mod"), n.alias("n"))


def _best_per_pair_day(
    spark: SparkSession,
    arrivals: DataFrame,
    *,
    parts: int,
    window_minutes: int,
    max_neighbours: int,
    day_resolution: bool,
    busy_visits: int,
    busy_neighbours: int,
) -> DataFrame:
    """``a, b, day, w, days``: each pair-day's best float32 meeting weight and the days its pair met.

    ``arrivals`` as made by :func:`_arrivals` (persisted: it is read twice).
    The meetings are shuffled once, by ``a, b`` into ``parts`` partitions,
    which serves both the pair-day maximum and the per-pair count of days.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    counts = np.array(sorted(r[0] for r in arrivals.select("n").distinct().collect()), dtype=np.int64)
    # The local engine's float32 weights, computed by numpy: 1 / log(5 + visits that venue-day) ...
    busy = (1.0 / np.log(5.0 + counts)).astype(np.float32)
    lookup = spark.createDataFrame(pd.DataFrame({"n": counts, "busy": busy.astype(np.float64)}), "n long, busy double")
    v = arrivals.join(F.broadcast(lookup), "n")
    # ... and exp(-gap / 10 min) for every gap in the window (a day has 1440 minutes).
    gaps = np.arange(min(window_minutes, 1439) + 1, dtype=np.int64)
    decay = F.array(*[F.lit(float(x)) for x in np.exp(-gaps / 10.0).astype(np.float32)])

    # Arrivals in (minute of day, person) order; each with the next max_neighbours arrivals of its venue-day.
    order = Window.partitionBy("venue", "day").orderBy("mod", "person")
    v = v.withColumn("rank", F.row_number().over(order))
    following = F.collect_list(F.struct(F.col("rank").alias("r"), F.col("person").alias("p"), F.col("mod").alias("m")))
    cap = F.when(F.col("n") > busy_visits, min(busy_neighbours, max_neighbours)).otherwise(max_neighbours)

    def meets(x: Any) -> Any:  # within the hub cap, another person, within the window
        ok = (x["r"] - F.col("rank") <= F.col("cap")) & (x["p"] != F.col("person"))
        return ok if day_resolution else ok & (x["m"] - F.col("mod") <= window_minutes)

    met = (
        v.select("person", "day", "mod", "rank", "busy", cap.alias("cap"),
                 following.over(order.rowsBetween(1, max_neighbours)).alias("following"))
        .select("person", "day", "mod", "busy", F.explode(F.filter("following", meets)).alias("x"))
    )  # fmt: skip
    w = F.col("busy").cast("float")
    if not day_resolution:  # float32 x float32 is exact in double; one rounding to float32, as numpy does
        gap = F.element_at(decay, (F.col("x.m") - F.col("mod") + 1).cast("int"))
        w = (F.col("busy") * gap).cast("float")
    meetings = met.select(
        F.least("person", "x.p").alias("a"), F.greatest("person", "x.p").alias("b"), "day", w.alias("w")
    )
    best = meetings.repartition(parts, "a", "b").groupBy("a", "b", "day").agg(F.max("w").alias("w"))
    return best.withColumn("days", F.count(F.lit(1)).over(Window.partitionBy("a", "b")))


def _quantised_day_weight(w: Any, top: float) -> Any:
    """The local engine's 12-bit quantisation of a float32 weight, as a Spark column.

    numpy computes ``rint(w / top * 4095)`` in float32 (``top`` is the largest
    float32 weight) and then ``q / 4095 * top`` in float64.  A float32
    quotient or product computed in double and rounded once to float32 is the
    correctly rounded float32 result (double has more than 2 x 24 + 2 bits),
    so the steps below give the same ``q`` and the same day weight.
    """
    from pyspark.sql import functions as F

    ratio = (w.cast("double") / F.lit(top)).cast("float")
    scaled = (ratio.cast("double") * F.lit(float(WEIGHT_SCALE))).cast("float")
    q = F.rint(scaled.cast("double"))
    return q / F.lit(float(WEIGHT_SCALE)) * F.lit(top)


def _kept_day_weights(best: DataFrame, *, top: float, min_days: int) -> DataFrame:
    """``a, b, day, weight`` of the pairs that met on at least ``min_days`` days."""
    from pyspark.sql import functions as F

    kept = best.where(F.col("days") >= min_days)
    return kept.select("a", "b", "day", _quantised_day_weight(F.col("w"), top).alias("weight"))

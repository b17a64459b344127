"""``detect --by-region``: a province in bounded memory, one pooling region (统筹区) at a time.

:func:`detect_by_region` splits a claims directory by the region of each
claim's venue (:func:`graphfraud.io.partition.partition_claims_dir`), runs the
ordinary pipeline (:func:`graphfraud.pipeline.run`) on each region in its own
child process, one after the other, and merges the regions' rings into one
ranked list: rings of all regions sorted by score (ties by ring_id), rings
sharing half their persons deduplicated as within one run
(:func:`graphfraud.score.rings.select_rings`), ranks renumbered.  The output
directory has the files of ``detect`` and is written atomically.

Notes
-----
Scores are computed against each region's own peers: a venue is contrasted
with the other patients of its region, and every baseline is the region's, as
supervision by a regional bureau would do.  A ring whose claims span regions is
seen as one ring per region (each found on its own claims); overlapping
pieces are deduplicated, the best-scoring kept.  Peak memory is that of the
largest region, not of the province: each region's process returns its memory
to the system when it ends.

The feedback loop (``previous``, ``cases``; :mod:`graphfraud.feedback`) works on
the merged list, as on the rings of a plain run: lineage links the merged rings
to the previous run's by shared persons, and one model learned from the
verdicts of all regions re-ranks the merged list.  Its features are the
region-relative measurements and rule score the merged ranking already
compares across regions, and one region alone rarely has the three confirmed
and three dismissed rings learning needs (docs/feedback.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graphfraud.contract import QualityWarning
from graphfraud.errors import ContractError, GraphfraudError
from graphfraud.runs.feedback import Feedback, apply_feedback, claims_period
from graphfraud.io.memory import children_peak_memory_gb, peak_memory_gb
from graphfraud.io.partition import Partition, load_partition, partition_claims_dir
from graphfraud.io.rings import read_rings
from graphfraud.io.write import file_sha256
from graphfraud.params import ReadParams, RunParams
from graphfraud.pipeline import RunResult, run, versions, write_result
from graphfraud.score.rings import Ring, select_rings
from graphfraud.signals import Support, merge


#: ``map_tasks(func, tasks, *, sizes) -> [func(*args) for args in tasks]``, run somewhere (see detect_by_region).
MapTasks = Callable[..., Sequence[Any]]


@dataclass(frozen=True)
class RegionOutcome:
    """One region's run, as its child process returns it."""

    region: str
    rings: list[Ring]
    explained: list[Ring]
    claim_ids: np.ndarray  # claim_id of every claim a ring points to; ring.claims index into it
    candidates: dict[str, int]
    timings: dict[str, float]
    time_resolution: str
    claims: int
    seconds: float
    peak_memory_gb: float
    skipped: dict[str, dict[str, int]]
    signals: Support = field(default_factory=Support)
    warnings: tuple[QualityWarning, ...] = ()
    # start_time and fund_amount of the claims of claim_ids (lineage's fund since the previous run), and the
    # region's first and last claim day (run.json's claims_period)
    claim_facts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"start_time": [], "fund_amount": []}))
    period: dict[str, str] = field(default_factory=lambda: {"from": "", "to": ""})
    date_only: dict[str, int] = field(default_factory=dict)  # as RunResult.date_only (mixed resolution)


@dataclass(frozen=True)
class _Failure:
    """A user error in a region's process, carried back as data (ContractError does not pickle)."""

    file: str
    row: int | None
    column: str | None
    message: str
    problems: tuple[tuple[str, int | None, str | None, str], ...] = ()


def detect_by_region(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    params: RunParams = RunParams(),
    read_params: ReadParams = ReadParams(),
    work: str | Path | None = None,
    skip: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
    isolate: bool = True,
    map_tasks: MapTasks | None = None,
    engine: dict | None = None,
    force: bool = False,
    previous: str | Path | None = None,
    cases: pd.DataFrame | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> tuple[RunResult, dict]:
    """Split ``data_dir`` by pooling region, detect region by region, write merged outputs to ``out_dir``.

    Parameters
    ----------
    data_dir : str or Path
        A claims directory (as for ``detect``).
    out_dir : str or Path
        Receives rings.csv, ring_members.csv, ring_reasons.csv, ring_claims.csv,
        explained.csv and run.json, atomically.
    params : RunParams
        Used for every region; ``score.max_rings`` and ``score.min_score`` also
        apply to the merged list.
    read_params : ReadParams
        ``mapping`` and ``encoding`` apply while splitting, ``lenient`` and
        ``max_errors`` when each region is read.
    work : path, optional
        Where the region directories go (``WORK/regions/<region>/``), kept
        after the run and reused when its ``partition.json`` names the same
        input files (same SHA-256).  By default a temporary directory next to
        ``out_dir``, removed at the end.
    skip : tuple of str
        Free-text columns left unread in each region (``pipeline.UNUSED_COLUMNS``).
    codes : tuple of str
        Enum columns kept as categoricals in each region (``pipeline.CODED_COLUMNS``).
    isolate : bool, default True
        Run each region in a fresh child process, so that its memory is given
        back when it ends and its peak is its own; False runs them in this
        process (small inputs, tests).
    map_tasks : callable, optional
        Runs the regions elsewhere: called as ``map_tasks(run_region, tasks,
        sizes=claims)`` with one argument tuple per region, it returns
        :func:`run_region`'s values in the order of ``tasks``; e.g.
        ``functools.partial(graphfraud.engine.tasks.map_tasks, spark=session)``
        runs each region as a Spark task, side by side.  The outputs are the
        same as those of the local run.  By default the regions run here, one
        after the other (``isolate``).
    engine : dict, optional
        What ``run.json`` records as ``engine`` [default ``{"name": "local"}``].
    force : bool, default False
        Replace an ``out_dir`` that holds files graphfraud did not write
        (never the input, a folder holding it, or the working directory).
    previous : path, optional
        The output directory of an earlier run (``detect --previous``): the
        merged rings are linked to its rings and ``lineage.csv`` is written.
    cases : DataFrame, optional
        Verdicts (``detect --cases``; :func:`graphfraud.io.cases.read_cases`):
        a model learned from them re-ranks the merged list; ``model.pkl``.
    log : callable
        Progress lines.

    Returns
    -------
    result : RunResult
        The merged (and, with ``cases``, re-ranked) rings; ``timings`` holds ``split``, ``regions (wall)``, ``merge``
        and every stage summed over regions.
    record : dict
        The content of run.json.

    Raises
    ------
    ContractError
        When the input, or a region, breaks the data contract; the file is named
        as ``regions/<region>/<file>``.  ``out_dir`` is then left as it was.  Also when ``previous`` lacks rings.csv or
        ring_members.csv (checked before the split).
    """
    start = time.perf_counter()
    if previous is not None:
        read_rings(previous)  # a previous folder without rings fails now, not after every region has run
    scratch = None
    if work is None:
        parent = Path(out_dir).resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{Path(out_dir).name}.regions-", dir=parent))
        work = scratch / "work"
    try:
        part = _partition(Path(data_dir), Path(work), read_params, log)
        _log_skipped(part.skipped, log)
        split_s = time.perf_counter() - start
        region_read = dataclasses.replace(read_params, mapping=None, encoding="utf-8")
        outcomes = _run_regions(part, params, region_read, (skip, codes), log, isolate=isolate, map_tasks=map_tasks)
        clock = time.perf_counter()
        result, claim_ids = merge_regions(outcomes, params)
        feedback = apply_feedback(result, _claim_facts(outcomes), previous=previous, cases=cases, seed=params.seed)
        result = feedback.result
        result.timings["split"] = round(split_s, 3)
        result.timings["regions (wall)"] = round(clock - start - split_s, 3)
        result.timings["merge"] = round(time.perf_counter() - clock, 3)
        record = _write(
            result,
            part,
            claim_ids,
            outcomes,
            out_dir,
            data_dir,
            work if scratch is None else None,
            engine or {"name": "local"},
            force=force,
            feedback=feedback,
        )
        log(
            f"merged {sum(len(o.rings) for o in outcomes)} region rings into {len(result.rings)} "
            f"in {result.timings['merge']:.1f} s"
        )
        return result, record
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def merge_regions(outcomes: list[RegionOutcome], params: RunParams = RunParams()) -> tuple[RunResult, np.ndarray]:
    """Rank the rings of all regions together, deduplicated by shared persons, ranks renumbered.

    Returns the merged :class:`~graphfraud.pipeline.RunResult` and the claim ids
    its rings' ``claims`` index into.
    """
    rings: list[Ring] = []
    parts: list[np.ndarray] = []
    offset = 0
    for o in outcomes:
        for ring in o.rings + o.explained:
            rings.append(dataclasses.replace(ring, claims=ring.claims + offset))
        parts.append(o.claim_ids)
        offset += len(o.claim_ids)
    kept, explained = select_rings(rings, params.score, people=_person_ids)
    candidates: dict[str, int] = {}
    timings: dict[str, float] = {}
    for o in outcomes:
        for name, n in o.candidates.items():
            candidates[name] = candidates.get(name, 0) + n
        for stage, seconds in o.timings.items():
            timings[stage] = round(timings.get(stage, 0.0) + seconds, 3)
    resolutions = sorted({o.time_resolution for o in outcomes}) or ["minute"]
    claim_ids = np.concatenate(parts) if parts else np.array([], dtype=object)
    result = RunResult(
        kept,
        explained,
        candidates,
        timings,
        params,
        versions(),
        resolutions[0] if len(resolutions) == 1 else "mixed",
        merge(o.signals for o in outcomes),
        _date_only(outcomes),
    )
    return result, claim_ids


def _date_only(outcomes: list[RegionOutcome]) -> dict[str, int]:
    """The regions' date-only venues and claims added up (empty when no region has any)."""
    out: dict[str, int] = {}
    for o in outcomes:
        for key, n in o.date_only.items():
            out[key] = out.get(key, 0) + n
    return out


def _claim_facts(outcomes: list[RegionOutcome]) -> pd.DataFrame:
    """start_time and fund_amount of the claims the merged rings point to (in :func:`merge_regions`' order)."""
    frames = [o.claim_facts for o in outcomes if len(o.claim_facts)]
    if not frames:
        return pd.DataFrame(
            {"start_time": pd.Series([], dtype="datetime64[ns]"), "fund_amount": pd.Series([], dtype=float)}
        )
    return pd.concat(frames, ignore_index=True)


def _claims_period(outcomes: list[RegionOutcome]) -> dict[str, str]:
    """The first and last claim day over all regions (ISO days compare as text)."""
    froms = [o.period["from"] for o in outcomes if o.period["from"]]
    tos = [o.period["to"] for o in outcomes if o.period["to"]]
    return {"from": min(froms, default=""), "to": max(tos, default="")}


def _person_ids(ring: Ring) -> set[str]:
    return {m.entity_id for m in ring.members if m.entity_type == "person"}


def _partition(data_dir: Path, work: Path, read_params: ReadParams, log: Callable[[str], None]) -> Partition:
    stored = load_partition(work)
    if stored is not None:
        current = {name: file_sha256(data_dir / name) for name in stored.source if (data_dir / name).is_file()}
        if current == stored.source and stored.params.get("mapping") == read_params.mapping:
            log(f"reusing the regions in {work} (same input files)")
            return stored
    log(f"splitting {data_dir} by pooling region into {work}")
    return partition_claims_dir(data_dir, work, params=read_params, log=log)


def _run_regions(
    part: Partition,
    params: RunParams,
    read_params: ReadParams,
    columns: tuple[tuple[str, ...], tuple[str, ...]],
    log: Callable[[str], None],
    *,
    isolate: bool,
    map_tasks: MapTasks | None,
) -> list[RegionOutcome]:
    """Run every region with claims: by ``map_tasks``, or here, each in a fresh process one at a time.

    ``columns``: the read's ``skip`` and ``codes``."""
    names = [name for name, rows in part.regions.items() if rows.get("claims", 0)]
    tasks = [(str(part.path(name)), name, params, read_params, *columns) for name in names]
    if map_tasks is not None:
        log(f"{len(tasks)} regions handed to the task runner")
        values = map_tasks(run_region, tasks, sizes=[part.regions[name]["claims"] for name in names])
    else:
        values = _run_here(tasks, isolate=isolate)
    outcomes = []
    for i, (name, value) in enumerate(zip(names, values, strict=True), start=1):
        if isinstance(value, _Failure):
            raise _contract_error(value, name)
        outcomes.append(value)
        log(
            f"region {name} ({i}/{len(names)}): {value.claims:,} claims, {len(value.rings)} rings, "
            f"{value.seconds:.1f} s, peak {value.peak_memory_gb:.1f} GB"
        )
        _log_skipped({f"regions/{name}/{file}": counts for file, counts in value.skipped.items()}, log)
    return outcomes


def _log_skipped(skipped: dict[str, dict[str, int]], log: Callable[[str], None]) -> None:
    """One warning line per file and reason of rows skipped under ``--lenient`` (as ``detect`` prints them)."""
    for file, counts in skipped.items():
        for reason, rows in counts.items():
            log(f"warning: skipped {rows:,} rows of {file}: {reason}")


def _run_here(tasks: list[tuple], *, isolate: bool) -> Iterator[RegionOutcome | _Failure]:
    """:func:`run_region` of each task in turn, each in a fresh child process when ``isolate``.

    A generator: each region is logged as it ends, and the first failing one stops the rest.
    """
    with contextlib.ExitStack() as stack:
        submit: Callable[..., RegionOutcome | _Failure] = run_region
        if isolate:
            pool = stack.enter_context(
                ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=1
                )
            )
            submit = lambda *args: pool.submit(run_region, *args).result()  # noqa: E731
        for args in tasks:
            yield submit(*args)


def run_region(
    path: str,
    name: str,
    params: RunParams,
    read_params: ReadParams,
    skip: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
) -> RegionOutcome | _Failure:
    """Read one region directory and run the pipeline on it (in a child process)."""
    from graphfraud.io.read import read_claims_dir

    start = time.perf_counter()
    try:
        data = read_claims_dir(path, read_params, skip=skip, codes=codes)
    except ContractError as exc:
        return _Failure(
            exc.file,
            exc.row,
            exc.column,
            exc.message,
            tuple((p.file, p.row, p.column, p.message) for p in exc.problems),
        )
    except GraphfraudError as exc:
        return _Failure("", None, None, str(exc))
    read_s = time.perf_counter() - start
    result = run(data, params)
    pointed = np.unique(np.concatenate([r.claims for r in result.rings + result.explained] or [np.array([], np.int64)]))
    ids = data.claims["claim_id"].astype(object).to_numpy()[pointed]
    facts = data.claims[["start_time", "fund_amount"]].iloc[pointed].reset_index(drop=True)

    def local(ring: Ring) -> Ring:
        return dataclasses.replace(ring, claims=np.searchsorted(pointed, ring.claims))

    return RegionOutcome(
        name,
        [local(r) for r in result.rings],
        [local(r) for r in result.explained],
        ids,
        result.candidates,
        {"read": round(read_s, 3), **result.timings},
        result.time_resolution,
        len(data.claims),
        round(time.perf_counter() - start, 3),
        peak_memory_gb(),
        data.skipped,
        result.signals,
        data.warnings,
        facts,
        claims_period(data.claims),
        result.date_only,
    )


def _contract_error(f: _Failure, region: str) -> ContractError:
    where = f"regions/{region}/"
    if not f.file:
        return ContractError(f"region {region}", None, None, f.message)
    return ContractError(
        where + f.file, f.row, f.column, f.message, [ContractError(where + p[0], p[1], p[2], p[3]) for p in f.problems]
    )


def _write(
    result: RunResult,
    part: Partition,
    claim_ids: np.ndarray,
    outcomes: list[RegionOutcome],
    out_dir: str | Path,
    data_dir: str | Path,
    work: Path | None,
    engine: dict,
    *,
    force: bool = False,
    feedback: Feedback | None = None,
) -> dict:
    own, children = peak_memory_gb(), children_peak_memory_gb()
    extra = {
        "data_dir": os.path.abspath(data_dir),
        "engine": engine,
        "by_region": {
            "note": "scores are computed against each region's own peers (per-region supervision); "
            "rings of all regions are ranked together and deduplicated by shared persons; "
            "--previous and --cases apply to that merged list",
            "work_dir": str(work) if work else None,
            "split_s": result.timings.get("split"),
            "buckets": part.buckets,
            "regions": [
                {
                    "region": o.region,
                    "claims": o.claims,
                    "rings": len(o.rings),
                    "explained": len(o.explained),
                    "seconds": o.seconds,
                    "peak_memory_gb": o.peak_memory_gb,
                    "time_resolution": o.time_resolution,
                    "signals_off": o.signals.off,
                }
                for o in outcomes
            ],
            "peak_memory_gb_split_and_merge": round(own, 2),
        },
        "peak_memory_gb": round(max(own, children), 2),
        # rows the split dropped (by input file), then rows each region's read skipped (by region file)
        "skipped": dict(part.skipped)
        | {f"regions/{o.region}/{file}": counts for o in outcomes for file, counts in o.skipped.items()},
        "data_quality": [w.record() | {"file": f"regions/{o.region}/{w.file}"} for o in outcomes for w in o.warnings],
        "claims_period": _claims_period(outcomes),  # a later run's --previous reads it
        **(feedback.record if feedback else {}),
    }
    return write_result(
        result,
        str(out_dir),
        claim_ids=pd.Series(claim_ids, dtype=object),
        source=dict(part.source),
        extra=extra,
        inputs=(str(data_dir),),
        force=force,
        tables=feedback.tables() if feedback else None,
        files=feedback.files() if feedback else None,
    )


__all__ = ["detect_by_region", "merge_regions", "run_region", "RegionOutcome"]

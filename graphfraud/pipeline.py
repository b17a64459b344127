"""The one place the stages are chained: tables -> graph -> candidates -> rings.

The CLI, the notebooks and the benchmarks all call :func:`run`; each stage is
a plain function of the previous stage's output.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import igraph
import numpy as np
import pandas as pd

from graphfraud import __version__
from graphfraud.contract import ClaimsData
from graphfraud.errors import ParamError
from graphfraud.detect import DETECTORS, cardload, cards, coadmit, covisit
from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import ClaimGraph, build_graph
from graphfraud.graph.events import distinct
from graphfraud.io.memory import give_back, peak_memory_gb
from graphfraud.params import RunParams, to_dict
from graphfraud.score.features import claim_facts
from graphfraud.score.rings import Ring, score_candidates
from graphfraud.graph.kinds import infer_kinds
from graphfraud.signals import SIGNALS, Support, support


#: Input columns no stage of ``run`` reads (foreign keys are followed through ``ClaimsData.links``): text
#: columns (not the fee lines' category, :data:`CODED_COLUMNS`), and the fee lines' quantities (read only by the
#: check of ``amount``).  The CLI's detect still checks them against the contract but does not keep them: at ten
#: million claims (22M fee lines) they hold two gigabytes (the quantities 0.17 GB).  The fee lines' item codes
#: are kept for an export without diagnoses: they then name a designated pharmacy's drug
#: (``score.designated.purchase_kinds``; 0.3 GiB at ten million claims).
UNUSED_COLUMNS: tuple[str, ...] = (
    "claims.patient_id",
    "claims.holder_id",
    "claims.facility_id",
    "claims.pharmacy_id",
    "claims.doctor_id",
    "claims.terminal_id",
    "claim_items.claim_id",
    "claim_items.item_code?claims.diagnosis",
    "claim_items.quantity",
)

#: Input columns ``detect`` keeps as pandas categoricals (``read_claims_dir(codes=...)``): one small code per row
#: (int8), each distinct value once.  The fee lines' category tells a family outing's dear goods from its dear
#: examinations (``score.features.GOODS_CATEGORIES``, step 57); as text it would be a string per fee line, as
#: codes 22.6M lines at ten million claims are 0.02 GiB.  Until round 13 it was released with the columns above
#: (checked, then all NA), and every dear line counted as goods.
#: Step 114: the fee lines' item names too, read for transport fees (救护车, ``detect.transport``): a few thousand
#: distinct names, one int16 code per line.
CODED_COLUMNS: tuple[str, ...] = ("claim_items.category", "claim_items.item_name")


@dataclass(frozen=True)
class RunResult:
    """What a ``detect`` run produced, with its provenance.

    Attributes
    ----------
    rings : list of Ring
        Best first.
    explained : list of Ring
        Dense groups left out of ``rings`` because they look like legitimate
        care; each carries the benign reason as its first reason.
    candidates : dict
        ``{detector name: number of candidates}``.
    timings : dict
        Seconds per stage.
    params : RunParams
    versions : dict
        graphfraud, igraph, pandas, numpy versions.
    time_resolution : str
        ``"minute"``, ``"day"`` (minute signals are off for day data) or
        ``"mixed"`` (some venues export dates only).
    date_only : dict
        Under ``"mixed"``: ``venues`` and ``claims`` that carry dates only
        (left out of minute-level measures), see :func:`date_only_counts`.
    signals : Support
        The signals the data supports, and those switched off or reduced
        for a missing column, table or time of day (:mod:`graphfraud.signals`).
    """

    rings: list[Ring]
    explained: list[Ring]
    candidates: dict[str, int]
    timings: dict[str, float]
    params: RunParams
    versions: dict[str, str] = field(default_factory=dict)
    time_resolution: str = "minute"
    signals: Support = field(default_factory=Support)
    date_only: dict[str, int] = field(default_factory=dict)
    inferred: dict[str, object] = field(default_factory=dict)


#: Said of the signals that run on kinds inferred from the venues' claims (step 100).
INFERRED_KIND = "facilities.kind absent: inferred from each facility's own claims (step 100, 推断)"


def inferred_support(data: ClaimsData) -> Support:
    """The signals of a run on facility kinds inferred by step 100 (:mod:`graphfraud.graph.kinds`): those of
    the inferred ``data``, every one that reads the kind listed as reduced (:data:`INFERRED_KIND`)."""
    after = support(data, used_by=("detect", "score", "benign"))
    reduced = {name: why for name, why in after.reduced.items()}
    for name in after.on:
        reads = [n for n in SIGNALS[name].needs] + [n for n, _ in SIGNALS[name].reduced]
        if any("facilities.kind" in n for n in reads):
            reduced[name] = "; ".join(w for w in (reduced.get(name), INFERRED_KIND) if w)
    return Support(after.on, after.off, {n: reduced[n] for n in after.on if n in reduced})


def versions() -> dict[str, str]:
    return {
        "graphfraud": __version__,
        "igraph": igraph.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
    }


def run(
    data: ClaimsData,
    params: RunParams = RunParams(),
    *,
    log: Callable[[str], None] = lambda message: None,
    project: Callable[..., Any] | None = None,
    jobs: int = 1,
) -> RunResult:
    """Detect, score and rank suspect rings in validated claim tables.

    Parameters
    ----------
    data : ClaimsData
        Validated tables (from :func:`graphfraud.io.read.read_claims_dir` or synth).
    params : RunParams
    log : callable
        Receives one line per finished stage (the CLI prints them on stderr).
    project : callable, optional
        The co-visit projection engine, in place of the local
        :func:`graphfraud.graph.project.project_covisits` (same signature and
        result), e.g. :func:`graphfraud.engine.spark.project_covisits` with its
        session bound (``docs/spark.md``).
    jobs : {1, 2}, default 1
        Detectors side by side: 1 runs them one at a time; 2 runs co-visits
        (the longest) in a second thread beside the others, in order.  The
        results are the same (each detector reads only the graph).  At ten
        million claims 2 took the detectors from 21.6 to 14.1-14.6 s of wall
        time (the same CPU time) but the peak memory from 3.9 to 4.5 GiB, past
        the 4 GB budget, hence the default (``benchmarks/results/speed-10M.md``,
        round 12).

    Returns
    -------
    RunResult
    """
    if jobs not in (1, 2):
        raise ParamError(f"jobs must be 1 (one detector at a time) or 2 (co-visits beside the others), got {jobs!r}")
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    signals = support(data, used_by=("detect", "score", "benign"))

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now
        give_back()  # a stage's temporaries: Arrow's pool and the C library's heaps keep them otherwise
        log(f"{stage}: {timings[stage]:.1f} s (peak memory so far {peak_memory_gb():.1f} GB)")

    graph = build_graph(data)
    graph, inferred = infer_kinds(graph)  # step 100: no kinds nor levels exported: read from the venues' claims
    if inferred:
        signals = inferred_support(graph.data)
    lap("graph")
    candidates: list[Candidate] = []
    counts: dict[str, int] = {}

    def detect(name: str) -> list[Candidate]:
        module, field_name = DETECTORS[name]
        engine: dict[str, Any] = {"project": project} if project is not None and module is covisit else {}
        if module is coadmit:  # split stays are one concept: the signals' split_days (SignalParams)
            engine["split_days"] = params.signals.split_days
        found: list[Candidate] = module.detect(graph, getattr(params, field_name), seed=params.seed, **engine)
        return found

    # One detector at a time by default: side by side (jobs=2) they saved 7 s of 22 at ten million claims but
    # added 0.55 GiB to the run's peak (3.9 -> 4.5 GiB, measured in round 12), and 4 GB is the budget there.
    if jobs == 1:
        for name in DETECTORS:
            found = detect(name)
            counts[name] = len(found)
            candidates.extend(found)
            lap(f"detect:{name}")
    else:
        found_by = _side_by_side(detect, list(DETECTORS), timings)
        for name in DETECTORS:  # the serial order: same candidates, same rings
            counts[name] = len(found_by[name])
            candidates.extend(found_by[name])
        timings["detect (wall)"] = round(time.perf_counter() - clock, 3)
        clock = time.perf_counter()
        give_back()
        for name in DETECTORS:
            log(
                f"detect:{name}: {timings[f'detect:{name}']:.1f} s in its thread (peak memory so far {peak_memory_gb():.1f} GB)"
            )
    # The card detectors' (institution, card) pairs and claim costs: scoring reads neither (0.4 GB at 10M claims).
    graph.forget(cards.USES)
    graph.forget(cardload.COSTS)
    focus = distinct(np.concatenate([c.claims for c in candidates])) if candidates else np.array([], dtype=np.int64)
    facts = claim_facts(graph, focus, signals=params.signals)
    rings, explained = score_candidates(candidates, facts, params.score)
    lap("score")
    return RunResult(
        rings,
        explained,
        counts,
        timings,
        params,
        versions(),
        data.time_resolution,
        signals,
        date_only_counts(graph),
        inferred,
    )


def _side_by_side(
    detect: Callable[[str], list[Candidate]], names: list[str], timings: dict[str, float]
) -> dict[str, list[Candidate]]:
    """``{name: detect(name)}``, co-visits in one thread and the other detectors, in order, in another.

    Each detector reads only the graph (what two of them compute alike is made
    once, under a lock: :meth:`ClaimGraph.shared`) and Leiden's generator is
    guarded (:mod:`graphfraud.detect.communities`), so the candidates are those
    of one detector at a time.  ``timings`` gets each detector's wall time in
    its thread, in the order of ``names``.

    >>> seconds = {}
    >>> _side_by_side(lambda name: [name.upper()], ["covisit", "beds", "cards"], seconds)
    {'covisit': ['COVISIT'], 'beds': ['BEDS'], 'cards': ['CARDS']}
    >>> list(seconds)
    ['detect:covisit', 'detect:beds', 'detect:cards']
    """

    def chain(group: list[str]) -> dict[str, tuple[list[Candidate], float]]:
        found = {}
        for name in group:
            start = time.perf_counter()
            found[name] = (detect(name), time.perf_counter() - start)
        return found

    first = [n for n in names if n == covisit.NAME] or names[:1]
    rest = [n for n in names if n not in first]
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="graphfraud-detect") as pool:
        parts = [pool.submit(chain, first), pool.submit(chain, rest)]
        found = {name: got for part in parts for name, got in part.result().items()}
    for name in names:
        timings[f"detect:{name}"] = round(found[name][1], 3)
    return {name: found[name][0] for name in names}


def date_only_counts(graph: ClaimGraph) -> dict[str, int]:
    """``{"venues": n, "claims": n}`` of the date-only venues of a mixed-resolution table; empty otherwise.

    >>> from graphfraud.graph.build import build_graph
    >>> from graphfraud.synth import toy
    >>> date_only_counts(build_graph(toy.staged_clinic()[0]))
    {}
    """
    if graph.timed is None:
        return {}
    return {"venues": len(graph.data.date_only_venues), "claims": int((~graph.timed).sum())}


def run_record(result: RunResult, *, inputs: dict[str, str], extra: dict | None = None) -> dict:
    """The content of ``run.json``: version, parameters, input hashes, timings, counts."""
    alerts = pd.Series([r.alert for r in result.rings], dtype=object).value_counts().to_dict()
    return {
        "version": __version__,
        "versions": result.versions,
        "parameters": to_dict(result.params),
        "seed": result.params.seed,
        "time_resolution": result.time_resolution,
        **({"date_only": result.date_only} if result.date_only else {}),
        **result.signals.record(),
        **({"inferred": result.inferred} if result.inferred else {}),
        "inputs": inputs,
        "timings_s": result.timings,
        "peak_memory_gb": round(peak_memory_gb(), 2),
        "candidates": result.candidates,
        "rings": len(result.rings),
        "explained": len(result.explained),
        "alerts": {k: int(alerts.get(k, 0)) for k in ("red", "orange", "yellow")},
        **(extra or {}),
    }


def write_outputs(
    result: RunResult,
    data: ClaimsData,
    out_dir: str,
    *,
    extra: dict | None = None,
    inputs: tuple[str, ...] = (),
    force: bool = False,
    tables: dict[str, pd.DataFrame] | None = None,
    files: dict[str, bytes] | None = None,
) -> dict:
    """Write the detect output directory of a run on ``data`` (:func:`write_result`); returns the run record."""
    return write_result(
        result,
        out_dir,
        claim_ids=data.claims["claim_id"],
        source=data.source,
        warnings=data.warnings,
        extra=extra,
        inputs=inputs,
        force=force,
        tables=tables,
        files=files,
    )


def write_result(
    result: RunResult,
    out_dir: str,
    *,
    claim_ids: pd.Series,
    source: dict[str, str],
    warnings: Iterable[Any] = (),
    extra: dict | None = None,
    inputs: tuple[str, ...] = (),
    force: bool = False,
    tables: dict[str, pd.DataFrame] | None = None,
    files: dict[str, bytes] | None = None,
) -> dict:
    """Write ``rings.csv``, ``ring_members.csv``, ``ring_reasons.csv``, ``ring_claims.csv``, ``explained.csv``,
    ``explained_reasons.csv`` and ``run.json`` (:func:`graphfraud.io.output.write_output`).

    ``explained.csv`` has the columns of ``rings.csv`` and lists the dense
    groups left out as legitimate care, with the reason why; ``explained_reasons.csv``
    their reasons with the columns of ``ring_reasons.csv``.  ``claim_ids`` is
    the column the rings' claim positions index into, ``source`` the input
    files' hashes and ``warnings`` the data-quality warnings of the read.  ``tables``
    (``{file name: frame}``, e.g. ``lineage.csv``) and ``files`` (``{file name:
    bytes}``, e.g. a learned model) are written into the same directory.

    The directory is written atomically: a failure leaves the previous
    complete output (or none), never a half-written one.  An existing
    ``out_dir`` is replaced only when it is empty or an earlier detect output
    (it holds our ``run.json``), and never when it is one of ``inputs`` (the
    claims directory), holds one, or is the working directory
    (:func:`graphfraud.io.write.check_replaceable`); ``force`` (``--force``) lets it replace
    an unrelated non-empty directory, never those.  Returns the run record.
    """
    from graphfraud.io.output import write_output
    from graphfraud.score.rings import claims_table, members_table, reasons_table, rings_table

    quality = {"data_quality": [w.record() for w in warnings]}
    record = run_record(result, inputs=source, extra=quality | (extra or {}))
    tables = {
        **(tables or {}),
        "rings.csv": rings_table(result.rings),
        "ring_members.csv": members_table(result.rings),
        "ring_reasons.csv": reasons_table(result.rings),
        "ring_claims.csv": claims_table(result.rings, claim_ids),
        "explained.csv": rings_table(result.explained),
        "explained_reasons.csv": reasons_table(result.explained),  # said in Chinese by exports
    }
    return write_output(out_dir, tables, record, inputs=inputs, force=force, files=files)

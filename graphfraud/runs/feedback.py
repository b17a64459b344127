"""The feedback loop of ``detect``: rings followed across runs, verdicts that re-rank.

:func:`apply_feedback` takes a finished :class:`~graphfraud.pipeline.RunResult`
and, with ``previous`` (the ``--out`` directory of an earlier run), links its
rings to the earlier ones (:mod:`graphfraud.outputs.lineage`); with ``cases`` (checked
verdicts, :mod:`graphfraud.io.cases`) it re-ranks the rings with a learned model
(:mod:`graphfraud.score.ringrank`).  Without either, the result is returned
unchanged, so the outputs are byte for byte those of a plain run.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pandas as pd

from graphfraud.io.rings import read_rings
from graphfraud.outputs.lineage import fund_since_previous, link_rings
from graphfraud.pipeline import RunResult
from graphfraud.score.rings import members_table

# graphfraud.score.rerank and .ringrank import scikit-learn (about a second): only a run with
# --cases imports them.

#: The file a learned model is written to, in the output directory.
MODEL_FILE = "model.pkl"


@dataclasses.dataclass(frozen=True)
class Feedback:
    """What :func:`apply_feedback` made: the (re-ranked) result, the lineage, the model and run.json's record."""

    result: RunResult
    lineage: pd.DataFrame | None
    model: Any
    record: dict

    def tables(self) -> dict[str, pd.DataFrame]:
        return {} if self.lineage is None else {"lineage.csv": self.lineage}

    def files(self) -> dict[str, bytes]:
        if self.model is None:
            return {}
        from graphfraud.score.rerank import model_bytes

        return {MODEL_FILE: model_bytes(self.model)}


def claims_period(claims: pd.DataFrame) -> dict[str, str]:
    """First and last claim day (ISO) of a run's claims (``start_time``): run.json's ``claims_period``.

    >>> claims_period(pd.DataFrame({"start_time": pd.to_datetime(["2024-03-02 08:10", "2024-01-31 17:00"])}))
    {'from': '2024-01-31', 'to': '2024-03-02'}
    """
    start = claims["start_time"]
    if start.notna().sum() == 0:
        return {"from": "", "to": ""}
    return {"from": f"{start.min():%Y-%m-%d}", "to": f"{start.max():%Y-%m-%d}"}


def _previous(
    previous_dir: str | Path, cases: pd.DataFrame | None
) -> tuple[pd.DataFrame, list[str], pd.Timestamp | None, dict]:
    """Previous members, ring order, last claim day, and the case status of its rings."""
    tables = read_rings(previous_dir)
    order = tables.rings.assign(rank=pd.to_numeric(tables.rings["rank"])).sort_values("rank")["ring_id"].tolist()
    folder = Path(previous_dir)
    run = json.loads((folder / "run.json").read_text(encoding="utf-8")) if (folder / "run.json").exists() else {}
    to = (run.get("claims_period") or {}).get("to") or None
    status: dict[str, str] = {}
    if (folder / "lineage.csv").exists():
        carried = pd.read_csv(folder / "lineage.csv", dtype=str, keep_default_na=False)
        status.update({r: s for r, s in zip(carried["ring_id"], carried["case_status"]) if r and s})
    if cases is not None:
        rings = cases[cases["entity_type"] == "ring"]
        status.update(dict(zip(rings["entity_id"], rings["verdict"])))
    return tables.members, order, pd.Timestamp(to) if to else None, status


def apply_feedback(
    result: RunResult,
    claims: pd.DataFrame,
    *,
    previous: str | Path | None = None,
    cases: pd.DataFrame | None = None,
    seed: int = 0,
) -> Feedback:
    """Link ``result``'s rings to ``previous`` run's and re-rank them with ``cases``.

    ``claims`` holds ``start_time`` and ``fund_amount`` at the row positions the
    rings' ``claims`` point to: ``ClaimsData.claims`` of a plain run, the claims
    the rings point to for a merged ``--by-region`` run (:mod:`graphfraud.regions`).

    Raises
    ------
    ContractError
        ``previous`` lacks rings.csv or ring_members.csv.

    When ``cases`` reach fewer than three confirmed or three dismissed rings
    the ranking is kept and ``record["learned"]["skipped"]`` says why.
    """
    record: dict = {}
    lineage, model, links = None, None, None
    if previous is not None:
        members, order, to, status = _previous(previous, cases)
        lineage = _lineage(result, claims, members, order, to, status)
        links = {r: p.split(";") for r, p in zip(lineage["ring_id"], lineage["previous_ring_ids"]) if r and p}
        record["previous"] = {"out_dir": str(Path(previous).resolve()), "claims_to": "" if to is None else f"{to:%Y-%m-%d}",
                              "statuses": lineage["status"].value_counts().sort_index().to_dict()}  # fmt: skip
    if cases is not None and len(cases):
        from graphfraud.score.rerank import MIN_PER_CLASS, model_sha256
        from graphfraud.score.ringrank import rerank_rings, ring_verdicts

        pool = result.rings + result.explained
        y = ring_verdicts(pool, cases, previous=links)
        if min(int(y.sum()), int(len(y) - y.sum())) < MIN_PER_CLASS:
            record["learned"] = {"skipped": f"the verdicts reach {int(y.sum())} confirmed and {int(len(y) - y.sum())} "
                                            f"dismissed rings of this run; learning needs {MIN_PER_CLASS} of each, "
                                            "so the rule ranking is kept"}  # fmt: skip
            return Feedback(result, lineage, None, record)
        reranked = rerank_rings(result.rings, result.explained, cases, previous=links, params=result.params.score,
                                seed=seed)  # fmt: skip
        model = reranked.model
        result = dataclasses.replace(result, rings=reranked.rings)
        record["learned"] = {**model.record(), "rings_with_verdict": int(len(reranked.verdicts)),
                             "model_file": MODEL_FILE, "model_sha256": model_sha256(model)}  # fmt: skip
        if lineage is not None:
            lineage = _lineage(result, claims, members, order, to, status)
    return Feedback(result, lineage, model, record)


def _lineage(result: RunResult, claims: pd.DataFrame, members: pd.DataFrame, order: list[str],
             to: pd.Timestamp | None, status: dict) -> pd.DataFrame:  # fmt: skip
    fund = fund_since_previous(result.rings, claims, to) if to is not None else None
    return link_rings(members_table(result.rings), members, current_order=[r.ring_id for r in result.rings],
                      previous_order=order, fund_since=fund, previous_cases=status)  # fmt: skip

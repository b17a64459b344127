"""Read one ring, as ``graphfraud detect`` wrote it, from a detection output directory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from graphfraud.contract import REASON_ARGS_COLUMN, ClaimsData
from graphfraud.errors import ContractError, GraphfraudError
from graphfraud.io.output import read_table
from graphfraud.io.rings import check_ring_id
from graphfraud.score.reasons import template

#: Files of a detection output directory an evidence pack is made from.
DETECT_FILES = ("rings.csv", "ring_members.csv", "ring_reasons.csv", "ring_claims.csv", "run.json")


class RingNotFoundError(GraphfraudError):
    """The requested ring id is not in the detection output."""


@dataclass(frozen=True)
class RingSource:
    """One ring and the run that found it.

    Attributes
    ----------
    ring : dict
        Its row of ``rings.csv`` (rank, ring_id, score, alert, typology, ...).
    members : DataFrame
        Its rows of ``ring_members.csv``.
    reasons : DataFrame
        Its rows of ``ring_reasons.csv``: code, value, threshold, points, text,
        and ``args``, the values of the text as a dict (None for every row when
        the file has no args column: a detect run of an older version).
    claim_ids : list of str
        Its suspect claims (``ring_claims.csv``).
    run : dict
        ``run.json`` of the detection run.
    out_dir : Path
    outputs : dict
        ``{file: sha256}`` of the detection files read.
    """

    ring: dict
    members: pd.DataFrame
    reasons: pd.DataFrame
    claim_ids: list[str]
    run: dict
    out_dir: Path
    outputs: dict[str, str]

    @property
    def ring_id(self) -> str:
        return str(self.ring["ring_id"])


def _read(out: Path, name: str) -> pd.DataFrame:
    return read_table(out, name, hint=f"; run `graphfraud detect DATA_DIR --out {out}` first")


def ring_ids(out_dir: str | Path, *, top: int | None = None) -> list[str]:
    """Ring ids of ``rings.csv`` best first (the first ``top`` of them)."""
    rings = _read(Path(out_dir), "rings.csv")
    for row, value in zip(rings.index, rings["ring_id"]):
        check_ring_id(value, file="rings.csv", row=int(row) + 2)
    ids = rings.sort_values("rank", key=lambda s: s.astype(int))["ring_id"].tolist()
    return ids if top is None else ids[:top]


def read_ring(out_dir: str | Path, ring_id: str) -> RingSource:
    """Read ring ``ring_id`` from ``out_dir``.

    Raises
    ------
    ContractError
        A detection file is missing.
    RingNotFoundError
        ``ring_id`` is not in ``rings.csv``; the message lists the ids there.
    """
    from graphfraud.io.write import file_sha256

    out = Path(out_dir)
    if not out.is_dir():
        raise ContractError(str(out), None, None, "is not a directory; give the --out directory of `graphfraud detect`")
    check_ring_id(ring_id, file="ring id", row=None)
    rings = _read(out, "rings.csv")
    run = _checked_run(out)
    hit = rings[rings["ring_id"] == ring_id]
    if hit.empty:
        shown = ", ".join(rings["ring_id"].head(10))
        more = f" and {len(rings) - 10} more" if len(rings) > 10 else ""
        raise RingNotFoundError(
            f"ring {ring_id!r} is not in {out / 'rings.csv'} ({len(rings)} rings: {shown or 'none'}{more})"
        )
    members = _read(out, "ring_members.csv")
    reasons = _read(out, "ring_reasons.csv")
    reasons = reasons[reasons["ring_id"] == ring_id]
    reasons = reasons.assign(args=_reason_args(reasons))
    claims = _read(out, "ring_claims.csv")
    return RingSource(
        ring=hit.iloc[0].to_dict(),
        members=members[members["ring_id"] == ring_id].reset_index(drop=True),
        reasons=reasons.reset_index(drop=True),
        claim_ids=claims.loc[claims["ring_id"] == ring_id, "claim_id"].tolist(),
        run=run,
        out_dir=out,
        outputs={n: file_sha256(out / n) for n in DETECT_FILES if (out / n).is_file()},
    )


def _checked_run(out: Path) -> dict:
    """run.json of ``out``, after checking that every output file it lists still has its recorded SHA-256.

    Raises
    ------
    ContractError
        run.json is missing, unreadable or lists no outputs, or a file differs from its recorded hash.
    """
    from graphfraud.io.write import file_sha256

    path = out / "run.json"
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractError("run.json", None, None, f"missing from {out}; run `graphfraud detect` again") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ContractError("run.json", None, None, f"in {out} cannot be read ({exc})") from None
    outputs = run.get("outputs") if isinstance(run, dict) else None
    if not isinstance(outputs, dict) or not outputs:
        raise ContractError(
            "run.json",
            None,
            "outputs",
            f"in {out} records no output hashes; run `graphfraud "
            "detect` again (the files cannot be checked before they go into a pack)",
        )
    for name in DETECT_FILES[:-1]:
        recorded = outputs.get(name)
        if not isinstance(recorded, str):
            raise ContractError("run.json", None, "outputs", f"in {out} records no hash for {name}")
        if not (out / name).is_file() or file_sha256(out / name) != recorded:
            raise ContractError(
                name,
                None,
                None,
                f"in {out} differs from the SHA-256 that run.json records "
                "(edited or replaced after detection); run `graphfraud detect` again",
            )
    return run


def _reason_args(reasons: pd.DataFrame) -> list[dict | None]:
    """The ``args`` column of ring_reasons.csv rows as dicts, checked against the templates of their codes."""
    column = REASON_ARGS_COLUMN[0]
    if column not in reasons.columns:
        return [None] * len(reasons)
    out = []
    for row, code, text in zip(reasons.index, reasons["code"], reasons[column]):
        where = ("ring_reasons.csv", int(row) + 2, column)
        try:
            args = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ContractError(*where, f"not JSON ({exc}): {text[:60]!r}") from None
        if not isinstance(args, dict):
            raise ContractError(*where, f"not a JSON object of values by name: {text[:60]!r}")
        try:
            template(code, args)
        except ValueError as exc:
            raise ContractError(*where, f"{exc}; was the file written by another graphfraud version?") from None
        out.append(args)
    return out


def data_dir_of(source: RingSource, data_dir: str | Path | None) -> Path:
    """The claims directory: ``data_dir`` if given, else the one recorded in run.json."""
    if data_dir is not None:
        return Path(data_dir)
    recorded = source.run.get("data_dir")
    if not recorded:
        raise GraphfraudError(
            f"{source.out_dir / 'run.json'} does not record the claims directory; pass --data DATA_DIR"
        )
    return Path(recorded)


def check_inputs(source: RingSource, data: ClaimsData, data_dir: Path) -> None:
    """Refuse a claims directory whose files differ from those the detection run read."""
    recorded = source.run.get("inputs") or {}
    for name, digest in sorted(recorded.items()):
        got = data.source.get(name)
        if got is not None and got != digest:
            raise GraphfraudError(
                f"{data_dir / name} has changed since detection (sha256 {got[:12]}..., run.json records "
                f"{digest[:12]}...); run `graphfraud detect` again or pass the original --data"
            )
    ids = pd.Index(data.claims["claim_id"].astype(object))
    missing = [c for c in source.claim_ids if c not in ids]
    if missing:
        raise GraphfraudError(
            f"{len(missing)} claims of ring {source.ring_id} are not in {data_dir}/claims (e.g. {missing[0]}); "
            "is this the directory the ring was detected in?"
        )

"""Read a ``detect`` output directory back and shape it for people: ranked tables, one ring's detail.

The analyst's terminal views (``graphfraud rings``, ``graphfraud show``) and
the spreadsheet export start here.  Everything is a plain function returning
a DataFrame or a frozen dataclass; text rendering takes the terminal width and
an optional ``colour(text, alert)`` callable so this module never imports the
CLI or click.

Layer: beside ``evaluate``/``evidence``/``neo4j`` (it consumes rings and
claim tables, nothing downstream imports it).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from graphfraud.contract import ALERTS, EXPLAINED_COLUMNS, MEMBERS_COLUMNS, REASONS_COLUMNS, RINGS_COLUMNS
from graphfraud.errors import ContractError, ParamError
from graphfraud.lineage import COLUMNS as LINEAGE_COLUMNS
from graphfraud.lineage import label as lineage_label

#: Roles in the order an investigator reads them.
ROLE_ORDER = ("organizer", "doctor", "venue", "recruit", "card_holder", "patient")

Colour = Callable[[str, str], str]

@dataclass(frozen=True)
class DetectOutput:
    """The files of one ``detect`` output directory.

    Attributes
    ----------
    out_dir : Path
    rings : DataFrame
        ``rings.csv`` with the contract's English column names (Chinese headers are accepted).
    members : DataFrame
        ``ring_members.csv``.
    reasons : DataFrame
        ``ring_reasons.csv`` (empty when absent), with its ``args`` column
        when the run wrote one (:data:`~graphfraud.contract.REASON_ARGS_COLUMN`).
    ring_claims : DataFrame
        ``ring_claims.csv``: ``ring_id, claim_id`` (empty when absent).
    record : dict
        ``run.json`` (empty when absent).
    explained : DataFrame
        ``explained.csv``: the dense groups left out as legitimate care, with the
        columns of ``rings.csv`` typed the same way (empty when absent).
    lineage : DataFrame
        ``lineage.csv`` of a ``detect --previous`` run as text (empty when absent).
    """

    out_dir: Path
    rings: pd.DataFrame
    members: pd.DataFrame
    reasons: pd.DataFrame
    ring_claims: pd.DataFrame
    record: dict[str, Any] = field(default_factory=dict)
    explained: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[e for e, _ in RINGS_COLUMNS]))
    lineage: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LINEAGE_COLUMNS))

    def since_last_run(self, ring_id: str) -> str:
        """What became of the ring since the previous run, in words (:data:`graphfraud.lineage.WORDS`); "" without lineage."""
        row = self.lineage[self.lineage["ring_id"] == ring_id]
        return "" if row.empty else lineage_label(row["status"].iloc[0], row["case_status"].iloc[0])


def _read_table(path: Path, columns: tuple[str, ...], zh: dict[str, str] | None = None) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if zh:
        frame = frame.rename(columns={z: e for e, z in zh.items()})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ContractError(path.name, 1, missing[0], f"required column missing from {path.parent}")
    return frame


def read_output(out_dir: str | Path) -> DetectOutput:
    """Read the ``--out`` directory of a ``detect`` run.

    Parameters
    ----------
    out_dir : str or Path

    Returns
    -------
    DetectOutput
        Numbers typed: ``rank, persons, doctors, facilities, pharmacies, claims`` int;
        ``score, fund_amount`` float (in rings and explained); member ``score`` float;
        reason ``value, threshold, points`` stay text as written.

    Raises
    ------
    ContractError
        When ``rings.csv`` or ``ring_members.csv`` is missing or lacks a column.
    """
    out = Path(out_dir)
    for name in ("rings.csv", "ring_members.csv"):
        if not (out / name).is_file():
            raise ContractError(name, None, None, f"missing from {out}: is this the --out directory of a detect run?")
    rings = _read_rings(out / "rings.csv", RINGS_COLUMNS)
    members = _read_table(out / "ring_members.csv", tuple(e for e, _ in MEMBERS_COLUMNS), dict(MEMBERS_COLUMNS))
    members["score"] = pd.to_numeric(members["score"]).astype(float)
    reason_columns = tuple(e for e, _ in REASONS_COLUMNS)
    reasons = pd.DataFrame(columns=list(reason_columns))
    if (out / "ring_reasons.csv").is_file():
        reasons = _read_table(out / "ring_reasons.csv", reason_columns, dict(REASONS_COLUMNS))
    ring_claims = pd.DataFrame({"ring_id": pd.Series([], dtype=str), "claim_id": pd.Series([], dtype=str)})
    if (out / "ring_claims.csv").is_file():
        ring_claims = _read_table(out / "ring_claims.csv", ("ring_id", "claim_id"))
    record: dict[str, Any] = {}
    if (out / "run.json").is_file():
        record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    explained = pd.DataFrame(columns=[e for e, _ in RINGS_COLUMNS])
    if (out / "explained.csv").is_file():
        explained = _read_rings(out / "explained.csv", EXPLAINED_COLUMNS)
    lineage = pd.DataFrame(columns=LINEAGE_COLUMNS)
    if (out / "lineage.csv").is_file():
        lineage = _read_table(out / "lineage.csv", tuple(LINEAGE_COLUMNS))
    return DetectOutput(out, rings, members, reasons, ring_claims, record, explained, lineage)


def _read_rings(path: Path, columns: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """rings.csv or explained.csv, counts as int and score, fund as float, by rank."""
    rings = _read_table(path, tuple(e for e, _ in columns), dict(columns))
    for col in ("rank", "persons", "doctors", "facilities", "pharmacies", "claims"):
        rings[col] = pd.to_numeric(rings[col]).astype(int)
    for col in ("score", "fund_amount"):
        rings[col] = pd.to_numeric(rings[col]).astype(float)
    return rings.sort_values("rank", kind="stable").reset_index(drop=True)


def members_text(row: pd.Series) -> str:
    """``48 persons, 3 doctors, 1 facility`` for one rings.csv row (zero counts left out)."""
    parts = []
    for col, one in (("persons", "person"), ("doctors", "doctor"), ("facilities", "facility"),
                     ("pharmacies", "pharmacy")):  # fmt: skip
        n = int(row[col])
        if n:
            parts.append(f"{n} {one if n == 1 else col}")
    return ", ".join(parts) or "-"


def first_reason(reasons: str) -> str:
    """The first of the ``; ``-separated reasons of a rings.csv row."""
    return str(reasons).split("; ")[0].strip() if reasons else ""


def rings_view(output: DetectOutput, *, top: int = 20, alert: str | None = None) -> pd.DataFrame:
    """The ranked rings an analyst reads first.

    Parameters
    ----------
    output : DetectOutput
    top : int, default 20
        Number of rings kept (after the alert filter), best first.
    alert : {"red", "orange", "yellow"} or None
        Keep only rings with this alert level.

    Returns
    -------
    DataFrame
        ``rank, ring_id, alert, typology, score, members, claims, fund_amount, reason, since_last_run``
        (``members`` as ``persons / doctors / venues``, ``reason`` the first reason,
        ``since_last_run`` e.g. "新发现 new since last run" after ``detect --previous``, else "").

    Raises
    ------
    ParamError
        When ``top`` < 1 or ``alert`` is not an alert level.
    """
    if not isinstance(top, int) or top < 1:
        raise ParamError(f"The 'top' parameter of rings_view must be an int >= 1. Got {top!r} instead.")
    if alert is not None and alert not in ALERTS:
        raise ParamError(f"The 'alert' parameter of rings_view must be one of {', '.join(ALERTS)}. Got {alert!r} instead.")
    rings = output.rings
    if alert is not None:
        rings = rings[rings["alert"] == alert]
    rings = rings.head(top)
    return pd.DataFrame(
        {
            "rank": rings["rank"],
            "ring_id": rings["ring_id"],
            "alert": rings["alert"],
            "typology": rings["typology"],
            "score": rings["score"],
            "members": [f"{r.persons} / {r.doctors} / {r.facilities + r.pharmacies}" for r in rings.itertuples()],
            "claims": rings["claims"],
            "fund_amount": rings["fund_amount"],
            "reason": [first_reason(x) for x in rings["reasons"]],
            "since_last_run": [output.since_last_run(r) for r in rings["ring_id"]],
        }
    ).reset_index(drop=True)


# ------------------------------------------------------------------ text rendering


def display_width(text: str) -> int:
    """Terminal columns of ``text``: East Asian wide characters count two.

    >>> display_width("R1 红色"), display_width("abc")
    (7, 3)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, ending in ``…`` when cut.

    >>> truncate("fund per claim 33.2x", 10), truncate("short", 10)
    ('fund per …', 'short')
    """
    if display_width(text) <= width:
        return text
    if width <= 0:
        return ""
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def format_rings(view: pd.DataFrame, *, width: int = 120, colour: Colour | None = None) -> list[str]:
    """Lines of a fixed-width table of :func:`rings_view`, each at most ``width`` columns.

    ``colour(text, alert)`` styles the padded alert cell (the CLI passes
    ``click.style``); the reason column takes what width is left and is
    truncated with ``…``.

    Examples
    --------
    >>> view = pd.DataFrame({"rank": [1], "ring_id": ["R1"], "alert": ["red"], "typology": ["staged_clinic"],
    ...     "score": [86.2], "members": ["48 / 3 / 1"], "claims": [12], "fund_amount": [223947.17],
    ...     "reason": ["47 of 47 persons were at H1 on >= 4 of the same 30 days"]})
    >>> for line in format_rings(view, width=90):
    ...     print(line)
    rank  ring      alert   typology       persons/doctors/venues  fund (yuan)  first reason
       1  R1        red     staged_clinic  48 / 3 / 1               223,947.17  47 of 47 pers…
    """
    cells = [
        [str(int(r["rank"])), str(r["ring_id"]), str(r["alert"]), str(r["typology"]), str(r["members"]),
         f"{float(r['fund_amount']):,.2f}",
         (f"[{r['since_last_run']}] " if r.get("since_last_run") else "") + str(r["reason"])]
        for _, r in view.iterrows()
    ]  # fmt: skip
    heads = ["rank", "ring", "alert", "typology", "persons/doctors/venues", "fund (yuan)", "first reason"]
    widths = [max([display_width(h)] + [display_width(c[i]) for c in cells]) for i, h in enumerate(heads[:-1])]
    widths[1], widths[2] = max(widths[1], 8), max(widths[2], 6)
    right = {0, 5}
    used = sum(widths) + 2 * len(widths)
    reason_width = max(width - used, 12)
    lines = ["  ".join(_pad(h, w, i in right) for i, (h, w) in enumerate(zip(heads, widths)))
             + "  " + truncate(heads[-1], reason_width)]  # fmt: skip
    for c in cells:
        parts = []
        for i, w in enumerate(widths):
            text = _pad(c[i], w, i in right)
            parts.append(colour(text, c[2]) if (i == 2 and colour) else text)
        lines.append("  ".join(parts) + "  " + truncate(c[-1], reason_width))
    return lines


# ------------------------------------------------------------------ one ring


@dataclass(frozen=True)
class RingDetail:
    """One ring, as ``graphfraud show`` prints it.

    Attributes
    ----------
    ring : dict
        Its rings.csv row (English keys).
    reasons : DataFrame
        ``code, value, threshold, points, text`` (from ring_reasons.csv; else split from rings.csv).
    members : DataFrame
        ``entity_type, entity_id, role, score``, ordered by :data:`ROLE_ORDER`, then score.
    busiest_days : DataFrame or None
        :func:`busiest_days` of the ring's claims; ``None`` when no claims table was given.
    """

    ring: dict[str, Any]
    reasons: pd.DataFrame
    members: pd.DataFrame
    busiest_days: pd.DataFrame | None
    lineage: dict[str, Any] = field(default_factory=dict)  # its lineage.csv row and ``since_last_run`` words, or {}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``--json``)."""
        days = None if self.busiest_days is None else _records(self.busiest_days)
        return {"ring": self.ring, "reasons": _records(self.reasons), "members": _records(self.members),
                "busiest_days": days, "lineage": self.lineage}  # fmt: skip


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))


def busiest_days(ring_claims: pd.Series, claims: pd.DataFrame, *, top: int = 10) -> pd.DataFrame:
    """The days on which a ring's claims cluster, busiest first.

    Parameters
    ----------
    ring_claims : Series of str
        The ring's claim ids.
    claims : DataFrame
        The claims table (contract columns).
    top : int, default 10

    Returns
    -------
    DataFrame
        ``day`` (YYYY-MM-DD), ``claims``, ``persons`` (distinct patients), ``fund_amount``,
        ``first``, ``last`` (HH:MM of the first and last start time that day), ``venues``
        (facility / pharmacy ids, ``, ``-joined).

    Notes
    -----
    Claim ids of the ring missing from ``claims`` (another export) are ignored;
    when all are missing the result is empty.
    """
    rows = claims[claims["claim_id"].astype(str).isin(set(ring_claims.astype(str)))]
    if rows.empty:
        return pd.DataFrame(columns=["day", "claims", "persons", "fund_amount", "first", "last", "venues"])
    rows = rows.assign(
        _day=rows["start_time"].dt.strftime("%Y-%m-%d"),
        _venue=rows["facility_id"].fillna(rows["pharmacy_id"]).astype(str),
    )
    grouped = rows.groupby("_day", sort=True)
    out = pd.DataFrame(
        {
            "claims": grouped.size(),
            "persons": grouped["patient_id"].nunique(),
            "fund_amount": grouped["fund_amount"].sum().round(2),
            "first": grouped["start_time"].min().dt.strftime("%H:%M"),
            "last": grouped["start_time"].max().dt.strftime("%H:%M"),
            "venues": grouped["_venue"].agg(lambda v: ", ".join(sorted(set(v)))),
        }
    )
    out = out.rename_axis("day").reset_index()
    return out.sort_values(["claims", "fund_amount", "day"], ascending=[False, False, True]).head(top).reset_index(drop=True)


def ring_detail(output: DetectOutput, ring_id: str, *, claims: pd.DataFrame | None = None, top_days: int = 10) -> RingDetail:
    """Everything ``graphfraud show`` prints about one ring.

    Parameters
    ----------
    output : DetectOutput
    ring_id : str
        As in rings.csv (explained groups are not shown).
    claims : DataFrame, optional
        The claims table of the data the run read; without it there are no busiest days.
    top_days : int, default 10

    Raises
    ------
    ContractError
        When ``ring_id`` is not in rings.csv (the message lists the first ids).
    """
    match = output.rings[output.rings["ring_id"] == ring_id]
    if match.empty:
        known = ", ".join(output.rings["ring_id"].head(5))
        raise ContractError("rings.csv", None, "ring_id", f"no ring {ring_id!r} in {output.out_dir}; "
                            f"known rings start with: {known or '(none)'}")  # fmt: skip
    ring = {k: (v.item() if hasattr(v, "item") else v) for k, v in match.iloc[0].to_dict().items()}
    columns = [e for e, _ in REASONS_COLUMNS[1:]]  # without ring_id, and without the args column of newer runs
    reasons = output.reasons.loc[output.reasons["ring_id"] == ring_id, columns].reset_index(drop=True)
    if reasons.empty:
        texts = [t.strip() for t in str(ring["reasons"]).split("; ") if t.strip()]
        reasons = pd.DataFrame({"code": "", "value": "", "threshold": "", "points": "", "text": texts})
    members = output.members[output.members["ring_id"] == ring_id].drop(columns="ring_id")
    order = {r: i for i, r in enumerate(ROLE_ORDER)}
    members = (members.assign(_o=members["role"].map(lambda r: order.get(r, len(order))))
               .sort_values(["_o", "score", "entity_id"], ascending=[True, False, True])
               .drop(columns="_o").reset_index(drop=True))  # fmt: skip
    days = None
    if claims is not None:
        ids = output.ring_claims.loc[output.ring_claims["ring_id"] == ring_id, "claim_id"]
        days = busiest_days(ids, claims, top=top_days)
    lineage: dict[str, Any] = {}
    row = output.lineage[output.lineage["ring_id"] == ring_id]
    if not row.empty:
        lineage = {**row.iloc[0].to_dict(), "since_last_run": output.since_last_run(ring_id)}
    return RingDetail(ring, reasons, members, days, lineage)


def format_detail(detail: RingDetail, *, width: int = 120, colour: Colour | None = None,
                  max_members: int = 12) -> list[str]:  # fmt: skip
    """Lines of ``graphfraud show``: header, reasons, members by role, busiest days.

    At most ``max_members`` ids are listed per role (the count is always given).
    """
    r = detail.ring
    alert = colour(r["alert"], r["alert"]) if colour else r["alert"]
    lines = [f"#{r['rank']} {r['ring_id']}  {alert}  {r['typology']}  score {float(r['score']):.1f}",
             f"{members_text(pd.Series(r))}; {r['claims']} claims; {float(r['fund_amount']):,.2f} yuan paid by the fund",
             "", "Reasons:"]  # fmt: skip
    if detail.lineage:
        g = detail.lineage
        was = f" (was {g['previous_ring_id']}: +{g['members_added']} / -{g['members_removed']} persons)" if g["previous_ring_id"] else ""
        lines[2:2] = [truncate(f"Since last run: {g['since_last_run']}{was}", width)]
    for _, x in detail.reasons.iterrows():
        points = f"+{float(x['points']):.0f} " if str(x["points"]) not in ("", "nan") else ""
        lines.append(truncate(f"  {points}{x['text']}", width))
    lines += ["", "Members by role:"]
    for role, group in detail.members.groupby("role", sort=False):
        ids = [f"{e} ({t})" if t != "person" else str(e) for t, e in zip(group["entity_type"], group["entity_id"])]
        more = f" … and {len(ids) - max_members} more" if len(ids) > max_members else ""
        lines.append(truncate(f"  {role} ({len(ids)}): " + ", ".join(ids[:max_members]) + more, width))
    if detail.busiest_days is None:
        return lines
    lines += ["", "Busiest days:"]
    if detail.busiest_days.empty:
        lines.append("  (none of the ring's claims are in the claims table given)")
        return lines
    lines.append("  day         claims  persons   fund (yuan)  first  last   venues")
    for _, d in detail.busiest_days.iterrows():
        lines.append(truncate(f"  {d['day']}  {d['claims']:>6}  {d['persons']:>7}  {d['fund_amount']:>12,.2f}  "
                              f"{d['first']}  {d['last']}  {d['venues']}", width))  # fmt: skip
    return lines

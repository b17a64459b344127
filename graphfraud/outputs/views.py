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

from graphfraud.contract import ALERTS, REASONS_COLUMNS, RINGS_COLUMNS, ROLE_TABLE
from graphfraud.errors import ContractError, ParamError
from graphfraud.io.output import read_record, read_table
from graphfraud.score.wording import check_lang, reasons_by_ring, say_row, term
from graphfraud.outputs.lineage import COLUMNS as LINEAGE_COLUMNS
from graphfraud.outputs.lineage import label as lineage_label


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
    explained_reasons : DataFrame
        ``explained_reasons.csv``: their reasons, as ``reasons`` (empty when absent).
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
    explained_reasons: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=[e for e, _ in REASONS_COLUMNS])
    )
    lineage: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LINEAGE_COLUMNS))

    def since_last_run(self, ring_id: str) -> str:
        """What became of the ring since the previous run, in words (:data:`graphfraud.outputs.lineage.WORDS`); "" without lineage."""
        row = self.lineage[self.lineage["ring_id"] == ring_id]
        return "" if row.empty else lineage_label(row["status"].iloc[0], row["case_status"].iloc[0])


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
    hint = ": is this the --out directory of a detect run?"
    rings = _typed_rings(read_table(out, "rings.csv", hint=hint))
    members = read_table(out, "ring_members.csv", hint=hint)
    members["score"] = pd.to_numeric(members["score"]).astype(float)
    reasons = read_table(out, "ring_reasons.csv", required=False)
    ring_claims = read_table(out, "ring_claims.csv", required=False)
    record = read_record(out)
    explained = _typed_rings(read_table(out, "explained.csv", required=False))
    explained_reasons = read_table(out, "explained_reasons.csv", required=False)
    lineage = read_table(out, "lineage.csv", required=False)
    return DetectOutput(out, rings, members, reasons, ring_claims, record, explained, explained_reasons, lineage)


def _typed_rings(rings: pd.DataFrame) -> pd.DataFrame:
    """rings.csv or explained.csv, counts as int and score, fund as float, by rank."""
    for col in ("rank", "persons", "doctors", "facilities", "pharmacies", "claims"):
        rings[col] = pd.to_numeric(rings[col]).astype(int)
    for col in ("score", "fund_amount"):
        rings[col] = pd.to_numeric(rings[col]).astype(float)
    return rings.sort_values("rank", kind="stable").reset_index(drop=True)


def members_text(row: pd.Series, lang: str = "en") -> str:
    """``48 persons, 3 doctors, 1 facility`` (``48 人、3 名医师、1 家医疗机构``) for one rings.csv row (zero counts left out).

    >>> row = pd.Series({"persons": 48, "doctors": 3, "facilities": 1, "pharmacies": 0})
    >>> members_text(row), members_text(row, "zh")
    ('48 persons, 3 doctors, 1 facility', '48 人、3 名医师、1 家医疗机构')
    """
    parts = []
    for col, one, zh in (("persons", "person", "{} 人"), ("doctors", "doctor", "{} 名医师"),
                         ("facilities", "facility", "{} 家医疗机构"), ("pharmacies", "pharmacy", "{} 家零售药店")):  # fmt: skip
        n = int(row[col])
        if n:
            parts.append(zh.format(n) if lang == "zh" else f"{n} {one if n == 1 else col}")
    return ("、" if lang == "zh" else ", ").join(parts) or "-"


def first_reason(reasons: str) -> str:
    """The first of the ``; ``-separated reasons of a rings.csv row."""
    return str(reasons).split("; ")[0].strip() if reasons else ""


def rings_view(output: DetectOutput, *, top: int = 20, alert: str | None = None, lang: str = "en") -> pd.DataFrame:
    """The ranked rings an analyst reads first.

    Parameters
    ----------
    output : DetectOutput
    top : int, default 20
        Number of rings kept (after the alert filter), best first.
    alert : {"red", "orange", "yellow"} or None
        Keep only rings with this alert level.
    lang : {"zh", "en"}, default "en"
        Language of ``reason`` (said from ring_reasons.csv's code and args; a run
        without them keeps rings.csv's English text).

    Returns
    -------
    DataFrame
        ``rank, ring_id, alert, typology, score, members, claims, fund_amount, reason, since_last_run``
        (``alert`` and ``typology`` as codes, ``members`` as ``persons / doctors / venues``, ``reason`` the first reason,
        ``since_last_run`` e.g. "新发现 new since last run" after ``detect --previous``, else "").

    Raises
    ------
    ParamError
        When ``top`` < 1 or ``alert`` is not an alert level.
    """
    if not isinstance(top, int) or top < 1:
        raise ParamError(f"The 'top' parameter of rings_view must be an int >= 1. Got {top!r} instead.")
    if alert is not None and alert not in ALERTS:
        raise ParamError(
            f"The 'alert' parameter of rings_view must be one of {', '.join(ALERTS)}. Got {alert!r} instead."
        )
    check_lang(lang, "rings_view")
    rings = output.rings
    if alert is not None:
        rings = rings[rings["alert"] == alert]
    rings = rings.head(top)
    said = reasons_by_ring(output.reasons, lang)
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
            "reason": [
                said[i][0] if said.get(i) else first_reason(x) for i, x in zip(rings["ring_id"], rings["reasons"])
            ],
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


_RING_HEADS = {
    "en": ["rank", "ring", "alert", "typology", "persons/doctors/venues", "fund (yuan)", "first reason"],
    "zh": ["排名", "团伙编号", "预警", "类型", "人员/医师/机构", "基金支付(元)", "首要疑点"],
}


def format_rings(view: pd.DataFrame, *, width: int = 120, colour: Colour | None = None, lang: str = "en") -> list[str]:
    """Lines of a fixed-width table of :func:`rings_view`, each at most ``width`` columns.

    ``colour(text, alert)`` styles the padded alert cell (the CLI passes
    ``click.style``); the reason column takes what width is left and is
    truncated with ``…``.  ``lang="zh"`` gives Chinese headings, alert levels
    and typologies (:data:`graphfraud.score.wording.GLOSSARY`).

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
    check_lang(lang, "format_rings")
    cells = [
        [str(int(r["rank"])), str(r["ring_id"]), term("alert_level", r["alert"], lang),
         term("typology", r["typology"], lang) if lang == "zh" else str(r["typology"]), str(r["members"]),
         f"{float(r['fund_amount']):,.2f}",
         (f"[{r['since_last_run']}] " if r.get("since_last_run") else "") + str(r["reason"]), str(r["alert"])]
        for _, r in view.iterrows()
    ]  # fmt: skip
    heads = _RING_HEADS[lang]
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
            parts.append(colour(text, c[-1]) if (i == 2 and colour) else text)
        lines.append("  ".join(parts) + "  " + truncate(c[-2], reason_width))
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
        ``entity_type, entity_id, role, score``, ordered as :data:`graphfraud.contract.ROLE_TABLE` (as an investigator reads them), then score.
    busiest_days : DataFrame or None
        :func:`busiest_days` of the ring's claims; ``None`` when no claims table was given.
    counted : int or None
        Persons the reasons count (the ``persons`` of the group measure: lockstep,
        co-admission or out-of-region), None when no reason says; ``ring["persons"]``
        also counts organizers outside that group (a phone's owner without claims of
        their own), so the two numbers may differ and the header says by how much.
    without_claims : tuple of str or None
        Person members with no ring claim as patient or card holder (known only
        when the claims table was given).
    lang : {"zh", "en"}
        The language ``reasons.text`` is in and :func:`format_detail` prints.
    """

    ring: dict[str, Any]
    reasons: pd.DataFrame
    members: pd.DataFrame
    busiest_days: pd.DataFrame | None
    counted: int | None = None
    without_claims: tuple[str, ...] | None = None
    lang: str = "en"
    lineage: dict[str, Any] = field(default_factory=dict)  # its lineage.csv row and ``since_last_run`` words, or {}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``--json``)."""
        days = None if self.busiest_days is None else _records(self.busiest_days)
        return {"ring": self.ring, "reasons": _records(self.reasons), "members": _records(self.members),
                "busiest_days": days, "persons_counted_by_reasons": self.counted,
                "persons_without_ring_claims": None if self.without_claims is None else list(self.without_claims),
                "lineage": self.lineage}  # fmt: skip


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
    return (
        out.sort_values(["claims", "fund_amount", "day"], ascending=[False, False, True])
        .head(top)
        .reset_index(drop=True)
    )


#: Reason codes whose ``persons`` value counts the ring's group (the one the header reconciles with).
_GROUP_CODES = ("lockstep", "co_admission", "out_of_region")


def _counted(reasons: pd.DataFrame) -> int | None:
    """The ``persons`` of the first group reason (ring_reasons.csv args), or None."""
    from graphfraud.score.wording import parse_args

    if "args" not in reasons.columns:
        return None
    for code, args in zip(reasons["code"], reasons["args"]):
        values = parse_args(args) if code in _GROUP_CODES else None
        if values and "persons" in values:
            return int(values["persons"])  # type: ignore[call-overload]
    return None


def _without_claims(members: pd.DataFrame, claim_ids: pd.Series, claims: pd.DataFrame) -> tuple[str, ...]:
    rows = claims[claims["claim_id"].astype(str).isin(set(claim_ids.astype(str)))]
    present = set(rows["patient_id"].dropna().astype(str)) | set(rows["holder_id"].dropna().astype(str))
    persons = members.loc[members["entity_type"] == "person", "entity_id"].astype(str)
    return tuple(p for p in persons if p not in present)


def ring_detail(output: DetectOutput, ring_id: str, *, claims: pd.DataFrame | None = None, top_days: int = 10,
                lang: str = "en") -> RingDetail:  # fmt: skip
    """Everything ``graphfraud show`` prints about one ring.

    Parameters
    ----------
    output : DetectOutput
    ring_id : str
        As in rings.csv (explained groups are not shown).
    claims : DataFrame, optional
        The claims table of the data the run read; without it there are no busiest days.
    top_days : int, default 10
    lang : {"zh", "en"}, default "en"
        Language of the reasons' text (said from their code and args).

    Raises
    ------
    ContractError
        When ``ring_id`` is not in rings.csv (the message lists the first ids).
    """
    check_lang(lang, "ring_detail")
    match = output.rings[output.rings["ring_id"] == ring_id]
    if match.empty:
        known = ", ".join(output.rings["ring_id"].head(5))
        raise ContractError("rings.csv", None, "ring_id", f"no ring {ring_id!r} in {output.out_dir}; "
                            f"known rings start with: {known or '(none)'}")  # fmt: skip
    ring = {k: (v.item() if hasattr(v, "item") else v) for k, v in match.iloc[0].to_dict().items()}
    columns = [e for e, _ in REASONS_COLUMNS[1:]]  # without ring_id, and without the args column of newer runs
    mine = output.reasons.loc[output.reasons["ring_id"] == ring_id]
    reasons = mine[columns].reset_index(drop=True)
    counted = _counted(mine)
    if "args" in mine.columns:
        reasons["text"] = [say_row(c, a, t, lang) for c, a, t in zip(mine["code"], mine["args"], mine["text"])]
    if reasons.empty:
        texts = [t.strip() for t in str(ring["reasons"]).split("; ") if t.strip()]
        reasons = pd.DataFrame({"code": "", "value": "", "threshold": "", "points": "", "text": texts})
    members = output.members[output.members["ring_id"] == ring_id].drop(columns="ring_id")
    order = {r: i for i, r in enumerate(ROLE_TABLE)}
    members = (members.assign(_o=members["role"].map(lambda r: order.get(r, len(order))))
               .sort_values(["_o", "score", "entity_id"], ascending=[True, False, True])
               .drop(columns="_o").reset_index(drop=True))  # fmt: skip
    days, without = None, None
    if claims is not None:
        ids = output.ring_claims.loc[output.ring_claims["ring_id"] == ring_id, "claim_id"]
        days = busiest_days(ids, claims, top=top_days)
        without = _without_claims(members, ids, claims)
    lineage: dict[str, Any] = {}
    row = output.lineage[output.lineage["ring_id"] == ring_id]
    if not row.empty:
        lineage = {**row.iloc[0].to_dict(), "since_last_run": output.since_last_run(ring_id)}
    return RingDetail(ring, reasons, members, days, counted, without, lang, lineage)


_DETAIL_WORDS = {
    "en": {"score": "score", "claims": "{} claims", "fund": "{} yuan paid by the fund", "reasons": "Reasons:",
           "members": "Members by role:", "days": "Busiest days:", "more": " … and {} more",
           "no_days": "  (none of the ring's claims are in the claims table given)",
           "day_head": "  day         claims  persons   fund (yuan)  first  last   venues",
           "counted": " ({counted} in the group the reasons count; {extra} outside it: {who})",
           "organizer": "organizer(s) tied to the group without ring claims of their own",
           "no_claims": ", no ring claims", "since": "Since last run: "},
    "zh": {"score": "风险分", "claims": "{} 笔结算", "fund": "基金支付 {} 元", "reasons": "疑点：",
           "members": "成员（按角色）：", "days": "结算最多的日子：", "more": " … 另有 {} 个",
           "no_days": "  （所给结算表中没有该团伙的结算）",
           "day_head": "  日期        结算笔数   人数   基金支付(元)  最早   最晚   机构/药店",
           "counted": "（其中 {counted} 人为疑点所计的群体；另 {extra} 人在群体之外：{who}）",
           "organizer": "与群体相关联、本人无团伙结算的组织者",
           "no_claims": "，无团伙结算", "since": "自上次运行以来："},
}  # fmt: skip


def _header_counts(detail: RingDetail, words: dict[str, str]) -> str:
    """Why ``persons`` differs from the count in the reasons, or "" when they agree (issue 16)."""
    persons = int(detail.ring["persons"])
    if detail.counted is None or detail.counted >= persons:
        return ""
    extra = persons - detail.counted
    return words["counted"].format(counted=detail.counted, extra=extra, who=words["organizer"])


def format_detail(detail: RingDetail, *, width: int = 120, colour: Colour | None = None,
                  max_members: int = 12) -> list[str]:  # fmt: skip
    """Lines of ``graphfraud show``: header, reasons, members by role, busiest days, in ``detail.lang``.

    At most ``max_members`` ids are listed per role (the count is always given).
    The header's person count and the reasons' count agree, or the header says
    how many members are outside the counted group and why.
    """
    r, lang = detail.ring, detail.lang
    words = _DETAIL_WORDS[lang]
    alert = term("alert_level", r["alert"], lang)
    alert = colour(alert, r["alert"]) if colour else alert
    typology = term("typology", r["typology"], lang) if lang == "zh" else r["typology"]
    sep = "；" if lang == "zh" else "; "
    lines = [f"#{r['rank']} {r['ring_id']}  {alert}  {typology}  {words['score']} {float(r['score']):.1f}",
             members_text(pd.Series(r), lang) + _header_counts(detail, words) + sep
             + words["claims"].format(r["claims"]) + sep + words["fund"].format(f"{float(r['fund_amount']):,.2f}"),
             "", words["reasons"]]  # fmt: skip
    if detail.lineage:
        g = detail.lineage
        was = (
            f" (was {g['previous_ring_id']}: +{g['members_added']} / -{g['members_removed']} persons)"
            if g["previous_ring_id"]
            else ""
        )
        lines[2:2] = [truncate(f"{words['since']}{g['since_last_run']}{was}", width)]
    for _, x in detail.reasons.iterrows():
        points = f"+{float(x['points']):.0f} " if str(x["points"]) not in ("", "nan") else ""
        lines.append(truncate(f"  {points}{x['text']}", width))
    lines += ["", words["members"]]
    without = set(detail.without_claims or ())
    for role, group in detail.members.groupby("role", sort=False):
        ids = [f"{e} ({term('entity_type', t, lang)})" if t != "person" else str(e)
               for t, e in zip(group["entity_type"], group["entity_id"])]  # fmt: skip
        lacking = sum(str(e) in without for t, e in zip(group["entity_type"], group["entity_id"]) if t == "person")
        note = (words["no_claims"] if lacking == len(ids) else f", {lacking}{words['no_claims']}") if lacking else ""
        more = words["more"].format(len(ids) - max_members) if len(ids) > max_members else ""
        label = term("role", role, lang)
        lines.append(truncate(f"  {label} ({len(ids)}{note}): " + ", ".join(ids[:max_members]) + more, width))
    if detail.busiest_days is None:
        return lines
    lines += ["", words["days"]]
    if detail.busiest_days.empty:
        lines.append(words["no_days"])
        return lines
    lines.append(words["day_head"])
    for _, d in detail.busiest_days.iterrows():
        lines.append(truncate(f"  {d['day']}  {d['claims']:>6}  {d['persons']:>7}  {d['fund_amount']:>12,.2f}  "
                              f"{d['first']}  {d['last']}  {d['venues']}", width))  # fmt: skip
    return lines

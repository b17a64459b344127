"""Tiny hand-checkable worlds for doctests and unit tests.

Each function returns ``(ClaimsData, labels)`` with contract columns and
dtypes; sizes are in the docstrings and small enough to print.  Times are on
the minute, money in whole yuan, every claim has fee lines summing to its total.

>>> data, labels = staged_clinic()
>>> len(data.claims), labels.ring_id.unique().tolist()
(27, ['staged_clinic:01'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, LABELS, PERSONS, PHARMACIES, ClaimsData, Table
from graphfraud.synth.strings import frame

_FAC = ("H35020600001", "社区卫生服务中心", "community", 1, "public", "350206", 20)
_HOSP = ("H35020600002", "厦门市第一医院", "hospital", 3, "public", "350206", 900)
_CLINIC = ("H35020600003", "厦门湖里林氏中医诊所", "clinic", 0, "private", "350206", 0)
_PHARM = ("P35020600001", "鹭燕大药房(湖里1店)", "LS001", "350206")
_DOCS = (
    ("D350206000001", "H35020600001", "陈明", "主治医师", "全科医学科"),
    ("D350206000002", "H35020600002", "林芳", "主任医师", "肾内科"),
    ("D350206000003", "H35020600003", "黄强", "医师", "中医科"),
    ("D350206000004", "H35020600003", "吴静", "医师", "推拿科"),
)


def _table(table: Table, rows: list[tuple]) -> pd.DataFrame:  # type: ignore[type-arg]
    names = [c.name for c in table.columns]
    cols = {name: [r[i] for r in rows] for i, name in enumerate(names)}
    for c in table.columns:
        if c.kind in ("date", "datetime"):
            cols[c.name] = pd.to_datetime(pd.Series(cols[c.name], dtype=object)).to_numpy(dtype="datetime64[ns]")
        elif c.kind in ("money", "price", "float"):
            cols[c.name] = np.array([np.nan if v is None else float(v) for v in cols[c.name]])
    return frame(table, cols, len(rows))


def _person(
    pid: str,
    sex: str = "F",
    born: str = "1950-01-01",
    region: str = "350206",
    phone: str | None = None,
    address: str | None = None,
    death: str | None = None,
) -> tuple:  # type: ignore[type-arg]
    return (pid, sex, born, region, "resident", phone or f"ph{pid}", address or f"ad{pid}", death)


def _world(
    persons: list[tuple],
    claims: list[tuple],
    items: list[tuple],  # type: ignore[type-arg]
    labels: list[tuple],
    facilities=(_FAC, _HOSP, _CLINIC),
    pharmacies=(_PHARM,),
) -> tuple[ClaimsData, pd.DataFrame]:  # type: ignore[no-untyped-def,type-arg]
    data = ClaimsData(
        _table(PERSONS, persons),
        _table(FACILITIES, list(facilities)),
        _table(PHARMACIES, list(pharmacies)),
        _table(DOCTORS, list(_DOCS)),
        _table(CLAIMS, claims),
        _table(CLAIM_ITEMS, items),
    )
    return data, _table(LABELS, labels)


def _visit(
    n: int,
    patient: str,
    facility: str,
    doctor: str,
    when: str,
    lines: list[tuple[str, str, str, int, float]],
    *,
    visit_type: str = "outpatient",
    dx: str = "J06.9",
    end: str | None = None,
    pharmacy: bool = False,
    trace: str | None = None,
) -> tuple[tuple, list[tuple]]:  # type: ignore[type-arg]
    cid = f"S{n:010d}"
    total = sum(q * p for *_, q, p in lines)
    items = [(cid, code, name, cat, q, p, q * p, trace if cat == "drug" else None) for code, name, cat, q, p in lines]
    claim = (
        cid,
        patient,
        None,
        None if pharmacy else facility,
        facility if pharmacy else None,
        doctor or None,
        visit_type,
        when,
        end,
        total,
        round(total * 0.6),
        0,
        dx,
        f"{facility}-01",
    )
    return claim, items


_COLD = [("110200001", "普通门诊诊查费", "other", 1, 15.0), ("XJ01CAA040", "阿莫西林胶囊", "drug", 2, 12.5)]
_PADDED = [
    ("440000001", "针刺治疗", "treatment", 3, 35.0),
    ("250101015", "血常规检查", "lab", 1, 20.0),
    ("T000200101", "红参饮片", "herbal", 60, 2.8),
]
_HV = [("XL04ABA040", "阿达木单抗注射液", "drug", 1, 1290.0)]


def _build(specs: list[tuple]) -> tuple[list[tuple], list[tuple]]:  # type: ignore[type-arg]
    claims, items = [], []
    for n, (args, kwargs) in enumerate(sorted(specs, key=lambda s: s[0][3]), start=1):
        c, it = _visit(n, *args, **kwargs)
        claims.append(c)
        items += it
    return claims, items


def tiny() -> tuple[ClaimsData, pd.DataFrame]:
    """A benign world: 6 persons in 2 households, 3 facilities, 1 pharmacy, 4 doctors, 8 claims, no labels.

    >>> data, labels = tiny()
    >>> len(data.persons), len(data.claims), len(data.claim_items), len(labels)
    (6, 8, 15, 0)
    """
    persons = [
        _person(f"00000000{i:02d}", "MF"[i % 2], f"{1950 + 10 * i}-03-0{i + 1}", address=f"ad{i // 3}")
        for i in range(6)
    ]
    specs = [
        ((f"00000000{i:02d}", _FAC[0], _DOCS[0][0], f"2024-01-0{i + 2} 09:{10 + i:02d}:00", _COLD), {})
        for i in range(6)
    ]
    specs.append(
        (
            ("0000000001", _PHARM[0], "", "2024-01-09 19:05:00", _COLD[1:]),
            {"pharmacy": True, "visit_type": "pharmacy", "trace": "80000000000000000001"},
        )
    )
    specs.append((("0000000004", _HOSP[0], _DOCS[1][0], "2024-01-10 08:30:00", _COLD), {"dx": "J18.9"}))
    claims, items = _build(specs)
    return _world(persons, claims, items, [])


def staged_clinic() -> tuple[ClaimsData, pd.DataFrame]:
    """A staged clinic (虚构诊疗): 1 broker and 6 recruits, 4 weekly batches at 2-minute gaps; 3 ordinary visits.

    9 persons, 27 claims (24 staged + 3 ordinary), 78 fee lines; the ring is
    ``staged_clinic:01`` (broker, recruits, clinic, its two doctors).

    >>> data, labels = staged_clinic()
    >>> len(data.persons), len(data.claims), len(data.claim_items)
    (9, 27, 78)
    >>> labels.entity_type.value_counts().to_dict()
    {'person': 7, 'doctor': 2, 'facility': 1}
    """
    broker = "0000000100"
    recruits = [f"00000001{i:02d}" for i in range(1, 7)]
    persons = [_person(broker, "M", "1970-05-05", phone="ph-broker")]
    persons += [_person(r, born="1948-02-02", phone="ph-broker" if i < 3 else None) for i, r in enumerate(recruits)]
    persons += [_person("0000000200", born="1990-01-01"), _person("0000000201", born="1985-01-01")]
    specs = []
    for week in range(4):
        for i, r in enumerate(recruits):
            when = f"2024-01-{2 + 7 * week:02d} 14:{2 * i:02d}:00"
            specs.append(((r, _CLINIC[0], _DOCS[2 + i % 2][0], when, _PADDED), {"dx": "M54.5"}))
    for i, (p, day) in enumerate((("0000000200", 4), ("0000000201", 11), ("0000000200", 18))):
        specs.append(((p, _CLINIC[0], _DOCS[2][0], f"2024-01-{day:02d} 10:{15 + i:02d}:00", _COLD[:1] + _COLD[1:]), {}))
    claims, items = _build(specs)
    ring = "staged_clinic:01"
    labels = [(ring, "staged_clinic", "person", p) for p in [broker] + recruits]
    labels += [(ring, "staged_clinic", "doctor", d[0]) for d in _DOCS[2:]]
    labels += [(ring, "staged_clinic", "facility", _CLINIC[0])]
    return _world(persons, claims, items, labels)


def card_burst() -> tuple[ClaimsData, pd.DataFrame]:
    """A card collector (职业收卡人): 6 holders swiped 5 at a time within 12 minutes, 3 evenings.

    7 persons (collector + 6 holders, 4 of them insured in 350100/360100 and
    bound to the collector's phone, holder ``0000000306`` dead on 2024-01-05),
    15 pharmacy claims on terminal ``P35020600001-01``, one traceability code
    sold twice; ring ``card_collector:01``.

    >>> data, labels = card_burst()
    >>> items = data.claim_items
    >>> int(items.trace_code.value_counts().max())
    2
    """
    collector = "0000000300"
    holders = [f"00000003{i:02d}" for i in range(1, 7)]
    persons = [_person(collector, "M", "1980-08-08", phone="ph-collector")]
    for i, h in enumerate(holders):
        persons.append(
            _person(
                h,
                born="1960-06-06",
                region=("350100", "360100")[i % 2] if i < 4 else "350206",
                phone="ph-collector" if i < 4 else None,
                death="2024-01-05" if h == "0000000306" else None,
            )
        )
    specs = []
    for b, day in enumerate((3, 10, 17)):
        for k, h in enumerate(holders[b % 2 : b % 2 + 5]):
            trace = f"8{b:02d}{k:017d}" if not (b == 2 and k == 0) else f"8{0:02d}{0:017d}"
            specs.append(
                (
                    (h, _PHARM[0], "", f"2024-01-{day:02d} 19:{40 + 3 * k:02d}:00", _HV),
                    {"pharmacy": True, "visit_type": "pharmacy", "dx": "M06.9", "trace": trace},
                )
            )
    claims, items = _build(specs)
    ring = "card_collector:01"
    labels = [(ring, "card_collector", "person", p) for p in [collector] + holders]
    labels += [(ring, "card_collector", "pharmacy", _PHARM[0])]
    return _world(persons, claims, items, labels)


def benign_dialysis() -> tuple[ClaimsData, pd.DataFrame]:
    """A dialysis cohort (血液透析): 4 patients, Mon/Wed/Fri 07:30 for 2 weeks at one hospital, N18.5.

    4 persons, 24 chronic claims of 580 yuan each; group ``benign:dialysis:01``.

    >>> data, labels = benign_dialysis()
    >>> data.claims.total_amount.unique().tolist()
    [580.0]
    """
    patients = [f"00000004{i:02d}" for i in range(4)]
    persons = [_person(p, born="1955-01-01") for p in patients]
    lines = [("311000005", "血液透析", "treatment", 1, 400.0), ("C110400001", "血液透析器", "consumable", 1, 180.0)]
    specs = []
    for day in (1, 3, 5, 8, 10, 12):  # 2024-01-01 was a Monday
        for i, p in enumerate(patients):
            specs.append(
                (
                    (p, _HOSP[0], _DOCS[1][0], f"2024-01-{day:02d} 07:{30 + 4 * i:02d}:00", lines),
                    {"visit_type": "chronic", "dx": "N18.5"},
                )
            )
    claims, items = _build(specs)
    ring = "benign:dialysis:01"
    labels = [(ring, "dialysis", "person", p) for p in patients]
    labels += [(ring, "dialysis", "doctor", _DOCS[1][0]), (ring, "dialysis", "facility", _HOSP[0])]
    return _world(persons, claims, items, labels)

"""A kickback where no visit names its doctor, found by the visit's diagnosis (detect.indication, step 65)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphfraud.contract import CLAIM_ITEMS, CLAIMS, DOCTORS, FACILITIES, PERSONS, PHARMACIES, ClaimsData
from graphfraud.detect import indication, steering
from graphfraud.graph.build import build_graph
from graphfraud.pipeline import run
from graphfraud.score.wording import say
from graphfraud.synth.toy import _table


def _world(*, sent: int, doctors: bool = False, strays: int = 0) -> ClaimsData:
    """A city of 3 hospitals, each with its shop next door filling every diagnosis at ordinary prices (a tenth
    of the purchases dear, as a sick person's now and then); at hospital H1 ``sent`` diabetics are sent to shop
    K once or twice each, buying a drug 10x the usual within a day of the visit.  ``doctors``: visits name one.
    ``strays``: hypertensives of hospital H2 who buy as dear at K once, a day after their visit (their own care)."""
    rng = np.random.default_rng(7)
    persons: list[tuple[object, ...]] = []
    claims: list[tuple[object, ...]] = []

    def claim(pid: str, venue: str, day: pd.Timestamp, total: float, dx: str) -> None:
        shop = venue[0] in "NK"
        claims.append((f"C{len(claims):06d}", pid, None, None if shop else venue, venue if shop else None,
                       f"D{venue}" if doctors and not shop else None, "pharmacy" if shop else "outpatient",
                       day, None, total, round(total * 0.6, 2), 0.0, dx, None))  # fmt: skip

    dx = ["E11.9", "J06.9", "I10", "K29.7"]
    for h in range(3):
        for i in range(150):
            p = f"p{h}-{i}"
            persons.append((p, "F", "1950-01-01", "350206", "resident", f"ph{p}", f"ad{p}", None))
            day = pd.Timestamp("2023-01-01 09:00") + pd.Timedelta(days=int(rng.integers(0, 300)))
            claim(p, f"H{h}", day, 80.0, dx[i % 4])
            claim(p, f"N{h}", day + pd.Timedelta(days=1), 30.0 * (10 if rng.random() < 0.1 else 1), dx[i % 4])
    for i in range(sent):
        p = f"k{i}"
        persons.append((p, "F", "1950-01-01", "350206", "resident", f"ph{p}", f"ad{p}", None))
        for t in range(1 + i % 2):
            day = pd.Timestamp("2023-02-01 09:00") + pd.Timedelta(days=40 * t + i)
            claim(p, "H1", day, 80.0, "E11.9")
            claim(p, "K", day + pd.Timedelta(days=1), 300.0, "E11.9")
    for i in range(strays):
        p = f"s{i}"
        persons.append((p, "F", "1950-01-01", "350206", "resident", f"ph{p}", f"ad{p}", None))
        day = pd.Timestamp("2023-03-01 09:00") + pd.Timedelta(days=i)
        claim(p, "H2", day, 80.0, "I10")
        claim(p, "K", day + pd.Timedelta(days=1), 300.0, "I10")
    facilities = [(f"H{h}", f"医院{h}", "hospital", 2, "public", "350206", 300) for h in range(3)]
    pharmacies = [(s, f"药店{s}", None, "350206") for s in ["N0", "N1", "N2", "K"]]
    docs = [(f"DH{h}", f"H{h}", "医生", "医师", "内科") for h in range(3)] if doctors else []
    return ClaimsData(
        _table(PERSONS, persons), _table(FACILITIES, facilities), _table(PHARMACIES, pharmacies),
        _table(DOCTORS, docs), _table(CLAIMS, claims), _table(CLAIM_ITEMS, []),
    )  # fmt: skip


def test_one_diagnosis_sent_to_a_shop_to_buy_dear_is_a_kickback_of_the_facility() -> None:
    found = steering.detect(build_graph(_world(sent=20)))
    assert len(found) == 1
    c = found[0]
    e = c.evidence
    v = build_graph(_world(sent=20)).visits
    assert e["typology"] == "kickback" and e["diagnosis"] == "E11.9"
    assert str(v.venues.ids[e["site"]]) == "H1" and str(v.venues.ids[e["shop"]]) == "K"
    assert e["patients"] == e["buyers"] == 20 and e["chance"] <= indication.MAX_CHANCE
    assert sorted(str(x) for x in v.persons.ids[c.persons]) == sorted(f"k{i}" for i in range(20))


def test_the_shops_next_door_and_too_few_sent_are_no_kickback() -> None:
    assert steering.detect(build_graph(_world(sent=0))) == []  # every hospital's shop fills all its diagnoses
    assert steering.detect(build_graph(_world(sent=indication.MIN_DEAR - 1))) == []  # a handful: nothing


def test_where_visits_name_their_doctor_it_is_not_used() -> None:
    assert not indication.named_no_doctor(build_graph(_world(sent=20, doctors=True)))
    assert indication.detect(build_graph(_world(sent=20, doctors=True)), steering.NAME) == []


def test_the_ring_names_the_facility_the_diagnosis_and_the_shop_in_chinese_first() -> None:
    rings = [r for r in run(_world(sent=20)).rings if r.typology == "kickback"]
    assert len(rings) == 1
    reason = next(r for r in rings[0].reasons if r.code == "indication")
    assert {m.entity_id for m in rings[0].members if m.entity_type != "person"} == {"H1", "K"}
    zh = say(reason.code, reason.args, "zh")
    assert zh.startswith("因诊断 E11.9 在 H1 门诊就诊") and "药店 K" in zh and "20 人" in zh
    assert "20 of 20 persons seen at H1 for E11.9 who bought at K" in reason.text


def test_its_own_ring_is_dropped_where_the_shop_has_a_kickback_of_prescribed_loaded_cards() -> None:
    from types import SimpleNamespace

    from graphfraud.detect import cardload
    from graphfraud.detect.candidate import Candidate
    from graphfraud.score.rings import _not_found_by_cards

    graph = build_graph(_world(sent=20))
    found = steering.detect(graph)
    facts = SimpleNamespace(graph=graph)
    v = graph.visits

    def cards_at(shop: str) -> Candidate:
        code = int(v.venues.codes(pd.Series([shop]))[0])
        return Candidate(cardload.NAME, found[0].persons[:5], found[0].claims[:5], {"prescribed": 5, "shop": code})

    at_k, at_n = cards_at("K"), cards_at("N0")
    assert _not_found_by_cards([at_k, *found], facts) == [at_k]  # type: ignore[arg-type]
    assert _not_found_by_cards([at_n, *found], facts) == [at_n, *found]  # type: ignore[arg-type]


def test_one_payer_one_ring_the_sent_alike_kept_where_the_diagnosis_vouches_for_them() -> None:
    """Step 66: where the shop's prescribed loaded cards are a kickback, the triples' dear buyers join it, and of
    the patients sent alike only those who came through a triple of ``MIN_DEAR`` dear buyers or more stay."""
    from types import SimpleNamespace

    from graphfraud.score.rings import _with_indication

    graph = build_graph(_world(sent=20, strays=3))
    (found,) = steering.detect(graph)
    v = graph.visits
    code = {str(x): i for i, x in enumerate(v.persons.ids)}
    person = v.column("person")
    k = [code[f"k{i}"] for i in range(20)]
    strays = [code[f"s{i}"] for i in range(3)]
    assert not np.isin(strays, found.persons).any()  # 3 dear buyers of I10 at K: no kickback on their own
    patients = np.array(sorted(k[5:10]), dtype=np.int64)  # the loaded cards that prove the shop
    more = np.array(sorted(k[:5] + strays), dtype=np.int64)  # sent alike: five of the scheme's and the strays
    more_claims = np.flatnonzero(np.isin(person, more)).astype(np.int64)
    facts = SimpleNamespace(graph=graph)
    persons, claims = _with_indication(facts, found, more, more_claims, patients)  # type: ignore[arg-type]
    assert sorted(persons.tolist()) == sorted(k[:5] + k[10:])  # the strays left, the triple's others joined
    assert not np.isin(person[claims], strays).any() and np.isin(found.claims, claims).all()

"""Step 135 (detect/tertiary.py): a reseller's cards each billed dear at two or more tertiary hospitals are one
candidate beyond chance (fifthworld 43's 药贩子); a patient of two hospitals' specialists now and then, a cancer
patient's dear visits at his one hospital, and a clinic's dear visits are not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import cardload, tertiary
from graphfraud.errors import ParamError
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import CardLoadParams
from graphfraud.score.wording import say

START = pd.Timestamp("2024-04-01")
HOSPITALS = ["H1", "H2", "H3", "H4"]


def _world(tmp_path: Path, *, reseller: int = 12, twice: int = 2, dear: int = 50, clinic_dear: int = 10,
           levels: bool = True) -> Path:  # fmt: skip
    """2,000 ordinary patients, each seen 3 times at one of four level-3 hospitals (100 yuan; one in ``dear`` also
    once at 900 yuan there) and twice at a level-1 clinic C (40 yuan; one in ``clinic_dear`` once at 400 yuan); ``twice``
    of them also once at 900 yuan at a second hospital (the first, O0000, is dear at his own too).  ``reseller`` cards billed 1,500 yuan at three of the four
    hospitals, once each.  ``levels`` False: the export has no ``level`` column."""
    rng = np.random.default_rng(7)
    rows: list = []  # person, facility, day, amount
    for k in range(2000):
        who, home = f"O{k:04d}", HOSPITALS[k % 4]
        for _ in range(3):
            rows.append((who, home, int(rng.integers(0, 180)), 100.0))
        if k % dear == 0:
            rows.append((who, home, int(rng.integers(0, 180)), 900.0))
        for _ in range(2):
            rows.append((who, "C", int(rng.integers(0, 180)), 40.0))
        if k % clinic_dear == 5:
            rows.append((who, "C", int(rng.integers(0, 180)), 400.0))
        if k < twice:
            rows.append((who, HOSPITALS[(k + 1) % 4], int(rng.integers(0, 180)), 900.0))
    for k in range(reseller):
        for j in range(3):
            rows.append((f"R{k:03d}", HOSPITALS[(k + j) % 4], 10 + 7 * j + k % 5, 1500.0))
    t = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "amount"])
    pd.DataFrame({
        "claim_id": [f"K{i:06d}" for i in range(len(t))], "patient_id": t["patient_id"],
        "facility_id": t["facility_id"], "doctor_id": "D" + t["facility_id"], "visit_type": "outpatient",
        "start_time": (START + pd.to_timedelta(t["day"], unit="D")).dt.strftime("%Y-%m-%d 10:00:00"),
        "total_amount": t["amount"], "fund_amount": t["amount"] * 0.5,
    }).to_csv(tmp_path / "claims.csv", index=False)  # fmt: skip
    pd.DataFrame({"person_id": sorted(set(t["patient_id"]))}).to_csv(tmp_path / "persons.csv", index=False)
    facilities = pd.DataFrame({"facility_id": [*HOSPITALS, "C"], "kind": ["hospital"] * 4 + ["clinic"]})
    if levels:
        facilities["level"] = [3, 3, 3, 3, 1]
    facilities.to_csv(tmp_path / "facilities.csv", index=False)
    pd.DataFrame({"doctor_id": [f"D{v}" for v in [*HOSPITALS, "C"]]}).to_csv(tmp_path / "doctors.csv", index=False)
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path


def _found(path: Path, params: CardLoadParams = CardLoadParams()) -> list[tuple[list[str], dict]]:
    g = build_graph(read_claims_dir(path))
    ids = g.visits.persons.ids
    return [(sorted(str(ids[p]) for p in c.persons), c.evidence) for c in tertiary.tertiary_candidates(g, params)]


def test_a_resellers_cards_dear_at_several_hospitals_are_one_candidate(tmp_path: Path) -> None:
    ((persons, e),) = _found(_world(tmp_path))
    # the reseller's 12, and the one ordinary patient seen dear at two hospitals (a member too many; O0001, dear
    # at his second hospital only, is not)
    assert persons == ["O0000"] + [f"R{k:03d}" for k in range(12)]
    assert e["headline"] == "card_load" and e["typology"] == "card_collector"
    assert e["hospitals"] == 4 and e["hospital_spread"] == 2 and e["flagged"] == 13
    assert e["card_ratio"] == pytest.approx(15.0) and e["chance"] <= CardLoadParams().max_chance
    assert e["spread_expected"] < 1.1  # each hospital's rate of dear cards (the reseller's own counted) gives about one


def test_the_candidate_comes_from_cardload_and_is_scored_as_a_collector(tmp_path: Path) -> None:
    from graphfraud.pipeline import run

    result = run(read_claims_dir(_world(tmp_path)))
    ring = next(r for r in result.rings if r.detector == cardload.NAME)
    assert ring.typology == "card_collector" and ring.reasons[0].code == "card_load"
    assert "tertiary hospitals" in ring.reasons[0].text and "13 cards" in ring.reasons[0].text
    zh = say(ring.reasons[0].code, ring.reasons[0].args, "zh")
    assert "13 张医保卡" in zh and "三级医院" in zh and "倒卖医保药品" in zh


def test_ordinary_patients_of_two_hospitals_are_within_chance(tmp_path: Path) -> None:
    """No reseller, and 8 patients seen dear at a second hospital where one in ten of each hospital's patients has
    a dear visit there: each hospital's own rate of such cards gives about 30 by chance."""
    assert _found(_world(tmp_path, reseller=0, twice=8, dear=10)) == []
    assert _found(_world(tmp_path, reseller=12, twice=8, dear=10)) == []  # (nor 20 with the reseller's 12)


def test_a_few_cards_are_no_candidate_and_the_step_turns_off(tmp_path: Path) -> None:
    assert _found(_world(tmp_path, reseller=3, twice=0)) == []  # under min_cards
    path = _world(tmp_path)
    assert _found(path, CardLoadParams(hospital_ratio=0)) == []
    assert _found(path, CardLoadParams(hospital_ratio=20.0)) == []  # 15x: not dear at 20x
    ((persons, _),) = _found(path, CardLoadParams(hospital_spread=3))  # each card at three
    assert persons == [f"R{k:03d}" for k in range(12)]
    assert _found(path, CardLoadParams(hospital_spread=4)) == []


def test_without_levels_every_facility_counts(tmp_path: Path) -> None:
    """The clinic counts as a hospital: where its dear visits are rare the reseller is found as before; where one
    in ten of its patients has one, its rate gives the reseller's dozen by chance (a cost of an export without
    levels: every dear visit at a clinic beside a hospital's is a seed's chance)."""
    ((persons, e),) = _found(_world(tmp_path, levels=False, clinic_dear=50))
    assert persons == ["O0000"] + [f"R{k:03d}" for k in range(12)] and e["hospitals"] == 4
    assert _found(_world(tmp_path, levels=False, clinic_dear=10)) == []


def test_symmetric_share() -> None:
    rates = np.array([0.01, 0.02, 0.03])
    assert tertiary.symmetric_share(rates, 2) == pytest.approx(0.01 * 0.02 + 0.01 * 0.03 + 0.02 * 0.03)
    assert tertiary.symmetric_share(rates, 3) == pytest.approx(0.01 * 0.02 * 0.03)


def test_bad_params_raise() -> None:
    with pytest.raises(ParamError, match="'hospital_spread' parameter of CardLoadParams"):
        CardLoadParams(hospital_spread=1)
    with pytest.raises(ParamError, match="'hospital_ratio' parameter of CardLoadParams"):
        CardLoadParams(hospital_ratio=0.5)

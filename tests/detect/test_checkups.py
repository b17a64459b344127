"""Step 99: a venue that bills the fund for check-ups (Z00) by the batch, campaign after campaign, is a ring.

Sixthworld's 体检中心 (fake check-ups of a roster of villagers, a batch of 10-60 on each of 3-10 days months apart,
billed to the fund) had no candidate in date-only exports and one day's batch with times.  A school's check-up over
three days in a row (billed half to the fund) is one campaign, a township's elders are checked once, infants' child
health days are scheduled, a hospital's free bus screens for admission: none is a candidate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import checkups
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import RunParams
from graphfraud.pipeline import run


def _world(
    tmp_path: Path,
    *,
    diagnosis: bool = True,
    infants: str = "Z00.100",
    items: bool = False,
    days: tuple[int, ...] = (20, 70, 120, 170),
    centre_only: bool = False,
) -> tuple[Path, set[str], set[str], set[str]]:
    """A date-only county of 2,000 townspeople, 4 clinics C0-C3 and a hospital H4, 240 days.

    Townspeople: 6,000 ordinary visits (colds, hypertension) at the clinics.  C0 (a private check-up centre)
    bills the fund for a check-up (``z00.000 ``, lower case and padded as exports have it) of 15 of a roster of
    80 villagers on each of 4 days, 50 days apart.  C1 examines 120 pupils (Z00.100) over 3 days in a row, half
    billed to the fund (one campaign).  C2 examines 60 elders (Z00.000) in two campaigns 100 days apart, each
    once.  C3 sees 30 infants on 6 monthly child-health days (Z00.100).  H4's free bus brings 15 of 60 villagers
    for a check-up every 30 days, and admits half of them the next day (a screening for admission).

    ``days`` are C0's batch days; with ``centre_only`` the townspeople go to C1-C3 only, so C0 bills nothing but its
    check-ups (step 147).

    With ``items``, fee lines (step 110): each check-up an ECG and two blood tests (exam, lab, lab), each ordinary
    visit a consultation and a drug (treatment, drug), each stay a bed, an operation and a lens.

    Returns the directory, the persons C0 billed, the other persons checked at the clinics and the bus riders.
    """
    rng = np.random.default_rng(7)
    rows = []  # person, venue, day, diagnosis, fund, visit type
    town = [f"T{i:04d}" for i in range(2000)]
    for _ in range(6000):
        who, c, day = town[int(rng.integers(0, 2000))], int(rng.integers(0, 4)), int(rng.integers(0, 240))
        c = 1 + (c + int(rng.integers(0, 3))) % 3 if centre_only and c == 0 else c
        rows.append((who, f"C{c}", day, str(rng.choice(["J06.900", "I10.x00", "K29.700"])), 30.0, "outpatient"))
    roster = [f"V{i:03d}" for i in range(80)]
    billed: set[str] = set()
    for day in days:
        for person in rng.choice(roster, 15, replace=False):
            billed.add(str(person))
            rows.append((str(person), "C0", day, "z00.000 ", 380.0, "outpatient"))
    others = [f"S{i:03d}" for i in range(120)]
    for k, person in enumerate(others):
        rows.append((person, "C1", 40 + k // 40, "Z00.100", 20.0, "outpatient"))
    elders = [f"E{i:02d}" for i in range(60)]
    for k, person in enumerate(elders):
        rows.append((person, "C2", 30 + 100 * (k % 2), "Z00.000", 30.0, "outpatient"))
    babies, code = [f"B{i:02d}" for i in range(30)], infants
    for month in range(6):
        rows += [(person, "C3", 10 + 30 * month, code, 15.0, "outpatient") for person in babies]
    bus = [f"W{i:02d}" for i in range(60)]
    for trip in range(7):
        for k, person in enumerate(rng.choice(bus, 15, replace=False)):
            rows.append((str(person), "H4", 5 + 30 * trip, "Z00.000", 60.0, "outpatient"))
            if k % 2 == 0:
                rows.append((str(person), "H4", 6 + 30 * trip, "H25.900", 4000.0, "inpatient"))
    t = pd.DataFrame(rows, columns=["patient_id", "venue", "day", "diagnosis", "fund", "visit_type"])
    start = pd.Timestamp("2024-03-01") + pd.to_timedelta(t["day"], unit="D")
    claims = pd.DataFrame({
        "claim_id": [f"K{i:05d}" for i in range(len(t))], "patient_id": t["patient_id"],
        "facility_id": t["venue"], "doctor_id": "D" + t["venue"], "visit_type": t["visit_type"],
        "start_time": start.dt.strftime("%Y-%m-%d"),
        "end_time": np.where(t["visit_type"] == "inpatient", (start + pd.Timedelta(days=5)).dt.strftime("%Y-%m-%d"), ""),
        "total_amount": t["fund"] + 20.0, "fund_amount": t["fund"],
    })  # fmt: skip
    if diagnosis:
        claims["diagnosis"] = t["diagnosis"]
    claims.to_csv(tmp_path / "claims.csv", index=False)
    if items:
        _fee_lines(claims, t["diagnosis"]).to_csv(tmp_path / "claim_items.csv", index=False)
    people = sorted(set(t["patient_id"]))
    born = ["2023-06-01" if p.startswith("B") else "2012-01-01" if p.startswith("S") else "1960-01-01" for p in people]
    pd.DataFrame({"person_id": people, "birth_date": born}).to_csv(tmp_path / "persons.csv", index=False)
    venues = ["C0", "C1", "C2", "C3", "H4"]
    pd.DataFrame({"facility_id": venues, "kind": ["clinic"] * 4 + ["hospital"]}).to_csv(
        tmp_path / "facilities.csv", index=False
    )
    pd.DataFrame({"doctor_id": [f"D{v}" for v in venues], "facility_id": venues}).to_csv(
        tmp_path / "doctors.csv", index=False
    )
    (tmp_path / "pharmacies.csv").write_text("pharmacy_id\n", encoding="utf-8")
    return tmp_path, billed, set(others + elders + babies), {str(p) for p in bus}


def _fee_lines(claims: pd.DataFrame, diagnosis: pd.Series) -> pd.DataFrame:
    """Fee lines of ``_world``'s claims: a check-up (any Z00) exam, lab, lab; a stay bed, treatment, consumable; an
    ordinary visit treatment, drug."""
    checkup = diagnosis.str.strip().str.upper().str.startswith("Z00").to_numpy()
    stay = (claims["visit_type"] == "inpatient").to_numpy()
    menus = np.where(checkup, "exam,lab,lab", np.where(stay, "bed,treatment,consumable", "treatment,drug"))
    lines = pd.DataFrame({"claim_id": claims["claim_id"], "category": menus}).assign(
        category=lambda f: f["category"].str.split(",")
    )
    lines = lines.explode("category", ignore_index=True)
    lines["item_code"] = "I-" + lines["category"]
    lines["quantity"], lines["unit_price"], lines["amount"] = 1.0, 10.0, 10.0
    return lines


def _persons(graph, candidate) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(graph.visits.persons.ids[p]) for p in candidate.persons}


def test_the_check_up_centres_campaigns_are_one_candidate(tmp_path: Path) -> None:
    directory, billed, _, _ = _world(tmp_path)
    graph = build_graph(read_claims_dir(directory))
    (found,) = checkups.detect(graph)
    assert _persons(graph, found) == billed
    assert found.evidence["typology"] == "staged_clinic"
    got = found.evidence["checkups"]
    assert (got["claims"], got["batch_days"], got["campaigns"]) == (60, 4, 4)
    assert 0 < got["again"] < len(billed) < 60  # 60 check-ups of fewer persons: some checked twice


@pytest.mark.parametrize(
    ("batch", "campaigns", "again", "found"),
    [(8, 2, 3, 1), (16, 2, 3, 0), (8, 5, 3, 0), (8, 2, 60, 0), (8, None, 3, 0)],
)
def test_the_constants_and_the_off_switch(
    tmp_path: Path, batch: int, campaigns: int | None, again: int, found: int
) -> None:
    graph = build_graph(read_claims_dir(_world(tmp_path)[0]))
    assert len(checkups.detect(graph, batch=batch, min_campaigns=campaigns, again=again)) == found


def test_the_elders_once_the_infants_and_the_bus_are_no_candidate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each kept out by its own test: with it off, the venue is a candidate."""
    graph = build_graph(read_claims_dir(_world(tmp_path)[0]))
    venue = lambda found: {str(graph.visits.venues.ids[c.evidence["checkups"]["venue"]]) for c in found}  # noqa: E731
    assert venue(checkups.detect(graph)) == {"C0"}
    assert venue(checkups.detect(graph, again=0)) == {"C0", "C2"}  # the elders, each checked once
    monkeypatch.setattr(checkups, "ADMITTED", 2.0)
    assert venue(checkups.detect(graph)) == {"C0", "H4"}  # the bus: half admitted the next day
    monkeypatch.setattr(checkups, "CHILDREN", ("Z99",))
    graph = build_graph(read_claims_dir(_world(tmp_path)[0]))  # the codes are read once per graph
    assert venue(checkups.detect(graph)) == {"C0", "C3", "H4"}  # the infants (the pupils' 3 days: one campaign)


def test_without_diagnoses_there_is_no_candidate(tmp_path: Path) -> None:
    graph = build_graph(read_claims_dir(_world(tmp_path, diagnosis=False)[0]))
    assert checkups.detect(graph) == []


def test_without_diagnoses_the_fee_lines_tell_the_check_ups(tmp_path: Path) -> None:
    """Step 110 (sixthworld 11: a 体检中心's batches in an export without diagnoses): a package of tests is a check-up;
    the pupils' one campaign, the elders checked once, the bus's screening and the infants' monthly days (under
    ``ADULT``) are no candidate, as with their codes."""
    directory, billed, _, _ = _world(tmp_path, diagnosis=False, items=True)
    graph = build_graph(read_claims_dir(directory))
    (found,) = checkups.detect(graph)
    assert _persons(graph, found) == billed
    got = found.evidence["checkups"]
    assert (got["claims"], got["campaigns"], got["packages"]) == (60, 4, 60)  # every one told by its fee lines
    result = run(read_claims_dir(directory), RunParams())
    best = max(result.rings, key=lambda r: len({m.entity_id for m in r.members} & billed))
    (reason,) = [r for r in best.reasons if r.code == "fund_checkups"]
    assert reason.args["packages"] == 60 and "packages of tests" in reason.text


def test_without_diagnoses_the_infants_are_kept_out_by_their_age(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = build_graph(read_claims_dir(_world(tmp_path, diagnosis=False, items=True)[0]))
    venue = lambda found: {str(graph.visits.venues.ids[c.evidence["checkups"]["venue"]]) for c in found}  # noqa: E731
    monkeypatch.setattr(checkups, "ADULT", 0)
    assert venue(checkups.detect(graph)) == {"C0", "C3"}  # the infants' monthly child-health days
    monkeypatch.setattr(checkups, "PACKAGE_LINES", 4)
    assert checkups.detect(graph) == []  # three lines are no package of four


def test_a_diagnosis_is_read_before_the_fee_lines(tmp_path: Path) -> None:
    """With diagnoses, the fee lines change nothing: the same candidate as without them."""
    (tmp_path / "lines").mkdir()
    (tmp_path / "plain").mkdir()
    (found,) = checkups.detect(build_graph(read_claims_dir(_world(tmp_path / "lines", items=True)[0])))
    (before,) = checkups.detect(build_graph(read_claims_dir(_world(tmp_path / "plain")[0])))
    assert found.evidence == before.evidence and found.persons.tolist() == before.persons.tolist()
    assert "packages" not in found.evidence["checkups"]


def test_a_ring_of_the_billed_with_the_reason_and_no_other_check_up(tmp_path: Path) -> None:
    directory, billed, others, bus = _world(tmp_path)
    result = run(read_claims_dir(directory), RunParams())

    def persons(ring) -> set[str]:  # type: ignore[no-untyped-def]
        return {m.entity_id for m in ring.members if m.entity_type == "person"}

    best = max(result.rings, key=lambda r: len(persons(r) & billed))
    assert persons(best) == billed and best.typology == "staged_clinic"
    assert "fund_checkups" in {r.code for r in best.reasons}
    assert not [r for r in result.rings if persons(r) & others]
    # the bus is the admission detectors' (an induced admission), never a check-up ring
    assert all(r.typology == "induced_admission" for r in result.rings if persons(r) & bus)


def test_infants_coded_as_adults_are_explained_as_child_care(tmp_path: Path) -> None:
    """An export that codes the child-health days Z00.0: a candidate, explained as young children's routine care."""
    directory, billed, others, _ = _world(tmp_path, infants="Z00.000")
    graph = build_graph(read_claims_dir(directory))
    assert len(checkups.detect(graph)) == 2
    result = run(read_claims_dir(directory), RunParams())

    def persons(ring) -> set[str]:  # type: ignore[no-untyped-def]
        return {m.entity_id for m in ring.members if m.entity_type == "person"}

    assert not [r for r in result.rings if persons(r) & others]
    assert any(r.benign is not None and r.benign.code == "benign_children" for r in result.explained)


def test_a_joined_ring_keeps_its_piece_s_campaigns() -> None:
    """join_pieces scores the union of a venue's pieces with the first piece's evidence: the campaigns go along."""
    from graphfraud.detect.candidate import Candidate
    from graphfraud.score.rings import _union

    campaigns = {"venue": 1, "claims": 60, "persons": 50, "batch_days": 4, "campaigns": 4, "months": 5.0, "again": 9}
    piece = Candidate("covisit", np.array([1, 2]), np.array([10, 11]), {"pairs": 1, "events": 2})
    mine = Candidate(
        "covisit", np.array([2, 3]), np.array([11, 12]), {"typology": "staged_clinic", "checkups": campaigns}
    )
    joined = _union([piece, mine], [0, 1])
    assert joined.evidence["checkups"] == campaigns and joined.evidence["pairs"] == 1
    assert joined.persons.tolist() == [1, 2, 3] and "checkups" not in _union([piece, piece], [0, 1]).evidence


def test_check_ups_told_by_fee_lines_need_a_roster_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests paid by the fund for persons each tested once are work-ups and public-health days (thirdworld 108's
    township centre, no diagnoses exported): told by their fee lines, a venue's batches need ``PACKAGE_AGAIN`` of
    their persons checked twice; told by Z00 codes, ``AGAIN`` of them, as before."""
    (tmp_path / "items").mkdir()
    (tmp_path / "coded").mkdir()
    told = build_graph(read_claims_dir(_world(tmp_path / "items", diagnosis=False, items=True)[0]))
    coded = build_graph(read_claims_dir(_world(tmp_path / "coded")[0]))
    (found,) = checkups.detect(told)
    share = found.evidence["checkups"]["again"] / found.evidence["checkups"]["persons"]
    assert share >= checkups.PACKAGE_AGAIN  # C0's roster, checked again and again
    monkeypatch.setattr(checkups, "PACKAGE_AGAIN", min(1.0, share + 0.01))
    assert checkups.detect(told) == []
    assert len(checkups.detect(coded)) == 1  # a Z00 code is the check-up's own word: the count AGAIN decides


def test_a_centre_of_check_ups_alone_needs_its_roster_back_at_any_gap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step 147 (sixthworld's held-out 25: a 体检中心 billing nothing but Z00, its roster back 194-290 days later):
    C0's batches 200 days apart check no one twice within half a year; at a venue whose every claim is a check-up
    the roster checked twice at any gap will do.  The same batches at a clinic the town also uses need the half
    year, as before, and ``ONLY_CHECKUPS`` None turns the step off."""
    (tmp_path / "only").mkdir()
    (tmp_path / "mixed").mkdir()
    far = (20, 220, 420)
    directory, billed, _, _ = _world(tmp_path / "only", days=far, centre_only=True)
    graph = build_graph(read_claims_dir(directory))
    (found,) = checkups.detect(graph)
    got = found.evidence["checkups"]
    assert _persons(graph, found) == billed and str(graph.visits.venues.ids[got["venue"]]) == "C0"
    assert got["again"] == 0 and got["again_any"] >= checkups.AGAIN and got["only"] == 1.0
    assert found.params["only_checkups"] == checkups.ONLY_CHECKUPS
    assert checkups.detect(graph, again=got["again_any"] + 1) == []  # the roster is still counted
    mixed = build_graph(read_claims_dir(_world(tmp_path / "mixed", days=far)[0]))
    assert checkups.detect(mixed) == []  # C0 also sees the town: the half-year roster is needed
    monkeypatch.setattr(checkups, "ONLY_CHECKUPS", None)
    assert checkups.detect(graph) == []


def test_a_centre_of_check_ups_alone_keeps_the_old_evidence_where_the_half_year_holds(tmp_path: Path) -> None:
    """Where ``AGAIN`` persons are back within half a year, step 147 adds nothing (no share is asked for)."""
    graph = build_graph(read_claims_dir(_world(tmp_path, centre_only=True)[0]))
    (found,) = checkups.detect(graph)
    assert "only" not in found.evidence["checkups"] and "only_checkups" not in found.params


def test_the_centre_s_reason_says_the_roster_and_the_share_in_both_languages(tmp_path: Path) -> None:
    from graphfraud.score.wording import say

    directory, billed, _, _ = _world(tmp_path, days=(20, 220, 420), centre_only=True)
    result = run(read_claims_dir(directory), RunParams())
    best = max(result.rings, key=lambda r: len({m.entity_id for m in r.members} & billed))
    assert {m.entity_id for m in best.members if m.entity_type == "person"} == billed
    (reason,) = [r for r in best.reasons if r.code == "fund_checkups"]
    assert reason.args["only"] == 1.0 and reason.args["again"] == 0
    assert f"{reason.args['again_any']} persons checked twice at any gap" in reason.text
    assert "100% these check-ups" in reason.text
    assert "除体检外不向基金结算其他费用" in say(reason.code, reason.args, "zh")


def test_without_diagnoses_or_fee_lines_a_venue_of_batches_alone_is_a_candidate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step 147 (sixthworld's held-out 32: a 体检中心 in an export with neither diagnoses nor fee lines): nothing says
    what C0's claims are, but C0 bills nothing else, on 4 days of 4 campaigns of a day each, the same roster back:
    one candidate of its billed, said to be batches nothing names.  The town's clinics (batch days for months on
    end), the pupils (one campaign), the elders (each once) and the infants' clinic (it sees the town too) are none."""
    directory, billed, _, _ = _world(tmp_path, diagnosis=False, centre_only=True)
    graph = build_graph(read_claims_dir(directory))
    (found,) = checkups.detect(graph)
    got = found.evidence["checkups"]
    assert _persons(graph, found) == billed and str(graph.visits.venues.ids[got["venue"]]) == "C0"
    assert (got["bare"], got["claims"], got["campaigns"], got["only"]) == (60, 60, 4, 1.0)
    assert got["again_any"] >= checkups.AGAIN and "packages" not in got
    roster = checkups.attendance(graph.visits.column("person")[np.isin(graph.visits.column("claim"), found.claims)],
                                 graph.visits.column("day")[np.isin(graph.visits.column("claim"), found.claims)],
                                 np.array([20, 70, 120, 170]))  # fmt: skip
    assert 0.25 <= roster < checkups.ROUND_ATTENDANCE  # each of the billed at one or two of the four campaigns
    monkeypatch.setattr(checkups, "ROUND_ATTENDANCE", roster - 0.01)  # a home's round: residents at most rounds
    assert checkups.detect(graph) == []
    monkeypatch.setattr(checkups, "ROUND_ATTENDANCE", 0.6)
    monkeypatch.setattr(checkups, "ONLY_CHECKUPS", None)
    assert checkups.detect(graph) == []


def test_without_diagnoses_or_fee_lines_a_clinic_that_also_sees_the_town_is_none(tmp_path: Path) -> None:
    """The same batches at a clinic the town also uses: under ``ONLY_CHECKUPS`` of its claims, no candidate (as
    before step 147, nothing names them)."""
    graph = build_graph(read_claims_dir(_world(tmp_path, diagnosis=False)[0]))
    assert checkups.detect(graph) == []


def test_unnamed_batches_need_campaigns_of_a_week_at_most(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A venue open only on batch days, but every few days for weeks on end (a busy clinic's crowd), is no campaign
    roster: its longest campaign is longer than ``CAMPAIGN_GAP``."""
    directory, _, _, _ = _world(tmp_path, diagnosis=False, centre_only=True, days=tuple(range(20, 80, 5)) + (200,))
    graph = build_graph(read_claims_dir(directory))
    assert checkups.longest_campaign(np.arange(20, 80, 5)) == 55
    assert checkups.detect(graph) == []
    monkeypatch.setattr(checkups, "CAMPAIGN_GAP", 60)  # a campaign of two months allowed: the crowd is one ...
    monkeypatch.setattr(checkups, "ROUND_ATTENDANCE", 1.0)  # ... and its regulars at both campaigns allowed
    assert len(checkups.detect(graph)) == 1


def test_a_venue_of_unnamed_batches_is_a_ring_said_in_both_languages(tmp_path: Path) -> None:
    from graphfraud.score.wording import say

    directory, billed, _, _ = _world(tmp_path, diagnosis=False, centre_only=True)
    result = run(read_claims_dir(directory), RunParams())
    best = max(result.rings, key=lambda r: len({m.entity_id for m in r.members} & billed))
    assert {m.entity_id for m in best.members if m.entity_type == "person"} == billed
    assert best.typology == "staged_clinic"
    (reason,) = [r for r in best.reasons if r.code == "fund_checkups"]
    assert reason.args["bare"] == 60 and "with neither a diagnosis nor a fee line" in reason.text
    assert "既无诊断也无费用明细" in say(reason.code, reason.args, "zh")

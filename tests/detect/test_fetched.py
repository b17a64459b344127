"""Inpatients fetched from home by a hospital's ambulance (救护车接送入院, step 114, detect/transport.py and
beds.fetched_candidates): a private hospital whose herders are each admitted once, each stay billed an
ambulance, is found against its peers' ordinary 120 admissions; a referral hospital's transfers by ambulance
(each after a stay at a county hospital) are not; without item names nothing is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect import beds
from graphfraud.detect.transport import transport_lines
from graphfraud.errors import ParamError
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import BedsParams, RunParams
from graphfraud.pipeline import CODED_COLUMNS, UNUSED_COLUMNS, run

from .worlds import write_stays

HOSPITALS = 5  # H0 fetches herders, H1 receives transfers, all admit townspeople (3% by 120 ambulance)
FETCHED = 30
AMBULANCE = "救护车出车费"


def prefecture(folder: Path, *, transfers: int = 30) -> tuple[Path, set[str], set[str]]:
    """Townspeople at five hospitals (level 2), 150 each admitted once, 3% of stays billed an ambulance (120
    emergencies); county hospitals C0-C2 (level 1) admit 60 each.  H0 also admits :data:`FETCHED` herders once,
    each stay with an ambulance; H1 admits ``transfers`` patients by ambulance the day their stay at a county
    hospital ends (转院).  Returns the directory, the herders and the transferred patients."""
    rng = np.random.default_rng(11)
    town = [f"T{i:04d}" for i in range(3000)]
    rows, fee = [], []
    venues = [f"H{h}" for h in range(HOSPITALS)] + [f"C{c}" for c in range(3)]
    for venue in venues:
        for i in rng.choice(len(town), 150 if venue.startswith("H") else 60, replace=False):
            day = int(rng.integers(0, 280))
            rows.append((town[i], venue, day, day + int(rng.integers(3, 12))))
            fee.append(venue.startswith("H") and rng.random() < 0.03)
    herders = {f"M{i:02d}" for i in range(FETCHED)}
    for person in sorted(herders):
        day = int(rng.integers(0, 280))
        rows.append((person, "H0", day, day + int(rng.integers(6, 12))))
        fee.append(True)
    moved = {f"R{i:02d}" for i in range(transfers)}
    for person in sorted(moved):
        day = int(rng.integers(5, 280))
        rows.append((person, f"C{int(rng.integers(0, 3))}", day - 4, day))  # the county hospital's stay
        fee.append(False)
        rows.append((person, "H1", day, day + int(rng.integers(6, 12))))
        fee.append(True)
    stays = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "end"])
    facilities = pd.DataFrame({"facility_id": venues, "kind": "hospital", "level": [2] * HOSPITALS + [1] * 3})
    write_stays(folder, stays, facilities, town=town, discharge=True, total=3000.0, fund=2400.0)
    lines = [(f"K{i:05d}", "110100001", "床位费", "bed", 5, 40.0, 200.0) for i in range(len(stays))]
    lines += [(f"K{i:05d}", "480000001", AMBULANCE, "other", 1, 500.0, 500.0) for i in np.flatnonzero(fee)]
    pd.DataFrame(lines, columns=["claim_id", "item_code", "item_name", "category", "quantity", "unit_price",
                                 "amount"]).to_csv(folder / "claim_items.csv", index=False)  # fmt: skip
    return folder, herders, moved


def _found(directory: Path, params: BedsParams) -> dict[str, set[str]]:
    graph = build_graph(read_claims_dir(directory, skip=UNUSED_COLUMNS, codes=CODED_COLUMNS))
    table = graph.visits.table
    stays = table[table["inpatient"].to_numpy()]
    cost = graph.data.claims["total_amount"].to_numpy(dtype=float)[stays["claim"].to_numpy()]
    billed = pd.Series(cost).groupby(stays["venue"].to_numpy()).sum()
    found = beds.fetched_candidates(graph, stays, cost, billed, beds.peer_groups(graph), params)
    return {
        str(graph.visits.venues.ids[c.evidence["venue"]]): set(graph.visits.persons.ids[c.persons].astype(str))
        for c in found
    }


def test_a_hospitals_fetched_herders_are_found_and_a_referral_hospitals_transfers_are_not(tmp_path: Path):
    directory, herders, moved = prefecture(tmp_path)
    found = _found(directory, BedsParams())
    assert list(found) == ["H0"]
    # the herders and the few townspeople H0 admitted by 120 ambulance (3% of its 150)
    assert found["H0"] >= herders and len(found["H0"] - herders) <= 10
    # counted without the transfer rule, H1's transfers stand out as much: the rule is what leaves them
    assert set(_found(directory, BedsParams(transfer_days=-1))) == {"H0", "H1"}
    assert _found(directory, BedsParams(transport_names="")) == {}

    result = run(read_claims_dir(directory, skip=UNUSED_COLUMNS, codes=CODED_COLUMNS), RunParams())
    best = max(result.rings, key=lambda r: len({m.entity_id for m in r.members} & herders))
    assert len({m.entity_id for m in best.members} & herders) == FETCHED
    assert best.typology == "induced_admission" and not {m.entity_id for m in best.members} & moved
    reason = next(r for r in best.reasons if r.code == "repeat_stays")
    assert reason.points > 0 and AMBULANCE in reason.text and "H0" in reason.text
    assert not any({m.entity_id for m in r.members} & moved for r in result.rings)


def test_without_item_names_the_signal_is_off(tmp_path: Path):
    directory, _, _ = prefecture(tmp_path)
    items = pd.read_csv(directory / "claim_items.csv", dtype=str).drop(columns=["item_name"])
    items.to_csv(directory / "claim_items.csv", index=False)
    assert _found(directory, BedsParams()) == {}
    result = run(read_claims_dir(directory, skip=UNUSED_COLUMNS, codes=CODED_COLUMNS), RunParams())
    assert "fetched" in result.signals.off and "claim_items.item_name" in result.signals.off["fetched"]


def test_transport_lines_match_names_text_or_coded():
    names = pd.Series(["救护车出车费", "床位费", None, "院前急救车转运费", "心电图"])
    assert transport_lines(names, "救护车|急救车").tolist() == [True, False, False, True, False]
    assert transport_lines(names.astype("category"), "救护车|急救车").tolist() == [True, False, False, True, False]
    assert not transport_lines(names, "").any()
    # the default: an ambulance and a patient's transfer, never a specimen's transport (标本转运, on every stay)
    default = BedsParams().transport_names
    assert transport_lines(pd.Series(["救护车出车费", "标本转运费", "病人转运费"]), default).tolist() == [
        True,
        False,
        True,
    ]


def test_a_bad_transport_pattern_is_a_param_error():
    with pytest.raises(ParamError, match="'transport_names' parameter of BedsParams"):
        BedsParams(transport_names="救护(")
    with pytest.raises(ParamError, match="'transfer_days'"):
        BedsParams(transfer_days=-2)


def test_a_fetched_piece_keeps_its_reason_in_an_organisation_led_by_co_admissions():
    """Joined with the hospital's co-admission ring (score.rings.join_pieces), the organisation's evidence is the
    first piece's: the fetched patients' peer comparison is carried, never their "together": False (the group's
    admission days still count)."""
    from graphfraud.detect.candidate import Candidate
    from graphfraud.score.rings import FETCHED_EVIDENCE, _union

    group = Candidate("coadmit", np.array([1, 2]), np.array([10, 11]), {"pairs": 1, "mean_days": 4.0, "events": 4})
    fetched = {k: 1 for k in FETCHED_EVIDENCE} | {"together": False, "stays": 3, "chance": 0.0, "times": 1}
    piece = Candidate("beds", np.array([3, 4]), np.array([12, 13]), fetched)
    joined = _union([group, piece], [0, 1])
    assert joined.detector == "coadmit" and joined.persons.tolist() == [1, 2, 3, 4]
    assert {k: joined.evidence[k] for k in FETCHED_EVIDENCE} == {k: 1 for k in FETCHED_EVIDENCE}
    assert "together" not in joined.evidence and joined.evidence["events"] == 4
    # a piece of repeat stays leads with its own evidence: nothing carried over it
    repeat = Candidate("beds", np.array([5]), np.array([14]), {"repeat_ratio": 9.0, "venue": 2})
    assert _union([repeat, piece], [0, 1]).evidence["repeat_ratio"] == 9.0

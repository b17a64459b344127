"""Step 102: a hospital that splits its own patients' long stays (分解住院), each patient at their own time, is
found against its peers' rate of patients readmitted within days again and again; a long-stay ward settled
every 30 days (中途结算, the next part opened a minute after the last closed), a day ward (each day an
admission), a chemotherapy ward (a cycle every 21 days) and ordinary split stays (once) are not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.detect import beds
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.params import BedsParams, RunParams
from graphfraud.pipeline import run
from graphfraud.score.wording import say

from .worlds import write_stays

HOSPITALS = 6  # H0 splits stays; H1 a long-stay ward settled every 30 days; H2 a day ward; H3 chemotherapy
MINUTE = 1 / 1440


def split_world(
    folder: Path, *, splitter: bool = True, transfers: float = 0.1, batch: int = 0
) -> tuple[Path, set[str]]:
    """Six hospitals (level 2) of 80 ordinary patients each: one stay of 3-12 days in 300, 10% of them split
    once (discharged and readmitted 0-2 days later).  H1 also keeps 25 long-stay patients 90-150 days, settled
    every 30 days; H2's day ward admits 25 patients on 10 days running (a stay of 8 hours each); H3 gives 25
    patients 5 chemotherapy cycles of 3 days, 21 days apart.  With ``splitter``, H0 splits 25 patients' stays of
    30-60 days into pieces of 10-15 days, 0-1 day apart, each patient from a day of their own.  Returns the
    claims directory and H0's split patients.  ``transfers``: the share of H4's stays split once (a public
    hospital settling each ward transfer as a stay of its own).  ``batch``: recruits ``R..`` that H0 admits together
    on day 270 for 29 days (step 122), and as many ``Q..`` that H5 admits so (a hospital that splits no stays)."""
    rng = np.random.default_rng(11)
    rows: list = []
    town = [f"T{i:04d}" for i in range(3000)]
    for h in range(HOSPITALS):
        for i in rng.choice(len(town), 80, replace=False):
            day, length = float(rng.integers(0, 300)), int(rng.integers(3, 13))
            if rng.random() < (transfers if h == 4 else 0.1):  # H4: ward transfers settled as two stays
                cut = int(rng.integers(1, length))
                again = day + cut + int(rng.integers(0, 3)) + 0.2
                rows += [(town[i], f"H{h}", day, day + cut), (town[i], f"H{h}", again, again + length - cut)]
            else:
                rows.append((town[i], f"H{h}", day, day + length))
    for k in range(25):
        start = float(rng.integers(0, 150))
        for part in range(0, int(rng.integers(90, 151)), 30):  # H1: settled every 30 days, reopened a minute later
            rows.append((f"W{k:02d}", "H1", start + part + (MINUTE if part else 0), start + part + 30))
        first = float(rng.integers(0, 250))
        for d in range(10):  # H2: a day ward, 09:00-17:00 each day
            rows.append((f"D{k:02d}", "H2", first + d, first + d + 1 / 3))
        first = float(rng.integers(0, 180))
        for c in range(5):  # H3: chemotherapy every 21 days
            rows.append((f"C{k:02d}", "H3", first + 21 * c, first + 21 * c + 3))
    ring = {f"S{k:02d}" for k in range(25)}
    if splitter:
        for person in sorted(ring):
            day, total = float(rng.integers(0, 240)), int(rng.integers(30, 61))
            while total > 0:
                piece = min(int(rng.integers(10, 16)), total)
                rows.append((person, "H0", day, day + piece))
                day += piece + int(rng.integers(0, 2)) + 0.1  # readmitted at 11:24 the day of the discharge or after
                total -= piece
    for k in range(batch):  # a busload of recruits one morning, ten minutes apart; their one stay is still settled
        rows.append((f"R{k:02d}", "H0", 270 + 0.375 + k / 144, 299 + 0.4))
        rows.append((f"Q{k:02d}", "H5", 270 + 0.375 + k / 144, 299 + 0.4))
    stays = pd.DataFrame(rows, columns=["patient_id", "facility_id", "day", "end"])
    facilities = pd.DataFrame({"facility_id": [f"H{h}" for h in range(HOSPITALS)], "kind": "hospital", "level": 2})
    write_stays(folder, stays, facilities, town=town, discharge=True, total=3000.0, fund=2400.0)
    return folder, ring


def test_a_hospital_splitting_its_patients_stays_is_found_against_its_peers(tmp_path: Path):
    directory, ring = split_world(tmp_path)
    data = read_claims_dir(directory)
    graph = build_graph(data)
    found = [c for c in beds.detect(graph, BedsParams()) if "splits" in c.evidence]
    assert [str(graph.visits.venues.ids[c.evidence["venue"]]) for c in found] == ["H0"]
    assert set(graph.visits.persons.ids[found[0].persons].astype(str)) == ring
    assert found[0].evidence["repeat_ratio"] >= 3 and found[0].evidence["splits"] >= 2 * len(ring)

    result = run(data, RunParams())
    best = max(result.rings, key=lambda r: len({m.entity_id for m in r.members} & ring))
    assert best.typology == "induced_admission" and best.detector == "beds"
    assert {m.entity_id for m in best.members} >= ring
    reason = next(r for r in best.reasons if r.code == "repeat_stays")
    assert reason.points > 0 and "splits" in reason.args and "split stays" in reason.text
    # no split-stays ring elsewhere: the settled ward, the day ward, the chemotherapy ward, ordinary split stays
    # (the chemotherapy ward's five admissions each are the repeat-stays test's, step 102 adds nothing there)
    split = [r for r in result.rings if any(x.code == "repeat_stays" and "splits" in x.args for x in r.reasons)]
    assert [r.reasons[0].args.get("venue") for r in split] == ["H0"] or [
        x.args["venue"] for r in split for x in r.reasons if x.code == "repeat_stays"
    ] == ["H0"]


def test_settlement_cuts_day_wards_and_courses_are_no_split_stays(tmp_path: Path):
    directory, _ = split_world(tmp_path, splitter=False)
    graph = build_graph(read_claims_dir(directory))
    assert not [c for c in beds.detect(graph, BedsParams()) if "splits" in c.evidence]
    # without the stay-length rule the day ward's daily admissions are split stays; without the seamless parts
    # the settled ward's are
    table = graph.visits.table
    stays = table[table["inpatient"].to_numpy() & (table["venue"].to_numpy() >= 0)]
    who = pd.Series(graph.visits.persons.ids[stays["person"].to_numpy()].astype(str)).str[0].to_numpy()
    flags = beds.split_stays(stays, graph.data.claims["end_time"], split_days=3, stay_days=0)
    assert flags[who == "D"].sum() == 25 * 9
    assert flags[who == "W"].sum() == 0 and flags[who == "C"].sum() == 0
    assert beds.split_stays(stays, graph.data.claims["end_time"], split_days=3, stay_days=3)[who == "D"].sum() == 0
    saved = beds.SEAMLESS_MINUTES
    try:
        beds.SEAMLESS_MINUTES = -1
        cut = beds.split_stays(stays, graph.data.claims["end_time"], split_days=3, stay_days=3)
    finally:
        beds.SEAMLESS_MINUTES = saved
    assert cut[who == "W"].sum() >= 25 * 2  # each ward patient's 3-5 parts


def test_a_split_readmission_is_counted_once_per_gap_and_not_across_facilities():
    s = pd.DataFrame({
        "claim": range(7), "person": [1, 1, 1, 1, 2, 2, 2], "venue": [0, 0, 0, 1, 0, 1, 0],
        "minute": [600, 12 * 1440 + 700, 25 * 1440 + 600, 26 * 1440 + 600, 600, 11 * 1440 + 600, 40 * 1440 + 600],
        "day": [0, 12, 25, 26, 0, 11, 40], "end_day": [10, 24, 35, 30, 10, 20, 45],
    })  # fmt: skip
    ends = pd.Series(pd.NaT, index=range(7))
    # person 1: two splits at venue 0 (gaps 2 and 1 days), a stay at venue 1 is another facility's;
    # person 2: readmitted to venue 0 after 30 days, no split; without end times, the discharge days are used
    assert beds.split_stays(s, ends, split_days=3).tolist() == [False, True, True, False, False, False, False]
    assert beds.split_stays(s, None, split_days=3).tolist() == [False, True, True, False, False, False, False]
    assert beds.split_stays(s, ends, split_days=1).tolist() == [False, False, True, False, False, False, False]


def test_the_peer_counts_of_a_split_reason_are_the_split_patients(tmp_path: Path):
    directory, ring = split_world(tmp_path)
    graph = build_graph(read_claims_dir(directory))
    table = beds.peer_counts(graph, "H0", BedsParams(), split=True)
    assert table["role"].tolist() == ["venue"] + ["peer"] * (HOSPITALS - 1)
    assert int(table["repeaters"].iloc[0]) == len(ring)  # what the candidate's reason says
    assert int(table["repeaters"].iloc[1:].max()) < len(ring) // 2
    # the repeat-stays counts are another test's: H0's split patients have 1-2 admissions each
    assert int(beds.peer_counts(graph, "H0", BedsParams())["repeaters"].iloc[0]) < len(ring)


def test_ward_transfers_settled_as_two_stays_once_each_are_no_split_stays(tmp_path: Path):
    directory, _ = split_world(tmp_path, splitter=False, transfers=0.8)
    graph = build_graph(read_claims_dir(directory))
    assert not [c for c in beds.detect(graph, BedsParams()) if "splits" in c.evidence]
    # counted on one split readmission a patient, H4 would stand out: the rule is "again and again"
    once = [c for c in beds.detect(graph, BedsParams(split_times=1)) if "splits" in c.evidence]
    assert "H4" in {str(graph.visits.venues.ids[c.evidence["venue"]]) for c in once}


def test_the_recruits_a_split_hospital_admitted_in_a_batch_join_its_candidate(tmp_path: Path):
    """Step 122: a psychiatric hospital that cuts its kept patients' stays also takes in recruits a busload at a
    time; admitted late in the export, each has one settled stay there (no split yet), and joins the hospital's
    candidate because the day it came was a batch day, far beyond the hospital's daily admissions.  The same
    batch at a hospital that splits no stays gives nothing (the rule only widens a split candidate)."""
    directory, ring = split_world(tmp_path, batch=12)
    recruits = {f"R{k:02d}" for k in range(12)}
    data = read_claims_dir(directory)
    graph = build_graph(data)
    found = [c for c in beds.detect(graph, BedsParams()) if "splits" in c.evidence]
    assert [str(graph.visits.venues.ids[c.evidence["venue"]]) for c in found] == ["H0"]
    assert set(graph.visits.persons.ids[found[0].persons].astype(str)) == ring | recruits
    e = found[0].evidence
    assert (e["batched"], e["batch_days"], e["split_persons"]) == (12, 1, len(ring))

    result = run(data, RunParams())
    best = max(result.rings, key=lambda r: len({m.entity_id for m in r.members} & recruits))
    assert {m.entity_id for m in best.members} >= ring | recruits
    assert not {m.entity_id for m in best.members} & {f"Q{k:02d}" for k in range(12)}
    reason = next(r for r in best.reasons if r.code == "repeat_stays")
    assert reason.args["batched"] == 12 and "in batches on 1 days" in reason.text
    assert reason.args["persons"] == len(ring)  # the split patients' count, as their readmissions
    assert "另有 12 人在 1 个日子里成批入院" in say("repeat_stays", reason.args, "zh")


def test_batch_days_are_beyond_the_facilitys_own_daily_admissions():
    """A busy hospital's ordinary days (Poisson, 6 a day, stays of 3-12 days) hold no batch day; one day of 25
    more does, and only its stays of ``stay_days`` or more discharged together count (not the day's ordinary
    patients, nor a batch member without a discharge or after one day)."""
    rng = np.random.default_rng(5)
    per_day = rng.poisson(6.0, 200)
    day = np.repeat(np.arange(200), per_day)
    stays = pd.DataFrame({"person": np.arange(len(day)), "venue": 0, "day": day,
                          "end_day": day + rng.integers(3, 13, len(day))})  # fmt: skip
    opens = np.ones(len(stays), dtype=bool)
    batch, days = beds.batch_days(stays, opens, 0, max_chance=0.01, min_persons=5, stay_days=3)
    assert (int(batch.sum()), days) == (0, 0)
    extra = pd.DataFrame({"person": np.arange(25) + len(day), "venue": 0, "day": 150,
                          "end_day": [-1] * 5 + [151] * 5 + [180] * 15})  # fmt: skip
    stays = pd.concat([stays, extra], ignore_index=True)
    batch, days = beds.batch_days(stays, np.ones(len(stays), dtype=bool), 0, max_chance=0.01, min_persons=5,
                                  stay_days=3)  # fmt: skip
    assert days == 1
    kept = set(stays["person"].to_numpy()[batch])
    assert set(extra["person"].to_numpy()[10:]) <= kept  # the long stays; no discharge or one day: not counted
    assert not kept & set(extra["person"].to_numpy()[:10])
    assert kept == set(extra["person"].to_numpy()[10:])  # the day's ordinary patients leave on days of their own
    assert (stays["day"].to_numpy() == 150).sum() > 25
    # a facility's admissions that are not openings (split readmissions) do not count
    assert beds.batch_days(stays, np.zeros(len(stays), dtype=bool), 0, max_chance=0.01, min_persons=5,
                           stay_days=3)[1] == 0  # fmt: skip

"""Split admissions, claims after death and high-value lines: one rule each, shared by scoring and peers (issue 19)."""

import inspect

import numpy as np
import pandas as pd

from graphfraud.analyses import peers
from graphfraud.params import SignalParams
from graphfraud.score import claim_flags
from graphfraud.score.reasons import template
from graphfraud.score.wording import say


def test_split_admission_rule():
    person = np.array([1, 1, 1, 1, 2])
    venue = np.array([7, 7, 8, 7, 7])
    day = np.array([0, 13, 14, 40, 11])
    end = np.array([10, 20, 15, -1, 12])
    stay = np.ones(5, dtype=bool)
    # 13 is 3 days after the discharge on 10 (same person, same venue); 14 is at another venue;
    # 40 has no known discharge and 11 is another person.
    assert claim_flags.split_admissions(person, venue, day, end, stay=stay).tolist() == [
        False,
        True,
        False,
        False,
        False,
    ]
    assert not claim_flags.split_admissions(person, venue, day, end, stay=stay, days=2).any()


def test_peers_counts_split_admissions_and_deaths_with_the_same_rules():
    t = pd.to_datetime
    claims = pd.DataFrame({
        "claim_id": ["c1", "c2", "c3", "c4"], "patient_id": ["p1", "p1", "p2", "p2"], "holder_id": [None, None, "p3", None],
        "visit_type": ["inpatient", "inpatient", "inpatient", "outpatient"], "facility_id": ["F1"] * 4,
        "venue": ["F1"] * 4, "start_time": t(["2024-01-01 09:00", "2024-01-13 10:00", "2024-02-01 08:00", "2024-03-05 08:00"]),
        "end_time": t(["2024-01-10", "2024-01-20", "2024-02-05", None]),
    })  # fmt: skip
    persons = pd.DataFrame({"person_id": ["p1", "p2", "p3"], "death_date": t([None, "2024-03-05", "2024-01-15"])})
    assert peers._split_admissions(claims, 3).to_dict() == {"F1": 1}
    # c3 after its card holder's death (2024-01-15); c4 on the patient's death day is not counted.
    assert peers._after_death(claims, persons).to_dict() == {"F1": 1}


def test_the_high_value_price_is_one_parameter_for_scoring_and_peers():
    price = SignalParams().high_value_price
    assert inspect.signature(claim_flags.high_value_lines).parameters["price"].default == price
    assert inspect.signature(peers.peer_signals).parameters["high_value_price"].default == price
    # the reason says the price of its run, from its values
    args = {"share": 0.5, "price": price, "high_value_share_from": 0.4}
    assert f"items priced >= {price:g} yuan" in template("high_value", args).format(**args)
    assert f"单价不低于 {price:g} 元" in say("high_value", args, "zh")

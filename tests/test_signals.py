"""graphfraud.signals: which signal the data supports, and why not (issue 17, "Say what the data allows")."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from graphfraud.contract import TABLES
from graphfraud.io.validate import validate
from graphfraud.signals import SIGNALS, USERS, Support, merge, support, unmet
from graphfraud.synth import toy


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return validate(toy.staged_clinic()[0])  # with its foreign-key links, as the reader makes them


def test_every_need_names_a_contract_table_column_or_minutes() -> None:
    for s in SIGNALS.values():
        assert set(s.used_by) <= set(USERS) and s.used_by, s.name
        for need in list(s.needs) + [n for n, _ in s.reduced]:
            for part in need.split("|"):
                if part == "minutes":
                    continue
                table, _, column = part.partition("=")[0].partition(".")
                assert table in TABLES, (s.name, need)
                assert not column or column in TABLES[table].column_names, (s.name, need)


def test_the_toy_world_supports_what_it_has(data) -> None:  # type: ignore[no-untyped-def]
    s = support(data)
    assert s.off["coadmit"] == "no claims with visit_type inpatient"
    assert s.off["covisit_pharmacy"] == "no pharmacy claims"
    assert {"covisit", "arrival_gap", "off_hours", "shared_phone", "money"} <= set(s.on)
    assert not set(s.on) & set(s.off)
    assert set(s.on) | set(s.off) == set(SIGNALS)


def test_minutes_and_day_resolution(data) -> None:  # type: ignore[no-untyped-def]
    day = dataclasses.replace(data, time_resolution="day")
    s = support(day, used_by=("detect", "score"))
    assert s.off["arrival_gap"] == s.off["off_hours"] == "dates only: claims.start_time has no time of day"
    assert s.reduced["covisit"].startswith("dates only: claims.start_time has no time of day: same-day co-visits")
    assert "benign_chronic" not in s.on and "cost_growth" not in s.on  # only the parts asked for


def test_a_column_without_values_is_absent(data) -> None:  # type: ignore[no-untyped-def]
    persons = data.persons.assign(phone=pd.Series(pd.NA, index=data.persons.index, dtype=data.persons["phone"].dtype))
    assert unmet(dataclasses.replace(data, persons=persons), "persons.phone") == "persons.phone absent or empty"
    assert unmet(data, "persons.phone") is None


def test_either_of_two_columns(data) -> None:  # type: ignore[no-untyped-def]
    need = "facilities.region|pharmacies.region"
    assert unmet(data, need) is None
    facilities = data.facilities.drop(columns="region")
    assert unmet(dataclasses.replace(data, facilities=facilities), need) is None  # the pharmacies' regions remain
    both = dataclasses.replace(data, facilities=facilities, pharmacies=data.pharmacies.drop(columns="region"))
    assert unmet(both, need) == "facilities.region absent or empty and pharmacies.region absent or empty"


def test_a_released_column_is_judged_by_its_links(data) -> None:  # type: ignore[no-untyped-def]
    # detect tells the reader it does not use claims.doctor_id: NA in the frame, known through ClaimsData.links
    released = dataclasses.replace(data, claims=data.claims.assign(doctor_id=pd.NA), released=("claims.doctor_id",))
    assert unmet(released, "claims.doctor_id") is None
    links = dict(data.links, **{"claims.doctor_id": np.full(len(data.claims), -1, dtype=np.int32)})
    assert unmet(dataclasses.replace(released, links=links), "claims.doctor_id").startswith(
        "claims.doctor_id absent or empty"
    )


def test_unknown_parts_and_tables_are_refused(data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="The 'used_by' parameter of support must name parts of"):
        support(data, used_by=("scoring",))
    with pytest.raises(ValueError, match="unknown table in signal need 'nothing.x'"):
        unmet(data, "nothing.x")


def test_merge_regions() -> None:
    a = Support(("covisit", "after_death"), {"shared_phone": "persons.phone absent or empty"}, {})
    b = Support(("covisit",), {"shared_phone": "persons.phone absent or empty",
                               "after_death": "persons.death_date absent or empty"}, {})  # fmt: skip
    m = merge([a, b])
    assert m.off == {"shared_phone": "persons.phone absent or empty"}
    assert m.reduced == {"after_death": "off in 1 of 2 regions (persons.death_date absent or empty)"}
    assert m.on == ("covisit", "after_death")
    assert merge([]) == Support()


def test_line_and_record() -> None:
    s = Support(
        ("covisit",), {"off_hours": "dates only"}, {"cost_ratio": "claims.diagnosis absent or empty: by visit type"}
    )
    assert s.line() == (
        "signals off: off_hours (dates only); reduced: cost_ratio (claims.diagnosis absent or empty: by visit type)"
    )
    assert s.record() == {"signals_off": {"off_hours": "dates only"},
                          "signals_reduced": {"cost_ratio": "claims.diagnosis absent or empty: by visit type"},
                          "signals_on": ["covisit"]}  # fmt: skip
    assert Support(("covisit",)).line() == "every signal runs: the data has every column they need"


def test_birth_year_stands_in_for_birth_date(data) -> None:  # type: ignore[no-untyped-def]
    # the contract allows birth_year instead of birth_date; the child-care explanation reads either (features.py)
    years = data.persons["birth_date"].dt.year.astype("Int64")
    persons = data.persons.assign(birth_date=pd.NaT, birth_year=years)
    s = support(dataclasses.replace(data, persons=persons), used_by=("benign",))
    assert "benign_children" in s.on
    s = support(dataclasses.replace(data, persons=persons.drop(columns="birth_year")), used_by=("benign",))
    assert s.off["benign_children"].startswith("persons.birth_date absent or empty and persons.birth_year")

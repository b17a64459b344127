"""The diagnostic of docs/detection.md's kickback without doctor ids (benchmarks/kickback_triples.py): the
detector's own triples (detect.indication, step 65) printed with ids."""

from __future__ import annotations

import pandas as pd

from benchmarks.kickback_triples import main, triples
from detect.worlds import indication_city
from graphfraud.synth.write import write_world


def _chance(t: pd.DataFrame, facility: str, diagnosis: str, pharmacy: str) -> float:
    row = t[(t["facility_id"] == facility) & (t["diagnosis"] == diagnosis) & (t["pharmacy_id"] == pharmacy)]
    return float(row["chance"].iloc[0])


def test_one_diagnosis_sent_to_a_shop_to_buy_dear_is_beyond_chance_the_shops_next_door_are_not() -> None:
    t = triples(indication_city(sent=20), ratio=5)
    assert _chance(t, "H1", "E11.9", "K") <= 1e-3  # 20 of 20 dear, where a tenth of the diagnosis's buyers are
    kick = t[t["pharmacy_id"] == "K"]
    assert kick["buyers"].sum() == 20 and kick["dear"].sum() == 20
    # every hospital's shop next door fills all its diagnoses, a tenth of them dear: nothing beyond chance
    assert t[t["pharmacy_id"].str.startswith("N")]["chance"].min() > 1e-3
    assert t["chance"].is_monotonic_increasing  # the detector's order


def test_without_such_patients_no_triple_is_beyond_chance() -> None:
    assert triples(indication_city(sent=0), ratio=5)["chance"].min() > 1e-3
    # a purchase at the usual price is no dear purchase: at a ratio above the drug's 10x the sent are ordinary
    assert _chance(triples(indication_city(sent=20), ratio=12), "H1", "E11.9", "K") > 1e-3


def test_the_command_reads_a_world_and_skips_one_that_names_its_doctors(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    write_world(indication_city(sent=20), None, tmp_path / "plain")
    write_world(indication_city(sent=20, doctors=True), None, tmp_path / "doctors")
    main([str(tmp_path / "plain"), str(tmp_path / "doctors"), "--top", "3"])
    out = capsys.readouterr().out
    assert "H1" in out.split("== ")[1].splitlines()[2]  # the kickback's triple first
    assert "names its doctors" in out

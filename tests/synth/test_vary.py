"""Varied worlds (``synth --vary``, issue 14): knobs drawn within their ranges, output still on contract."""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.contract import DTYPES, INPUT_TABLES, LABELS
from graphfraud.io.read import read_claims_dir
from graphfraud.params import ReadParams
from graphfraud.synth import SynthParams, build_world, write_world
from graphfraud.synth.places import OUT_REGIONS
from graphfraud.synth.varied import MAX_CARDS, RING_RANGES
from graphfraud.synth.vary import DROPPABLE, WORLD_RANGES, Variation, draw_variation

SEEDS = (3, 12, 21)  # 4-decimal prices with dropped columns; date-only; date-only with 4-decimal prices


@functools.lru_cache(maxsize=None)
def _world(seed: int):  # type: ignore[no-untyped-def]
    return build_world(SynthParams(persons=3000, days=200, seed=seed, vary=True))


def _within(value: object, lo: float, hi: float) -> bool:
    values = value if isinstance(value, list) else [value]
    return all(lo <= v <= hi for v in values)  # type: ignore[operator]


def test_the_seeds_cover_what_they_are_chosen_for():
    v3, v12, v21 = (draw_variation(s) for s in SEEDS)
    assert v3.price_decimals == 4 and v3.drop and not v3.date_only
    assert v12.date_only and v21.date_only and v21.price_decimals == 4


@pytest.mark.parametrize("seed", range(40))
def test_world_knobs_are_drawn_within_their_ranges(seed):
    v = draw_variation(seed)
    assert v == draw_variation(seed)  # a function of the seed alone
    for name, (lo, hi) in WORLD_RANGES.items():
        assert lo <= getattr(v, name) <= hi, name
    assert set(v.drop) <= set(DROPPABLE) and v.price_decimals in (2, 4)
    optional = {f"{t.name}.{c.name}" for t in INPUT_TABLES for c in t.columns if not c.required}
    assert set(v.drop) <= optional


def test_over_many_seeds_every_world_choice_happens():
    vs = [draw_variation(s) for s in range(60)]
    assert {v.date_only for v in vs} == {True, False} and {v.price_decimals for v in vs} == {2, 4}
    dropped = {c for v in vs for c in v.drop}
    assert {
        "claims.diagnosis",
        "claims.terminal_id",
        "persons.phone",
        "persons.region",
        "facilities.ownership",
        "claim_items.trace_code",
    } <= dropped


@pytest.mark.parametrize("seed", SEEDS)
def test_every_group_records_knobs_within_their_ranges_and_its_true_size(seed):
    w = _world(seed)
    persons = w.labels[w.labels.entity_type == "person"].groupby("ring_id").size()
    assert {k["ring_id"] for k in w.knobs} == set(w.labels.ring_id)
    for k in w.knobs:
        for name, (lo, hi) in RING_RANGES.get(k["typology"], {}).items():
            if name in k:
                assert _within(k[name], lo, hi), (k["ring_id"], name, k[name])
        assert k["pool"] == persons[k["ring_id"]], k["ring_id"]  # pool counts the organiser/collector too
        if k["typology"] in ("staged_clinic", "card_collector", "induced_admission", "kickback"):
            assert set(RING_RANGES[k["typology"]]) <= set(k), k["ring_id"]


def _batches(w, ring: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    members = set(w.labels.loc[(w.labels.ring_id == ring) & (w.labels.entity_type == "person"), "entity_id"])
    venue = w.labels.loc[(w.labels.ring_id == ring) & w.labels.entity_type.isin(["facility", "pharmacy"]), "entity_id"]
    c = w.data.claims
    at = c[c.facility_id.isin(venue) | c.pharmacy_id.isin(venue)]
    return at[at.patient_id.isin(members)].assign(day=lambda d: d.start_time.dt.normalize())


def test_staged_clinic_batches_bring_the_drawn_share_of_the_pool_on_the_drawn_cycle():
    for seed in SEEDS:
        w = _world(seed)
        k = next(k for k in w.knobs if k["typology"] == "staged_clinic")
        per_day = _batches(w, k["ring_id"]).groupby("day").patient_id.nunique()
        big = per_day[per_day >= 3]
        share = big.mean() / k["pool"]
        assert abs(share - k["attendance"]) < 0.1 + 2 / np.sqrt(k["pool"]), (seed, share, k["attendance"])
        gaps = np.diff(big.index.to_numpy()).astype("timedelta64[D]").astype(int)
        assert np.median(gaps) == pytest.approx(k["cycle_days"], abs=max(1, k["cycle_days"] // 5)), seed


def test_card_collector_swipes_a_different_subset_each_session_and_never_more_than_the_cap():
    w = _world(3)
    k = next(k for k in w.knobs if k["typology"] == "card_collector")
    sessions = _batches(w, k["ring_id"]).groupby("day").patient_id.agg(set)
    sizes = sessions.map(len)
    assert sizes.max() <= MAX_CARDS
    assert len(set(map(frozenset, sessions))) > 0.8 * len(sessions)  # subsets differ from evening to evening


def test_benign_cohorts_are_citywide_with_members_insured_elsewhere_and_dialysis_keeps_weekday_slots():
    w = _world(3)
    persons = w.data.persons.set_index("person_id")
    for k in (k for k in w.knobs if k["typology"] in ("dialysis", "checkup", "nursing_home")):
        ids = w.labels.loc[(w.labels.ring_id == k["ring_id"]) & (w.labels.entity_type == "person"), "entity_id"]
        elsewhere = persons.loc[ids, "region"].isin(OUT_REGIONS).sum()
        assert elsewhere >= k["out_of_region_members"], k["ring_id"]
    k = next(k for k in w.knobs if k["typology"] == "dialysis")
    days = _batches(w, k["ring_id"])
    days = days[days.diagnosis == "N18.5"]  # the unit's sessions, not the patients' other care there
    slots = {"MWF": {0, 2, 4}, "TTS": {1, 3, 5}}
    allowed = set().union(*(slots[s] for s in k["schedules"]))
    assert set(days.start_time.dt.day_of_week) <= allowed
    per_patient = days.groupby("patient_id").start_time.agg(lambda t: set(t.dt.day_of_week))
    assert all(any(wd <= slots[s] for s in k["schedules"]) for wd in per_patient)  # each patient keeps one slot


@pytest.mark.parametrize("seed", SEEDS)
def test_varied_world_satisfies_the_contract(seed):
    w = _world(seed)
    data, labels = w.data, w.labels
    for table in INPUT_TABLES:
        df = data.table(table.name)
        assert list(df.columns) == [c.name for c in table.columns], table.name
        for c in table.columns:
            assert df[c.name].dtype == DTYPES[c.kind], (table.name, c.name)
        for name in table.required_columns:
            assert df[name].notna().all(), (table.name, name)
    assert list(labels.columns) == [c.name for c in LABELS.columns]
    c, it = data.claims, data.claim_items
    assert c.claim_id.is_unique and set(c.patient_id) <= set(data.persons.person_id)
    assert (c.facility_id.notna() ^ c.pharmacy_id.notna()).all()
    assert (c.fund_amount <= c.total_amount + 1e-9).all() and (c.total_amount >= 0).all()
    # amount = round(quantity x unit_price, 2); a claim's total is the sum of its lines
    cents = np.rint(it.amount.to_numpy() * 100).astype(np.int64)
    e4 = np.rint(it.unit_price.to_numpy() * 10_000).astype(np.int64)
    assert (cents == (it.quantity.to_numpy().astype(np.int64) * e4 + 50) // 100).all()
    sums = pd.Series(cents).groupby(it.claim_id.to_numpy()).sum()
    assert (sums.reindex(c.claim_id.to_numpy()).to_numpy() == np.rint(c.total_amount.to_numpy() * 100)).all()
    four = (e4 % 100 != 0).any()
    assert four == (w.variation.price_decimals == 4)
    midnight = (c.start_time == c.start_time.dt.normalize()).all()
    assert midnight == w.variation.date_only and data.time_resolution == ("day" if midnight else "minute")
    ends = c.end_time.dropna()
    assert (ends >= c.start_time[ends.index]).all() and c.start_time.max() < pd.Timestamp("2024-07-19")


@pytest.mark.filterwarnings(
    "ignore::graphfraud.io.validate.SkippedRowsWarning"
)  # 4-decimal prices until the reader keeps them
@pytest.mark.parametrize("seed", SEEDS)
def test_written_varied_world_leaves_out_the_dropped_columns_and_reads_back(seed, tmp_path):
    w = _world(seed)
    write_world(w.data, w.labels, tmp_path, drop=w.variation.drop)
    for table in INPUT_TABLES:
        header = (tmp_path / f"{table.name}.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        gone = {d.split(".")[1] for d in w.variation.drop if d.startswith(table.name + ".")}
        assert header == [c.name for c in table.columns if c.name not in gone], table.name
    back = read_claims_dir(tmp_path, ReadParams(lenient=True, max_skipped=1))
    assert len(back.claims) == len(w.data.claims)
    if w.variation.price_decimals == 4:
        text = (tmp_path / "claim_items.csv").read_text(encoding="utf-8")
        assert any(len(line.split(",")[5].split(".")[1]) > 2 for line in text.splitlines()[1:200])


def test_write_world_refuses_to_drop_a_required_column(tmp_path):
    from graphfraud.errors import ParamError

    with pytest.raises(ParamError, match="claims.patient_id"):
        write_world(_world(3).data, None, tmp_path, drop=("claims.patient_id",))


def test_cli_vary_writes_world_json_and_default_synth_has_no_variation(tmp_path):
    out = tmp_path / "w"
    r = CliRunner().invoke(main, ["synth", str(out), "--persons", "800", "--days", "60", "--seed", "3", "--vary", "-q"])
    assert r.exit_code == 0, r.output
    record = json.loads((out / "world.json").read_text(encoding="utf-8"))
    assert record["variation"]["price_decimals"] == 4 and len(record["groups"]) == 8
    assert (
        "diagnosis" not in (out / "claims.csv").read_text(encoding="utf-8").split("\n", 1)[0]
        or "claims.diagnosis" not in record["variation"]["drop"]
    )
    plain = build_world(SynthParams(persons=800, days=60, seed=3))
    assert plain.variation == Variation() and plain.knobs == []

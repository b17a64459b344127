"""make_world / write_world as a whole: labels, determinism, formats, parameters, the CLI."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.errors import ParamError
from graphfraud.synth import KINDS, SynthParams, make_world, write_world


def test_labels_consistent(full):
    data, labels = full
    assert labels.ring_id.str.fullmatch(r"(benign:)?[a-z_]+:\d{2,}").all()
    groups = labels.drop_duplicates("ring_id")
    assert sorted(groups.typology) == sorted(KINDS)
    assert (
        groups.ring_id.str.startswith("benign:")
        == groups.typology.isin(["dialysis", "nursing_home", "family", "checkup"])
    ).all()
    keys = {
        "person": ("persons", "person_id"),
        "doctor": ("doctors", "doctor_id"),
        "facility": ("facilities", "facility_id"),
        "pharmacy": ("pharmacies", "pharmacy_id"),
    }
    for etype, (table, key) in keys.items():
        ids = labels[labels.entity_type == etype].entity_id
        assert ids.isin(data.table(table)[key]).all(), etype
    assert not labels.duplicated(["ring_id", "entity_type", "entity_id"]).any()
    fraud = labels[~labels.ring_id.str.startswith("benign:") & (labels.entity_type == "person")]
    assert not fraud.entity_id.duplicated().any()  # a person is in at most one ring
    c = data.claims
    for ring_id, g in labels.groupby("ring_id"):
        persons = set(g[g.entity_type == "person"].entity_id)
        venues = set(g[g.entity_type.isin(["facility", "pharmacy"])].entity_id)
        doctors = set(g[g.entity_type == "doctor"].entity_id)
        mine = c[c.patient_id.isin(persons)]
        at = mine.facility_id.isin(venues) | mine.pharmacy_id.isin(venues) | mine.doctor_id.isin(doctors)
        assert at.sum() >= len(persons), ring_id  # every planted group's claims are present


def test_rings_per_typology_and_scale():
    params = SynthParams(
        persons=3000, days=60, seed=2, plant=("kickback", "family"), rings_per_typology=3, ring_size_scale=0.5
    )
    data, labels = make_world(params)
    assert labels.groupby("typology").ring_id.nunique().to_dict() == {"family": 3, "kickback": 3}
    assert labels[labels.typology == "kickback"].groupby("ring_id").size().max() <= 32
    assert SynthParams(persons=45_000).rings == 3 and SynthParams(persons=1000).rings == 1
    empty, none = make_world(SynthParams(persons=500, days=30, rings_per_typology=0))
    assert len(none) == 0 and len(empty.claims) > 0


def _bytes(path):
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_deterministic_files(tmp_path, fmt):
    params = SynthParams(persons=800, days=60, seed=5)
    for run in ("a", "b"):
        write_world(*make_world(params), tmp_path / run, fmt=fmt)
    a, b = _bytes(tmp_path / "a"), _bytes(tmp_path / "b")
    assert sorted(a) == sorted(
        f"{t}.{fmt}" for t in ("persons", "facilities", "pharmacies", "doctors", "claims", "claim_items", "labels")
    )
    assert a == b
    write_world(*make_world(SynthParams(persons=800, days=60, seed=6)), tmp_path / "c", fmt=fmt)
    assert _bytes(tmp_path / "c")["claims." + fmt] != a["claims." + fmt]


def test_csv_text_and_parquet_agree(tmp_path):
    data, labels = make_world(SynthParams(persons=600, days=40, seed=3))
    write_world(data, labels, tmp_path / "csv")
    write_world(data, labels, tmp_path / "pq", fmt="parquet")
    text = (tmp_path / "csv" / "claims.csv").read_text(encoding="utf-8").splitlines()
    assert text[0] == ",".join(data.claims.columns)
    row = text[1].split(",")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row[7]) and re.fullmatch(r"\d+\.\d\d", row[9])
    persons = pd.read_csv(tmp_path / "csv" / "persons.csv", dtype=str)
    assert persons.person_id.str.startswith("0").all()
    pq = pd.read_parquet(tmp_path / "pq" / "claims.parquet")
    assert list(pq.columns) == list(data.claims.columns) and len(pq) == len(data.claims)
    assert (pq.claim_id.to_numpy() == data.claims.claim_id.to_numpy()).all()
    assert pd.read_parquet(tmp_path / "pq" / "labels.parquet").shape == labels.shape


def test_date_only(tmp_path):
    data, labels = make_world(SynthParams(persons=600, days=40, seed=3, date_only=True))
    assert data.time_resolution == "day"
    assert (data.claims.start_time == data.claims.start_time.dt.normalize()).all()
    write_world(data, labels, tmp_path)
    row = (tmp_path / "claims.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", row[7])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"persons": 10}, "'persons' parameter of SynthParams"),
        ({"days": 5}, "'days'"),
        ({"plant": ("staged_clinic", "ufo")}, "'plant'"),
        ({"start": "2024-13-01"}, "'start'"),
        ({"ring_size_scale": 0}, "'ring_size_scale'"),
        ({"rings_per_typology": -1}, "'rings_per_typology'"),
        ({"city": "35020"}, "'city'"),
        ({"id_prefix": "a-b"}, "'id_prefix'"),
    ],
)
def test_bad_params(kwargs, match):
    with pytest.raises(ParamError, match=match):
        SynthParams(**kwargs)


def test_cities_share_no_ids_or_keys():
    # issue 6: a province is several cities' worlds concatenated; nothing may clash.
    small = {"persons": 600, "days": 40, "plant": ("staged_clinic", "card_collector")}
    xm, xm_labels = make_world(SynthParams(seed=1, **small))
    qz, qz_labels = make_world(SynthParams(seed=2, city="3505", id_prefix="Q5", **small))
    assert set(qz.facilities.region) == {"350503", "350505", "350506", "350511", "350512", "350513"}
    assert set(qz.persons.region) - set(qz.facilities.region) <= {"350100", "350500", "360100"}
    columns = {
        "persons": ("person_id", "phone", "address"),
        "facilities": ("facility_id",),
        "pharmacies": ("pharmacy_id",),
        "doctors": ("doctor_id",),
        "claims": ("claim_id", "terminal_id"),
        "claim_items": ("trace_code",),
    }
    for table, names in columns.items():
        for name in names:
            a, b = set(xm.table(table)[name].dropna()), set(qz.table(table)[name].dropna())
            assert a and b and not a & b, (table, name)
    assert qz.persons.person_id.str.startswith("Q5").all() and qz.claims.claim_id.str.startswith("SQ5").all()
    assert not set(xm_labels.ring_id) & set(qz_labels.ring_id)
    assert "staged_clinic:Q501" in set(qz_labels.ring_id)


@pytest.mark.parametrize("prefix", ["X", "3505"])
def test_id_prefix_with_benign_kinds(tmp_path, prefix):
    # The dialysis planter reads its group number from the ring id: the prefix must not reach it (a letter
    # prefix crashed, a digit prefix shifted the unit, schedule and shift silently).
    small = ["--persons", "1500", "--days", "40", "--rings", "2", "--plant", "dialysis,family", "-q"]
    for name, extra in (("plain", []), ("prefixed", ["--id-prefix", prefix])):
        result = CliRunner().invoke(main, ["synth", str(tmp_path / name), *small, *extra])
        assert result.exit_code == 0, result.output
    plain = pd.read_csv(tmp_path / "plain" / "labels.csv", dtype=str)
    prefixed = pd.read_csv(tmp_path / "prefixed" / "labels.csv", dtype=str)
    assert set(prefixed.ring_id) == {f"benign:{k}:{prefix}{n}" for k in ("dialysis", "family") for n in ("01", "02")}
    venues = prefixed.entity_type.isin(["facility", "doctor"])  # venue and doctor ids carry the city, not the prefix
    renamed = plain.ring_id.str.replace(r":(\d+)$", f":{prefix}\\1", regex=True)
    assert (prefixed[venues].values == plain.assign(ring_id=renamed)[venues].values).all()
    claims = {name: pd.read_csv(tmp_path / name / "claims.csv", dtype=str) for name in ("plain", "prefixed")}
    assert claims["prefixed"].start_time.tolist() == claims["plain"].start_time.tolist()  # same world, other ids


def test_write_rejects_unknown_format(tmp_path):
    from graphfraud.synth.toy import tiny

    with pytest.raises(ParamError, match="'fmt' parameter of write_world"):
        write_world(*tiny(), tmp_path, fmt="xlsx")
    assert not any(tmp_path.iterdir())


def test_small_world_shrinks_rings_with_a_warning():
    with pytest.warns(UserWarning, match="eligible persons"):
        make_world(SynthParams(persons=200, days=30, plant=("checkup",), ring_size_scale=5))


def test_cli_synth(tmp_path):
    runner = CliRunner()
    out = tmp_path / "w"
    result = runner.invoke(
        main,
        [
            "synth",
            str(out),
            "--persons",
            "600",
            "--days",
            "40",
            "--seed",
            "3",
            "--plant",
            "card_collector,dialysis",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "planted card_collector: 1" in result.output and "planted dialysis: 1" in result.output
    assert (out / "labels.csv").exists() and (out / "claim_items.csv").exists()
    result = runner.invoke(
        main,
        ["synth", str(tmp_path / "p"), "--persons", "600", "--days", "40", "--format", "parquet", "--date-only", "-q"],
    )
    assert result.exit_code == 0 and (tmp_path / "p" / "claims.parquet").exists()
    bad = runner.invoke(main, ["synth", str(tmp_path / "x"), "--persons", "600", "--plant", "ufo"])
    assert bad.exit_code == 2 and "'plant' parameter" in bad.output
    help_text = runner.invoke(main, ["synth", "--help"]).output
    assert "Example:" in help_text and "graphfraud synth data/world" in help_text

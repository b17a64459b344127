"""graphfraud.analyses.institutions and ``peers --cases`` (issue 17): every institution ranked, verdicts learned."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.metrics import roc_auc_score

from graphfraud.cli import main
from graphfraud.errors import ParamError
from graphfraud.analyses.institutions import COLUMNS, rank_institutions
from graphfraud.io.cases import check_cases

SHARED = next(
    (
        p / "shared" / "data" / "kaggle-provider-fraud"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "data" / "kaggle-provider-fraud").is_dir()
    ),
    None,
)


@pytest.fixture(scope="module")
def planted(sample_dir):
    labels = pd.read_csv(sample_dir / "labels.csv", dtype=str)
    inst = labels[labels.entity_type.isin(["facility", "pharmacy"])]
    fraud = inst[~inst.ring_id.str.startswith("benign")]
    return set(fraud.entity_id), set(inst.entity_id) - set(fraud.entity_id)


@pytest.fixture(scope="module")
def ranking(sample_data):
    return rank_institutions(sample_data)


def test_a_world_without_peer_signals_ranks_without_pandas_warnings():
    # No venue stands out from its peers in the toy world: the empty signal column is float in pandas; filling
    # it with "" warned (Pandas4Warning: will raise in pandas 4).
    import warnings

    from graphfraud.synth import toy

    data, _ = toy.staged_clinic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = rank_institutions(data).table
    assert len(t) and (t["peer_signals"] == "").all()


def test_every_institution_with_a_claim_is_ranked(ranking, sample_data):
    t = ranking.table
    venues = sample_data.claims["facility_id"].fillna(sample_data.claims["pharmacy_id"]).dropna().unique()
    assert list(t.columns) == COLUMNS and set(t.entity_id) == set(venues)
    assert t["rank"].tolist() == list(range(1, len(t) + 1)) and t["score"].is_monotonic_decreasing
    assert t["score"].between(0, 100).all() and not t["learned"].any() and ranking.model is None
    assert t["reasons"].str.startswith("fund ").all()


def test_planted_venues_rank_high_without_cases(ranking, planted):
    fraud, _ = planted
    ranks = ranking.table.set_index("entity_id")["rank"]
    assert ranks.loc[sorted(fraud)].median() <= 0.25 * len(ranks)


def test_ring_membership_and_ties_to_confirmed_cases(sample_data, sample_out):
    members = pd.read_csv(sample_out / "ring_members.csv", dtype=str)
    venue = members[members.entity_type.isin(["facility", "pharmacy"])].iloc[0]
    claims = sample_data.claims
    at_venue = set(
        claims.loc[claims.facility_id.eq(venue.entity_id) | claims.pharmacy_id.eq(venue.entity_id), "patient_id"]
    )
    ring_persons = members[(members.entity_type == "person") & (members.ring_id == venue.ring_id)].entity_id
    person = sorted(set(ring_persons) & at_venue)[0]
    cases = check_cases(pd.DataFrame({"entity_type": ["person"], "entity_id": [person], "verdict": ["confirmed"]}))
    r = rank_institutions(sample_data, members=members, cases=cases).table.set_index("entity_id")
    assert r.loc[venue.entity_id, "rings"] >= 1 and r.loc[venue.entity_id, "tie_patients"] >= 1
    assert "detected ring" in r.loc[venue.entity_id, "reasons"]
    assert not r["learned"].any()  # a person verdict ties, but gives no institution verdict to learn from


def test_cases_teach_the_ranking(sample_data, ranking, planted):
    fraud, benign = planted
    others = sorted(set(ranking.table.entity_id) - fraud - benign)[:12]
    cases = check_cases(pd.DataFrame({
        "entity_type": list(ranking.table.set_index("entity_id").loc[sorted(fraud | benign) + others, "entity_type"]),
        "entity_id": sorted(fraud | benign) + others,
        "verdict": ["confirmed" if e in fraud else "dismissed" for e in sorted(fraud | benign) + others],
    }))  # fmt: skip
    r = rank_institutions(sample_data, cases=cases)
    assert r.model is not None and r.model.model_name_ in r.model.cv_auc_ and r.record["learned"]
    assert r.table["learned"].all() and r.table["reasons"].str.startswith("模型").all()
    scores = r.table.set_index("entity_id")["score"]
    assert scores.loc[sorted(fraud)].min() > scores.loc[sorted(benign)].max()


def test_too_few_verdicts_is_a_param_error(sample_data, planted):
    fraud, _ = planted
    cases = check_cases(
        pd.DataFrame({"entity_type": "facility", "entity_id": sorted(fraud)[:1], "verdict": "confirmed"})
    )
    some = cases.assign(
        entity_type=[
            rank_institutions(sample_data).table.set_index("entity_id").entity_type[e] for e in cases.entity_id
        ]
    )
    some = pd.concat([some, some.assign(verdict="dismissed", entity_id="nowhere")])
    with pytest.raises(ParamError, match="at least 3 confirmed"):
        rank_institutions(sample_data, cases=check_cases(some.iloc[:1]).assign(entity_id=sorted(fraud)[0]))


def test_cli_peers_cases(sample_dir, planted, tmp_path, ranking):
    fraud, benign = planted
    types = ranking.table.set_index("entity_id")["entity_type"]
    ids = sorted(fraud | benign) + sorted(set(types.index) - fraud - benign)[:10]
    pd.DataFrame(
        {
            "entity_type": types[ids].to_numpy(),
            "entity_id": ids,
            "verdict": ["confirmed" if e in fraud else "dismissed" for e in ids],
        }
    ).to_csv(tmp_path / "c.csv", index=False)
    out = tmp_path / "peers.csv"
    res = CliRunner().invoke(main, ["peers", str(sample_dir), "--cases", str(tmp_path / "c.csv"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "cross-validated ROC AUC" in res.stderr
    assert pd.read_csv(out)["learned"].all()
    bad = tmp_path / "bad.csv"
    bad.write_text("entity_type,entity_id,verdict\nfacility,F1,guilty\n")
    res = CliRunner().invoke(main, ["peers", str(sample_dir), "--cases", str(bad)])
    assert res.exit_code == 1 and "bad.csv" in res.output and "row 2" in res.output and "guilty" in res.output


@pytest.mark.skipif(SHARED is None, reason="../shared/data/kaggle-provider-fraud is not present")
def test_kaggle_slice_converts_and_ranks(tmp_path):
    from graphfraud.io.kaggle import kaggle_tables
    from graphfraud.io.read import read_claims_dir
    from graphfraud.io.write import write_csv

    tables = kaggle_tables(SHARED)
    cases = tables.pop("cases")
    keep = sorted(cases.entity_id)[:300]  # a slice: 300 labelled providers and their claims
    tables["claims"] = tables["claims"][tables["claims"].facility_id.isin(keep)]
    tables["facilities"] = tables["facilities"][tables["facilities"].facility_id.isin(keep)]
    doctors = tables["doctors"]
    doctors = doctors[doctors.doctor_id.isin(tables["claims"].doctor_id)]
    tables["doctors"] = doctors.assign(facility_id=doctors.facility_id.where(doctors.facility_id.isin(keep)))
    tables["persons"] = tables["persons"][tables["persons"].person_id.isin(tables["claims"].patient_id)]
    for name, frame in tables.items():
        write_csv(frame, tmp_path / f"{name}.csv")
    data = read_claims_dir(tmp_path)
    assert data.time_resolution == "day"
    cases = check_cases(cases[cases.entity_id.isin(keep)])
    y = cases.set_index("entity_id").verdict.eq("confirmed").astype(int)
    plain = rank_institutions(data).table.set_index("entity_id")
    assert set(plain.index) == set(data.claims.facility_id)
    assert roc_auc_score(y, plain.score.reindex(y.index)) > 0.8
    learned = rank_institutions(data, cases=cases)
    assert learned.model.cv_auc_[learned.model.model_name_] > 0.8
    assert np.isfinite(learned.table.score).all()


@pytest.mark.skipif(SHARED is None, reason="../shared/data/kaggle-provider-fraud is not present")
def test_cli_convert_writes_a_valid_claims_directory(tmp_path):
    out = tmp_path / "kaggle"
    res = CliRunner().invoke(main, ["convert", str(SHARED), "--from", "kaggle-provider", "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["validate", str(out), "-q"])
    assert res.exit_code == 0, res.output
    cases = pd.read_csv(out / "cases.csv")
    assert len(cases) == 1046 and cases.verdict.value_counts().to_dict() == {"dismissed": 826, "confirmed": 220}
    assert len(pd.read_csv(out / "facilities.csv")) == 2092


def test_birth_year_gives_the_patients_age(sample_data):
    # the contract's birth_year in place of birth_date: the mean patient age within a year of the dated one
    import dataclasses

    from graphfraud.analyses.institutions import institution_features

    dated = institution_features(sample_data)["patient_age"]
    persons = sample_data.persons.assign(
        birth_date=pd.NaT, birth_year=sample_data.persons["birth_date"].dt.year.astype("Int64")
    )
    yearly = institution_features(dataclasses.replace(sample_data, persons=persons))["patient_age"]
    assert yearly.notna().sum() == dated.notna().sum() > 0
    assert np.allclose(yearly, dated, atol=1.0, equal_nan=True)

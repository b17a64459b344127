"""graphfraud rings / show and graphfraud.outputs.views (issue 7)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.errors import ContractError, ParamError
from graphfraud.io.read import read_claims_dir
from graphfraud.outputs.views import busiest_days, format_detail, format_rings, read_output, ring_detail, rings_view


def test_read_output_types_and_order(sample_out):
    out = read_output(sample_out)
    assert list(out.rings["rank"]) == sorted(out.rings["rank"])
    assert out.rings["fund_amount"].dtype == float
    assert set(out.members["ring_id"]) == set(out.rings["ring_id"])
    assert not out.ring_claims.empty and "inputs" in out.record


def test_read_output_accepts_chinese_headers(sample_out, tmp_path):
    from graphfraud.contract import MEMBERS_COLUMNS, RINGS_COLUMNS

    for name, cols in (("rings.csv", RINGS_COLUMNS), ("ring_members.csv", MEMBERS_COLUMNS)):
        frame = pd.read_csv(sample_out / name, dtype=str)
        frame.rename(columns=dict(cols)).to_csv(tmp_path / name, index=False)
    assert read_output(tmp_path).rings["ring_id"].tolist() == read_output(sample_out).rings["ring_id"].tolist()


def test_read_output_missing_file_names_it(tmp_path):
    with pytest.raises(ContractError, match="rings.csv.*detect run"):
        read_output(tmp_path)


def test_rings_view_filters_and_checks_params(sample_out):
    out = read_output(sample_out)
    view = rings_view(out, top=2)
    assert list(view["rank"]) == [1, 2]
    assert list(view.columns) == [
        "rank",
        "ring_id",
        "alert",
        "typology",
        "score",
        "members",
        "claims",
        "fund_amount",
        "reason",
        "since_last_run",
    ]
    assert all(";" not in r for r in view["reason"])
    assert (view["since_last_run"] == "").all()  # no detect --previous: nothing to say
    red = rings_view(out, alert="red")
    assert set(red["alert"]) <= {"red"}
    with pytest.raises(ParamError, match="'top' parameter of rings_view"):
        rings_view(out, top=0)
    with pytest.raises(ParamError, match="'alert' parameter"):
        rings_view(out, alert="purple")


def test_format_rings_fits_width_and_colours(sample_out):
    view = rings_view(read_output(sample_out))
    lines = format_rings(view, width=100, colour=lambda text, alert: f"<{alert}>{text}</>")
    assert len(lines) == len(view) + 1
    assert all(
        len(line.replace("<red>", "").replace("<orange>", "").replace("<yellow>", "").replace("</>", "")) <= 100
        for line in lines
    )
    assert "<red>" in lines[1]


def test_busiest_days_counts_claims_per_day():
    claims = pd.DataFrame(
        {
            "claim_id": ["a", "b", "c", "d"],
            "patient_id": ["p1", "p2", "p1", "p3"],
            "facility_id": ["H1", "H1", "H1", None],
            "pharmacy_id": [None, None, None, "P1"],
            "start_time": pd.to_datetime(
                ["2024-01-02 09:00", "2024-01-02 09:03", "2024-01-05 10:00", "2024-01-02 11:00"]
            ),
            "fund_amount": [10.0, 20.0, 5.0, 1.0],
        }
    )
    days = busiest_days(pd.Series(["a", "b", "c"]), claims)
    assert days.iloc[0].to_dict() == {
        "day": "2024-01-02",
        "claims": 2,
        "persons": 2,
        "fund_amount": 30.0,
        "first": "09:00",
        "last": "09:03",
        "venues": "H1",
    }
    assert len(days) == 2
    assert busiest_days(pd.Series(["zz"]), claims).empty


def test_ring_detail_orders_roles(sample_out, sample_data):
    out = read_output(sample_out)
    ring_id = out.rings.loc[out.rings["typology"] == "staged_clinic", "ring_id"].iloc[0]
    d = ring_detail(out, ring_id, claims=sample_data.claims)
    roles = list(dict.fromkeys(d.members["role"]))
    assert roles.index("venue") < roles.index("recruit")
    assert len(d.reasons) >= 3 and d.busiest_days is not None and d.busiest_days["claims"].iloc[0] >= 5
    with pytest.raises(ContractError, match="no ring 'R_NOPE'"):
        ring_detail(out, "R_NOPE")


# ---------------------------------------------------------------- CLI


def test_cli_rings_table_and_json(sample_out):
    runner = CliRunner()
    res = runner.invoke(main, ["rings", str(sample_out), "--top", "3"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].startswith("排名") and len(lines) <= 4  # Chinese by default (issue 16)
    assert "红色" in lines[1] and not re.search(r"[a-z]{4,}", lines[1].split("  ")[-1])
    res = runner.invoke(main, ["rings", str(sample_out), "--top", "3"], env={"GRAPHFRAUD_LANG": "en"})
    assert res.stdout.startswith("rank")
    res = runner.invoke(main, ["rings", str(sample_out), "--alert", "red", "--json"])
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert rows and all(r["alert"] == "red" for r in rows)


def test_cli_rings_usage_errors(sample_out, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["rings", str(sample_out), "--alert", "blue"]).exit_code == 2
    assert runner.invoke(main, ["rings", str(sample_out), "--top", "0"]).exit_code == 2
    res = runner.invoke(main, ["rings", str(tmp_path)])
    assert res.exit_code == 1 and "rings.csv" in res.output and "Traceback" not in res.output


def test_cli_show_with_data(sample_out, sample_dir):
    ring_id = read_output(sample_out).rings["ring_id"].iloc[0]
    res = CliRunner().invoke(main, ["show", str(sample_out), ring_id, "--data", str(sample_dir), "--quiet",
                                    "--lang", "en"])  # fmt: skip
    assert res.exit_code == 0, res.output
    for heading in ("Reasons:", "Members by role:", "Busiest days:"):
        assert heading in res.stdout
    res = CliRunner().invoke(main, ["show", str(sample_out), ring_id, "--data", str(sample_dir), "--quiet"])
    for heading in ("疑点：", "成员（按角色）：", "结算最多的日子："):
        assert heading in res.stdout
    res = CliRunner().invoke(main, ["show", str(sample_out), ring_id, "--data", str(sample_dir), "--json", "-q"])
    detail = json.loads(res.stdout)
    assert detail["ring"]["ring_id"] == ring_id and detail["busiest_days"]
    assert list(detail["reasons"][0]) == ["code", "value", "threshold", "points", "text"]  # not ring_reasons.csv's args


def test_cli_show_without_data_hints_and_unknown_ring(sample_out):
    ring_id = read_output(sample_out).rings["ring_id"].iloc[0]
    res = CliRunner().invoke(main, ["show", str(sample_out), ring_id])
    assert res.exit_code == 0 and "结算最多的日子" not in res.stdout and "--data" in res.stderr
    res = CliRunner().invoke(main, ["show", str(sample_out), "R_NOPE"])
    assert res.exit_code == 1 and "no ring 'R_NOPE'" in res.output


@pytest.mark.parametrize("command", ["rings", "show"])
def test_help_ends_with_example(command):
    res = CliRunner().invoke(main, [command, "--help"])
    assert res.exit_code == 0 and "Example:" in res.output


def test_show_person_count_agrees_with_the_reasons(sample_out, sample_dir):
    # issue 16: show said "20 persons" where the first group reason said "19 of 19 persons": the
    # card collector's organizer has no ring claims of their own; the numbers now say so
    out = read_output(sample_out)
    ring = out.rings[out.rings["typology"] == "card_collector"].iloc[0]
    data = read_claims_dir(sample_dir)
    for lang, said in (
        ("en", "19 in the group the reasons count; 1 outside it"),
        ("zh", "其中 19 人为疑点所计的群体；另 1 人"),
    ):
        detail = ring_detail(out, ring["ring_id"], claims=data.claims, lang=lang)
        assert int(ring["persons"]) == 20 and detail.counted == 19
        lines = format_detail(detail)
        assert said in lines[1]
        organizer = [ln for ln in lines if ln.strip().startswith(("organizer", "组织者"))]
        assert organizer and ("no ring claims" in organizer[0] or "无团伙结算" in organizer[0])
    assert len(detail.without_claims) == 1
    persons = out.members[(out.members["ring_id"] == ring["ring_id"]) & (out.members["entity_type"] == "person")]
    assert len(persons) == int(ring["persons"]) == detail.counted + len(detail.without_claims)
    # a ring whose members all have claims says nothing extra
    other = out.rings[out.rings["typology"] == "induced_admission"].iloc[0]
    detail = ring_detail(out, other["ring_id"], claims=data.claims)
    assert "outside it" not in format_detail(detail)[1]

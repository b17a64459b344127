"""Scoring rules are data (issue 19): each rule's threshold is where its points start, the rules are
parameters recorded in run.json, the sentences say the thresholds, and docs/scoring.md is generated."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from graphfraud import pipeline
from graphfraud.errors import ParamError
from graphfraud.params import SCORE_RULES, RunParams, ScoreParams, ScoreRule, SignalParams, from_json, to_json
from graphfraud.score.reasons import TEMPLATES, fields
from graphfraud.score.rules import MEASURES, check_rules, markdown, rule_points
from graphfraud.score.wording import SENTENCES, say
from graphfraud.synth import toy

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("rule", SCORE_RULES, ids=lambda r: f"{r.code}-{r.feature}")
def test_points_start_at_the_reported_threshold_and_stop_at_the_cap(rule: ScoreRule) -> None:
    step = (rule.full - rule.start) * 1e-3  # towards full
    assert rule_points(rule, rule.start) == 0.0
    assert rule_points(rule, rule.start - step) == 0.0  # the other side of start gives nothing either
    assert 0 < rule_points(rule, rule.start + step) < rule.points
    assert rule_points(rule, rule.full) == pytest.approx(rule.points)
    assert rule_points(rule, rule.full + (rule.full - rule.start)) == pytest.approx(rule.points)  # the cap
    assert rule.feature in MEASURES


def test_every_sentence_of_a_rule_says_the_thresholds_of_its_rules() -> None:
    for code in {r.code for r in SCORE_RULES}:
        for lang_sentences in (TEMPLATES[code], SENTENCES[code]):
            for sentence in lang_sentences:
                said = {n for n in fields(sentence) if n.endswith("_from")}
                assert said == {f"{r.feature}_from" for r in SCORE_RULES if r.code == code}, (code, sentence)


def _reasons(params: RunParams, world=toy.card_burst) -> dict:
    data, _ = world()
    (ring,) = pipeline.run(data, params).rings
    return {r.code: r for r in ring.reasons}


def test_a_ring_reports_each_reason_with_the_rule_s_start_as_threshold() -> None:
    by_code = {r.code: r for r in SCORE_RULES}
    reasons = _reasons(RunParams())
    assert reasons  # the toy card collector is found with its reasons
    for code, reason in reasons.items():
        assert reason.threshold == by_code[code].start
        assert reason.args[f"{by_code[code].feature}_from"] == by_code[code].start


def test_changed_rules_change_the_points_the_threshold_and_the_sentence() -> None:
    rules = tuple(dataclasses.replace(r, start=0.3, points=7.0) if r.code == "off_hours" else r
                  for r in SCORE_RULES if r.code != "dominance")  # fmt: skip
    reasons = _reasons(RunParams(score=ScoreParams(rules=rules)))
    assert "dominance" not in reasons  # a rule dropped: its reason is gone
    off = reasons["off_hours"]
    assert (off.threshold, off.points) == (0.3, 7.0)  # all off-hours claims (share 1.0) earn the full 7 points
    assert off.text.endswith("(scored above 30%)")
    assert say(off.code, off.args, "zh").endswith("（超过 30% 起计分）")


def test_the_high_value_reason_says_the_price_of_the_run() -> None:
    reasons = _reasons(RunParams(signals=SignalParams(high_value_price=150.0)))
    assert "items priced >= 150 yuan" in reasons["high_value"].text
    assert "单价不低于 150 元" in say("high_value", reasons["high_value"].args, "zh")


def test_rules_round_trip_through_run_json_and_a_params_file() -> None:
    text = to_json(RunParams())
    recorded = json.loads(text)["score"]["rules"]
    assert recorded[0] == {"code": "steering", "feature": "lift", "start": 2.0, "full": 10.0, "points": 35.0,
                           "scale": "log", "headline": True}  # fmt: skip
    assert from_json(RunParams, text) == RunParams()
    cost = next(i for i, r in enumerate(recorded) if r["code"] == "cost_ratio")
    recorded[cost]["points"] = 30.0
    changed = from_json(RunParams, json.dumps({"score": {"rules": recorded}}))
    assert changed.score.rules[cost] == ScoreRule("cost_ratio", "cost_ratio", 1.3, 3.0, 30.0)


def test_bad_rules_are_refused_with_the_rule_named() -> None:
    with pytest.raises(ParamError, match=r"Rule 2 of ScoreParams.rules must be an object with code, feature"):
        ScoreParams(rules=[SCORE_RULES[0], {"code": "money", "feature": "stake"}])
    with pytest.raises(ParamError, match=r"'full' parameter of ScoreRule 'money' must be a float other than start"):
        ScoreRule("money", "stake", 5.0, 5.0, 10.0)
    with pytest.raises(ParamError, match=r"'feature' parameter of ScoreRule 'steering' must be given for each of"):
        check_rules([r for r in SCORE_RULES if r.feature != "steering_z"])
    with pytest.raises(ParamError, match=r"'code' parameter of ScoreRule 'gossip'"):
        check_rules([ScoreRule("gossip", "stake", 1.0, 2.0, 1.0)])


def test_docs_scoring_md_is_generated_from_the_rules() -> None:
    assert (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8") == markdown(), (
        "docs/scoring.md is stale: python -m graphfraud.score.rules --markdown > docs/scoring.md"
    )


def test_lockstep_counts_the_days_the_group_met_at_its_other_venues() -> None:
    """Step 61: 2 of 13 members were at the main venue on 4 of its days, 7 when the days the group met at its
    second venue count; the reason scores the 7 and says so, in both languages.  Without more regulars there,
    the sentence is the main venue's."""
    from graphfraud.score.features import Features
    from graphfraud.score.rules import suspicion_reasons

    base = {name: 0 for name in Features.__dataclass_fields__ if Features.__dataclass_fields__[name].default is
            dataclasses.MISSING}  # fmt: skip
    f = Features(
        **(
            base
            | {"persons": 13, "regulars": 2, "event_days": 4, "venue": 0, "top_diagnosis": "", "private_venue": True}
        ),  # fmt: skip
        group_regulars=7,
        group_days=6,
        group_venues=2,
    )
    names = {"venue": "C0"}
    (lockstep,) = [r for r in suspicion_reasons(f, names, typology="staged_clinic", evidence={})
                   if r.code == "lockstep"]  # fmt: skip
    assert lockstep.value == round(7 / 13, 4) and lockstep.args["others"] == 1 and lockstep.args["days"] == 6
    assert "another of the group's venues (1 more), on >= 4 of the same 6 days" in lockstep.text
    assert "另 1 家" in say("lockstep", lockstep.args, "zh")
    alone = dataclasses.replace(f, group_regulars=2)
    assert not [r for r in suspicion_reasons(alone, names, typology="staged_clinic", evidence={})
                if r.code == "lockstep"]  # fmt: skip
    same = dataclasses.replace(f, regulars=7)
    (lockstep,) = [r for r in suspicion_reasons(same, names, typology="staged_clinic", evidence={})
                   if r.code == "lockstep"]  # fmt: skip
    assert "others" not in lockstep.args and lockstep.args["days"] == 4


def test_a_collectors_shops_turned_kickback_keep_one_card_load_sentence() -> None:
    """A collector's linked shops (step 95) carry institutions and shared cards; when their cards turn out to follow
    a doctor's visits (score.rings.prescribed_apart) the reason is the kickback's: the sentence with the
    prescriptions, not a mix that no template has (otherworld 39 stopped on it)."""
    from types import SimpleNamespace

    from graphfraud.score.reasons import template
    from graphfraud.score.rules import _args

    e = {"flagged": 12, "cards": 400, "min_claims": 3, "ratio": 3.0, "times": 5, "card_ratio": 6.0,
         "peer_rate": 0.01, "share": 0.4, "institutions": 3, "shared": 12}  # fmt: skip
    f = SimpleNamespace(persons=12)
    for extra in ({}, {"prescribed": 12, "filled": 0.9, "follow_days": 3, "alike": 0, "min_price": 90.0}):
        args = _args("card_load", f, {"venue": "P1"}, e | extra, SignalParams())  # type: ignore[arg-type]
        args["card_load_from"] = 3.0
        assert template("card_load", args)
        assert ("institutions" in args) == (not extra)

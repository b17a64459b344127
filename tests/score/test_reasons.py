"""Reasons are structured: the English text is rendered from the reason's values by one template per code."""

from __future__ import annotations

import json

import numpy as np
import pytest

from graphfraud.score.reasons import TEMPLATES, Reason, args_json, fields, printed, template


def test_the_text_is_the_template_filled_from_args() -> None:
    r = Reason(
        "cost_ratio",
        {"ratio": 7.583321, "ring": 1425.8867, "peers": 188.0293, "cost_ratio_from": 1.3},
        7.5833,
        1.3,
        25.0,
    )
    assert r.text == (
        "fund per claim 7.6x that of other claims with the same visit type and diagnosis (1425.89 vs "
        "188.03 yuan, scored above 1.3x)"
    )
    assert printed(r.code, r.args) == {"ratio": "7.6", "ring": "1425.89", "peers": "188.03", "cost_ratio_from": "1.3"}


def test_args_are_put_in_sentence_order_as_plain_python_values() -> None:
    r = Reason("shared_phone", {"phone": "T1", "phone_hub_persons_from": 3.0, "addresses": np.int64(18),
                                "persons": np.int32(18)}, 18, 3, 15.0)  # fmt: skip
    assert list(r.args) == ["persons", "addresses", "phone", "phone_hub_persons_from"]
    assert args_json(r.args) == '{"persons":18,"addresses":18,"phone":"T1","phone_hub_persons_from":3.0}'
    # the JSON of ring_reasons.csv gives back the same sentence
    assert Reason(r.code, json.loads(args_json(r.args)), 18, 3, 15.0).text == r.text


def test_co_admission_picks_its_sentence_by_the_values_given() -> None:
    group = {"persons": 25, "venue": "H1", "days": 17, "event_days_from": 1.0}
    with_regulars = Reason("co_admission", {"regulars": 25, **group}, 17, 1, 30.0)
    without = Reason("co_admission", {**group, "persons": 9, "days": 3}, 3, 1, 20.0)
    assert with_regulars.text == (
        "25 of 25 persons admitted to H1 together on >= 4 of 17 group admission days (scored above 1)"
    )
    assert without.text == "9 persons admitted to H1 in groups on 3 days (scored above 1)"


def test_a_reason_whose_values_fit_no_template_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"reason 'money' takes the values \(stake, claims, fund, stake_from\); got \(fund\)"
    ):
        Reason("money", {"fund": 1.0}, 1.0, 10_000, 0.0)
    with pytest.raises(ValueError, match="unknown code"):
        Reason("no_such_code", {}, 0.0, 0.0, 0.0)


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_template_renders_and_its_variants_have_distinct_fields(code: str) -> None:
    variants = TEMPLATES[code]
    assert len({frozenset(fields(t)) for t in variants}) == len(variants)
    for t in variants:
        args = {name: 1 for name in fields(t)}
        assert template(code, args) == t
        assert "{" not in t.format(**args)

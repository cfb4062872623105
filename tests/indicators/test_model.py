"""Indicator model: where items, measures, shapes and units (CONTRACTS.md catalogue format)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from pydantic import ValidationError

from yigai.indicators.model import Condition, Indicator, Measure, Unit

BASE = {
    "id": "x_rate",
    "name_zh": "某率",
    "name_en": "Some rate",
    "direction": "higher",
    "definition_zh": "定义",
    "definition_en": "definition",
    "source": "测试",
    "working_definition": True,
}
SIDE = {"records": "encounters", "measure": "count"}


def test_equality_where_item() -> None:
    assert Condition.parse({"in_county": True}) == Condition(
        column="in_county", op="eq", value=True
    )


def test_operator_where_item() -> None:
    cond = Condition.parse({"booking": {"in": ["appointment", "referral"]}})
    assert (cond.op, cond.value) == ("in", ["appointment", "referral"])


def test_unknown_operator_is_rejected() -> None:
    with pytest.raises(ValueError, match="operator must be one of"):
        Condition.parse({"age": {"between": [1, 2]}})


def test_in_needs_a_list() -> None:
    with pytest.raises(ValueError, match="needs a list"):
        Condition.parse({"booking": {"in": "referral"}})


def test_measures() -> None:
    assert Measure.parse("count") == Measure(kind="count")
    assert Measure.parse({"sum": "drug_fen"}) == Measure(kind="sum", column="drug_fen")
    assert Measure.parse({"count_distinct": "person_id"}).kind == "count_distinct"
    with pytest.raises(ValueError, match="measure must be"):
        Measure.parse({"avg": "drug_fen"})


def test_ratio_indicator_needs_both_sides_and_attribution() -> None:
    with pytest.raises(ValidationError, match="needs attribution, numerator and denominator"):
        Indicator.model_validate({**BASE, "numerator": SIDE})


def test_growth_indicator_takes_only_of() -> None:
    with pytest.raises(ValidationError, match="a growth indicator takes `of`"):
        Indicator.model_validate({**BASE, "kind": "growth", "of": "y", "attribution": "resident"})


def test_unknown_key_is_rejected() -> None:
    with pytest.raises(ValidationError, match="formula"):
        Indicator.model_validate(
            {**BASE, "attribution": "resident", "numerator": SIDE, "denominator": SIDE,
             "formula": "a/b"}
        )  # fmt: skip


def test_units_scale_and_default_decimals() -> None:
    ind = Indicator.model_validate(
        {**BASE, "unit": "yuan", "attribution": "institution", "numerator": SIDE,
         "denominator": SIDE}
    )  # fmt: skip
    assert (ind.scale, ind.places) == (Fraction(1, 100), 2)
    per_10000 = ind.model_copy(update={"unit": Unit.PER_10000, "decimals": 1})
    assert (per_10000.scale, per_10000.places) == (Fraction(10000), 1)


def _ratio(**extra: object) -> dict:
    return {**BASE, "attribution": "resident", "numerator": SIDE, "denominator": SIDE, **extra}


def test_reported_indicator_has_no_formula() -> None:
    ind = Indicator.model_validate({**BASE, "kind": "reported"})
    assert ind.numerator is None and ind.kind == "reported"


def test_reported_indicator_rejects_a_formula() -> None:
    with pytest.raises(ValidationError, match="no formula"):
        Indicator.model_validate({**BASE, "kind": "reported", "numerator": SIDE})


def test_side_may_override_attribution() -> None:
    ind = Indicator.model_validate(
        _ratio(numerator={**SIDE, "records": "staff", "attribution": "institution"})
    )
    assert ind.numerator is not None and ind.numerator.attribution == "institution"


def test_having_parses_count_condition() -> None:
    side = {
        "records": "followups",
        "measure": {"count_distinct": "case_id"},
        "per": "case_id",
        "having": {"count": {"ge": 4}},
    }
    ind = Indicator.model_validate(_ratio(numerator=side))
    assert ind.numerator is not None and ind.numerator.having is not None
    assert (ind.numerator.having.op, ind.numerator.having.value) == ("ge", 4)


def test_having_needs_per() -> None:
    side = {"records": "followups", "measure": "count", "having": {"count": {"ge": 4}}}
    with pytest.raises(ValidationError, match="need `per`"):
        Indicator.model_validate(_ratio(numerator=side))


def test_per_needs_count_distinct() -> None:
    side = {"records": "followups", "measure": "count", "per": "case_id", "latest": "followup_date"}
    with pytest.raises(ValidationError, match="count_distinct"):
        Indicator.model_validate(_ratio(numerator=side))


def test_then_needs_latest() -> None:
    side = {**SIDE, "then": [{"in_county": True}]}
    with pytest.raises(ValidationError, match="then needs latest"):
        Indicator.model_validate(_ratio(numerator=side))


def test_count_indicator_may_omit_denominator() -> None:
    ind = Indicator.model_validate(
        {**BASE, "unit": "count", "attribution": "institution", "numerator": SIDE}
    )
    assert ind.denominator is None


def test_percent_indicator_needs_denominator() -> None:
    with pytest.raises(ValidationError, match="needs attribution, numerator and denominator"):
        Indicator.model_validate({**BASE, "attribution": "institution", "numerator": SIDE})


def test_grains_restrict_to_listed_grains() -> None:
    assert Indicator.model_validate(_ratio(grains=["year"])).grains == ("year",)
    with pytest.raises(ValidationError):
        Indicator.model_validate(_ratio(grains=["week"]))


def test_condition_may_compare_with_a_dated_parameter() -> None:
    cond = Condition.parse({"sbp": {"lt": {"param": "hypertension_sbp_controlled_below"}}})
    assert (cond.op, cond.param, cond.value) == ("lt", "hypertension_sbp_controlled_below", None)


def test_parameter_comparison_needs_an_ordering_operator() -> None:
    with pytest.raises(ValueError, match="parameter comparison"):
        Condition.parse({"sbp": {"in": {"param": "x"}}})

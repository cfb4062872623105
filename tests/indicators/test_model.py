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

"""填报口径 derived from catalogue entries (docs/CONTRACTS.md: yuan numerators are fen)."""

from __future__ import annotations

from yigai.aggregates import IndicatorSpec
from yigai.aggregates.spec import specs
from yigai.indicators.model import Indicator, Unit

COMMON = {
    "direction": "lower",
    "definition_zh": "d",
    "definition_en": "d",
    "source": "s",
    "working_definition": True,
}


def _ratio(id_: str, unit: str, num: object, den: object) -> Indicator:
    return Indicator(
        id=id_,
        name_zh="n",
        name_en="n",
        unit=unit,
        attribution="institution",
        numerator={"records": "encounters", "measure": num},
        denominator={"records": "encounters", "measure": den},
        **COMMON,
    )


def test_drug_share_sums_money_on_both_sides() -> None:
    """药占比 = drug revenue ÷ medical revenue, both sums of fen columns."""
    spec = IndicatorSpec.from_indicator(
        _ratio("drug_share", "percent", {"sum": "cost_drug_western_fen"}, {"sum": "cost_total_fen"})
    )
    assert (spec.money_numerator, spec.denominator_money, spec.is_rate) == (True, True, True)


def test_cost_per_visit_has_a_money_numerator_and_a_count_denominator() -> None:
    spec = IndicatorSpec.from_indicator(_ratio("cost", "yuan", {"sum": "cost_total_fen"}, "count"))
    assert (spec.money_numerator, spec.denominator_money, spec.is_rate) == (True, False, False)
    assert spec.value_of(1234567, 300) == "41.15"


def test_growth_is_reported_as_a_signed_direct_value() -> None:
    growth = Indicator(id="cost_yoy", name_zh="n", name_en="n", kind="growth", of="cost", **COMMON)
    spec = IndicatorSpec.from_indicator(growth)
    assert (spec.direct, spec.signed, spec.unit) == (True, True, Unit.PERCENT)


def test_plain_ids_are_counts_without_rate_check() -> None:
    spec = specs(["visits"])["visits"]
    assert (spec.unit, spec.is_rate, spec.money_numerator) == (Unit.COUNT, False, False)


def test_zero_denominator_has_no_value() -> None:
    assert IndicatorSpec("r", Unit.PERCENT).value_of(0, 0) is None

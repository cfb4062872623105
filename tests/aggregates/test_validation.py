"""Pure validation rules (no database): money conversion and rate invariants."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from yigai.aggregates.reading import RawRow, cell_text
from yigai.aggregates.spec import IndicatorSpec
from yigai.aggregates.validation import validate
from yigai.indicators.model import Unit

COST = IndicatorSpec("cost", Unit.YUAN)
RATE = IndicatorSpec("rate", Unit.PERCENT)


def _row(indicator: str, numerator: str, denominator: str, unit: str | None = None) -> RawRow:
    cells = {
        "indicator_id": indicator,
        "org_id": "c",
        "period_id": "202503",
        "numerator": numerator,
        "denominator": denominator,
        "value": None,
        "money_unit": unit,
    }
    return RawRow(2, cells)


@given(st.integers(min_value=0, max_value=10**15))
def test_yuan_text_with_two_decimals_becomes_exact_fen(fen: int) -> None:
    """Invariant: any amount written in yuan with ≤ 2 decimals is stored as exactly its fen."""
    yuan = str(Decimal(fen) / 100)
    passed, rejections, _ = validate("f.csv", [_row("cost", yuan, "1")], {"cost": COST}, {"c"})
    assert not rejections and passed[0].numerator == fen


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_rate_is_rejected_exactly_when_numerator_exceeds_denominator(n: int, d: int) -> None:
    passed, rejections, _ = validate("f.csv", [_row("rate", str(n), str(d))], {"rate": RATE}, {"c"})
    assert bool(rejections) is (n > d)
    if passed and d:
        assert Decimal(0) <= Decimal(passed[0].value) <= Decimal(100)


def test_count_with_decimals_is_rejected() -> None:
    _, rejections, _ = validate("f.csv", [_row("rate", "1.5", "3")], {"rate": RATE}, {"c"})
    assert "应为整数" in rejections[0].zh and "integer" in rejections[0].en


def test_text_that_is_not_a_number_is_rejected() -> None:
    _, rejections, _ = validate("f.csv", [_row("rate", "九百", "1000")], {"rate": RATE}, {"c"})
    assert rejections[0].value == "九百" and "不是数字" in rejections[0].zh


def test_unknown_money_unit_is_rejected() -> None:
    _, rejections, _ = validate("f.csv", [_row("cost", "1", "1", "dollars")], {"cost": COST}, {"c"})
    assert "money unit" in rejections[0].en


def test_xlsx_doubles_are_read_back_as_the_decimal_typed() -> None:
    assert (cell_text(0.1), cell_text(5.0), cell_text(12345.67)) == ("0.1", "5", "12345.67")

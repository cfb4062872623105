"""Reporting periods (统计周期): ids, bounds, 上期 and 去年同期."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yigai.periods import (
    Grain,
    Period,
    PeriodError,
    parse,
    periods_of_year,
)


@pytest.mark.parametrize(
    ("text", "start", "end", "grain"),
    [
        ("202503", dt.date(2025, 3, 1), dt.date(2025, 3, 31), Grain.MONTH),
        ("2024Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31), Grain.QUARTER),
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), Grain.YEAR),
    ],
)
def test_period_ids_parse_to_their_first_and_last_day(
    text: str, start: dt.date, end: dt.date, grain: Grain
) -> None:
    p = parse(text)
    assert (p.start, p.end, p.grain, p.id) == (start, end, grain, text)


def test_february_of_a_leap_year_ends_on_the_29th() -> None:
    assert parse("202402").end == dt.date(2024, 2, 29)
    assert parse("202502").end == dt.date(2025, 2, 28)


def test_lower_case_quarter_is_accepted() -> None:
    assert parse("2025q3").id == "2025Q3"


@pytest.mark.parametrize("bad", ["202513", "2025Q5", "25", "2025-03", ""])
def test_malformed_period_is_rejected_in_both_languages(bad: str) -> None:
    with pytest.raises(PeriodError, match=r"统计周期格式错误.*invalid period"):
        parse(bad)


def test_previous_period_crosses_the_year_boundary() -> None:
    assert parse("202501").previous().id == "202412"
    assert parse("2025Q1").previous().id == "2024Q4"
    assert parse("2025").previous().id == "2024"


def test_same_period_last_year_keeps_the_grain() -> None:
    assert [parse(x).same_period_last_year().id for x in ("202503", "2025Q2", "2025")] == [
        "202403",
        "2024Q2",
        "2024",
    ]


def test_a_quarter_covers_three_month_keys() -> None:
    assert parse("2025Q4").month_keys() == [202510, 202511, 202512]


def test_a_year_has_twelve_months_four_quarters_and_itself() -> None:
    ids = [p.id for p in periods_of_year(2025)]
    assert len(ids) == 17 and ids[0] == "202501" and ids[12] == "2025Q1" and ids[-1] == "2025"


def test_chinese_labels_read_as_reform_offices_write_them() -> None:
    assert [parse(x).label_zh for x in ("202503", "2025Q1", "2025")] == [
        "2025年3月",
        "2025年第1季度",
        "2025年",
    ]


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_day_lies_in_its_month_quarter_and_year(day: dt.date) -> None:
    month = Period.month(day.year, day.month)
    quarter = Period.quarter(day.year, (day.month + 2) // 3)
    year = Period.year(day.year)
    assert all(p.contains(day) for p in (month, quarter, year))
    assert month.month_keys()[0] in quarter.month_keys()

"""Age from the birth year-month only (docs/indicators.md “年龄”): the birthday is counted on
the last day of the birth month, so an age is exact at every month end (every period end)
and never overstated on other days."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from yigai.indicators.views import _age_at

D = dt.date


@pytest.mark.parametrize(
    ("birth_ym", "day", "age"),
    [
        (D(1960, 3, 1), D(2025, 2, 28), 64),  # month before the birth month
        (D(1960, 3, 1), D(2025, 3, 30), 64),  # birth month, not yet its last day
        (D(1960, 3, 1), D(2025, 3, 31), 65),  # last day of the birth month: birthday
        (D(1960, 3, 1), D(2025, 4, 1), 65),
        (D(1960, 2, 1), D(2024, 2, 28), 63),  # leap year: 28 February is not the month end
        (D(1960, 2, 1), D(2024, 2, 29), 64),
        (D(1960, 2, 1), D(2025, 2, 28), 65),
        (D(1960, 12, 1), D(2025, 12, 31), 65),  # year end
    ],
)
def test_birthday_is_the_last_day_of_the_birth_month(birth_ym: D, day: D, age: int) -> None:
    t = ibis.memtable({"birth_ym": [birth_ym], "day": [day]})
    expr = t.select(age=_age_at(t.birth_ym, t.day))
    con = ibis.duckdb.connect()
    assert con.execute(expr)["age"].tolist() == [age]

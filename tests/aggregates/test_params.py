"""Dated parameters: strict loading, errors naming file and key, value in force by date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from yigai.aggregates.params import ParameterError, parameter, parse_parameter

GOOD = """\
description: d
metadata: {reference: r, unit: ratio}
values:
  2020-01-01: {value: 0.5, reference: a}
  2024-07-01: {value: 0.3, reference: b}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "jump.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_jump_threshold_is_half() -> None:
    """Issue "Reform monitoring" item 4: flag month-on-month jumps beyond ±50%."""
    assert parameter("month_on_month_jump").at(dt.date(2025, 3, 1)) == Decimal("0.5")


def test_value_in_force_changes_on_its_date(tmp_path: Path) -> None:
    p = parse_parameter(_write(tmp_path, GOOD))
    assert p.at(dt.date(2024, 6, 30)) == Decimal("0.5")
    assert p.at(dt.date(2024, 7, 1)) == Decimal("0.3")


def test_no_value_before_the_first_date(tmp_path: Path) -> None:
    with pytest.raises(LookupError, match="尚未生效"):
        parse_parameter(_write(tmp_path, GOOD)).at(dt.date(2019, 12, 31))


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        (GOOD.replace("2024-07-01", "2020-01-01"), "(file)", "duplicate key"),
        (GOOD.replace("2024-07-01", "July"), "values.July", "ISO date"),
        (GOOD.replace("2024-07-01", "2024-13-01"), "values.2024-13-01", "ISO date"),
        (GOOD.replace(", reference: b", ""), "values.2024-07-01", "missing keys"),
        (GOOD + "extra: 1\n", "(top)", "unknown keys"),
        (GOOD.replace("0.3", "lots"), "values.2024-07-01.value", "must be a number"),
        (GOOD.replace("reference: b", "reference: ''"), "values.2024-07-01.reference", "reference"),
    ],
)
def test_broken_files_name_file_and_key(tmp_path: Path, text: str, key: str, reason: str) -> None:
    with pytest.raises(ParameterError) as err:
        parse_parameter(_write(tmp_path, text))
    assert err.value.key == key and "jump.yaml" in str(err.value) and reason in str(err.value)

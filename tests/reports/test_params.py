"""Dated report parameters: strict loading, one broken file per rule, each error naming the
file and the key (pattern: openfisca-core tests/core/parameter_validation)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from yigai.reports import params

GOOD = """\
description: 测试参数
metadata:
  reference: test
  unit: share
values:
  2020-01-01:
    value: 0.05
    reference: first
  2024-07-01:
    value: 0.10
    reference: second
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "status" / "amber_tolerance.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_amber_tolerance_is_five_percent_as_decimal():
    """Default band in data/params/status/amber_tolerance.yaml: 0.05, read without float."""
    value = params.load("status.amber_tolerance").at(dt.date(2025, 3, 31))
    assert value == Decimal("0.05") and isinstance(value, Decimal)


def test_value_in_force_is_the_latest_start_on_or_before_the_date(tmp_path):
    _write(tmp_path, GOOD)
    p = params.load("status.amber_tolerance", root=tmp_path)
    assert p.at(dt.date(2024, 6, 30)) == Decimal("0.05")
    assert p.at(dt.date(2024, 7, 1)) == Decimal("0.10")


def test_date_before_first_value_is_an_error(tmp_path):
    _write(tmp_path, GOOD)
    with pytest.raises(params.ParameterError, match=r"values.*no value in force on 2019-12-31"):
        params.load("status.amber_tolerance", root=tmp_path).at(dt.date(2019, 12, 31))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (GOOD + "extra: 1\n", "extra"),
        (GOOD.replace("description: 测试参数\n", ""), "description"),
        (GOOD.replace("  reference: test\n", ""), "metadata.reference"),
        (GOOD.replace("  unit: share\n", "  unit: share\n  owner: x\n"), "metadata.owner"),
        (GOOD.replace("2024-07-01:", "July 2024:"), "values.July 2024"),
        (GOOD.replace("    reference: second\n", ""), "values.2024-07-01.reference"),
        (GOOD.replace("value: 0.10", "value: ten"), "values.2024-07-01.value"),
        (GOOD.replace("values:\n", "values: []\n", 1).split("  2020")[0], "values"),
    ],
)
def test_broken_file_error_names_file_and_key(tmp_path, text, key):
    path = _write(tmp_path, text)
    with pytest.raises(params.ParameterError) as err:
        params.load("status.amber_tolerance", root=tmp_path)
    message = str(err.value)
    assert str(path) in message and f"键 {key}" in message and f"key {key}" in message


def test_duplicate_date_key_is_rejected(tmp_path):
    path = _write(tmp_path, GOOD.replace("2024-07-01:", "2020-01-01:"))
    with pytest.raises(params.ParameterError, match="duplicate key") as err:
        params.load("status.amber_tolerance", root=tmp_path)
    assert str(path) in str(err.value) and "重复的键" in str(err.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(params.ParameterError, match=r"参数文件不存在.*parameter file not found"):
        params.load("status.nothing", root=tmp_path)

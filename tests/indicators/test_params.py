"""Dated indicator parameters (prevalence): OpenFisca-style files, validated on load."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from yigai.indicators import params
from yigai.indicators.catalogue import CatalogueError

GOOD = """\
description: 测试
metadata: {reference: ref, unit: ratio}
values:
  2012-01-01: {value: 0.252, reference: a}
  2020-12-23: {value: 0.275, reference: b}
"""


def _write(tmp_path: Path, text: str, name: str = "p") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_value_in_force_is_latest_on_or_before_the_day(tmp_path: Path) -> None:
    p = params.load_file(_write(tmp_path, GOOD))
    assert p.at(dt.date(2020, 12, 22)) == Decimal("0.252")
    assert p.at(dt.date(2020, 12, 23)) == Decimal("0.275")


def test_values_are_decimal_not_float(tmp_path: Path) -> None:
    p = params.load_file(_write(tmp_path, GOOD))
    assert all(isinstance(v, Decimal) for _, v, _ in p.values)


def test_no_value_before_first_date(tmp_path: Path) -> None:
    p = params.load_file(_write(tmp_path, GOOD))
    with pytest.raises(ValueError, match="has no value on 2011-01-01"):
        p.at(dt.date(2011, 1, 1))


def test_missing_reference_names_file_and_key(tmp_path: Path) -> None:
    bad = GOOD.replace("{value: 0.275, reference: b}", "{value: 0.275}")
    with pytest.raises(CatalogueError, match=r"p\.yaml \[2020-12-23\].*reference"):
        params.load_file(_write(tmp_path, bad))


def test_non_positive_value_rejected(tmp_path: Path) -> None:
    bad = GOOD.replace("0.275", "0")
    with pytest.raises(CatalogueError, match="positive"):
        params.load_file(_write(tmp_path, bad))


def test_shipped_prevalences_load_with_sources() -> None:
    """2020 report: hypertension 27.5%, diabetes 11.9% of adults 18+ (domain §3 管理率)."""
    assert params.get("hypertension_prevalence").at(dt.date(2025, 1, 1)) == Decimal("0.275")
    assert params.get("diabetes_prevalence").at(dt.date(2025, 1, 1)) == Decimal("0.119")

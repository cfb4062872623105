"""Fixtures for reported-value tests: a tiny catalogue, two counties, CSV writing."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from yigai.aggregates import IndicatorSpec
from yigai.indicators.model import Unit

HEADER = ["indicator_id", "org_id", "period_id", "numerator", "denominator", "value", "money_unit"]


@pytest.fixture
def catalogue() -> list[IndicatorSpec]:
    return [
        IndicatorSpec("in_county_visit_rate", Unit.PERCENT, name_zh="县域内就诊率"),
        IndicatorSpec("outpatient_cost_per_visit", Unit.YUAN, name_zh="门诊次均费用"),
        IndicatorSpec("drug_share", Unit.PERCENT, numerator_money=True, denominator_money=True),
        IndicatorSpec("cost_growth", Unit.PERCENT, direct=True, signed=True),
        IndicatorSpec("gp_per_10000", Unit.PER_10000, direct=True),
    ]


@pytest.fixture
def orgs() -> set[str]:
    return {"county-a", "county-b"}


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, rows: list[list[object]], header: list[str] = HEADER) -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for row in rows:
                w.writerow(["" if v is None else v for v in row])
        return path

    return write

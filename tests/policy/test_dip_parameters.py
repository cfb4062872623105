"""Payment parameters (DIP, capitation, budget) as shipped per region and as validated."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from yigai.policy.budget import BudgetParams
from yigai.policy.capitation import CapitationParams
from yigai.policy.dip import DipParams, ParameterError

REGIONS = ("hebei_wuji", "hubei_xiaogan")


@pytest.mark.parametrize("region", REGIONS)
def test_shipped_dip_parameters_carry_the_spec_values(region: str) -> None:
    """Source: DIP 技术规范 (医保办发〔2020〕50号): 1:2:7 weights; 50% / 2× (+1) / 5× outlier terms."""
    params = DipParams.load(region, dt.date(2024, 1, 1))
    assert params.base_year_weights == (Decimal(1), Decimal(2), Decimal(7))
    assert (params.low_cost_ratio, params.high_cost_ratio, params.review_ratio) == (
        Decimal("0.5"),
        Decimal(2),
        Decimal(5),
    )
    assert params.high_cost_addend == 1
    assert set(params.level_coefficients) == {"village", "township", "county", "city", "province"}


@pytest.mark.parametrize("region", REGIONS)
def test_shipped_capitation_and_budget_parameters_load(region: str) -> None:
    """Capitation 60 yuan = 6000 fen a year; Harbin 2017 协议: the whole surplus is kept."""
    assert CapitationParams.load(region).rate_on(dt.date(2024, 6, 1)) == 6000
    budget = BudgetParams.load(region, dt.date(2024, 1, 1))
    assert budget.surplus_retention == ((Decimal(0), Decimal(1)),)
    assert budget.overrun_fund_share[0] == (Decimal(0), Decimal("0.7"))


def test_dip_parameters_are_not_in_force_before_2021() -> None:
    with pytest.raises(ParameterError, match="2020-06-01"):
        DipParams.load("hebei_wuji", dt.date(2020, 6, 1))


def test_region_without_payment_parameters_is_named(tmp_path: Path) -> None:
    region = tmp_path / "nowhere"
    region.mkdir()
    (region / "annual_cap.yaml").write_text(
        "description: cap\nmetadata: {reference: r, unit: yuan}\n"
        "values: {2020-01-01: {value: 1000, reference: r}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError) as info:
        DipParams.load("nowhere", dt.date(2024, 1, 1), root=tmp_path)
    assert "payment.dip_base_year_weights" in str(info.value)
    with pytest.raises(ParameterError, match=r"payment\.capitation_rate_per_resident"):
        CapitationParams.load("nowhere", root=tmp_path)
    with pytest.raises(ParameterError, match=r"payment\.budget_growth_rate"):
        BudgetParams.load("nowhere", dt.date(2024, 1, 1), root=tmp_path)


def test_inconsistent_outlier_terms_are_rejected_bilingually() -> None:
    params = DipParams.load("hebei_wuji", dt.date(2024, 1, 1))
    with pytest.raises(ValueError) as info:
        dataclasses.replace(params, low_cost_ratio=Decimal(3))
    message = str(info.value)
    assert message.index("DIP 参数无效") < message.index("invalid DIP parameters")


def test_level_without_a_coefficient_is_named() -> None:
    params = DipParams.load("hebei_wuji", dt.date(2024, 1, 1))
    with pytest.raises(ValueError, match="out_of_county"):
        params.level_coefficient("out_of_county")

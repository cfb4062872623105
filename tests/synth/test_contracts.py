"""Family-doctor contracts (seed 002 二（八） targets 35% / 70%, calibrated below them)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from yigai.synth.people import GROUPS


@pytest.fixture(scope="module")
def frames(region: dict[str, pa.Table]) -> tuple[pd.DataFrame, pd.DataFrame]:
    con = region["contracts"].to_pandas()
    con["year"] = pd.to_datetime(con.signed_on).dt.year
    return con, region["residents"].to_pandas()


def _key_population(res: pd.DataFrame, year: int) -> pd.Series:
    age = (pd.Timestamp(dt.date(year, 1, 1)) - pd.to_datetime(res.birth_ym)).dt.days / 365.25
    flag = (age >= 65) | (age < 7)
    for code in GROUPS:
        flag |= res[f"grp_{code}"]
    return flag


def test_general_contract_rate_30_to_34_percent(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Seed 002 二（八）: 一般人群家庭医生签约率 target 35% (2020); calibrated at 30–34%."""
    con, res = frames
    rate = con.groupby("year").size() / len(res)
    assert ((rate >= 0.30) & (rate <= 0.34)).all(), rate


def test_key_population_contract_rate_60_to_68_percent(
    frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """Seed 002 二（八）: 重点人群签约率 target 70%; calibrated at 60–68%."""
    con, res = frames
    for year, group in con.groupby("year"):
        key = res[_key_population(res, int(year))]
        rate = key.person_id.isin(group.person_id).mean()
        assert 0.60 <= rate <= 0.68, (year, rate)


def test_one_contract_per_resident_per_year(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    con, _ = frames
    assert not con.duplicated(["person_id", "year"]).any()


def test_contracts_last_one_year_from_signing(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    con, _ = frames
    length = (pd.to_datetime(con.valid_to) - pd.to_datetime(con.valid_from)).dt.days
    assert length.isin([364, 365]).all()
    assert (con.valid_from == con.signed_on).all()


def test_contract_with_the_home_centre(
    frames: tuple[pd.DataFrame, pd.DataFrame], region: dict[str, pa.Table]
) -> None:
    con, _ = frames
    org = region["org_units"].to_pandas().set_index("org_id")
    assert org.loc[con.institution_id].inst_type.isin(["township_centre", "community_centre"]).all()
    assert (con.team_id.str.split("-").str[0] == con.institution_id).all()

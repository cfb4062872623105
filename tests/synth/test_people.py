"""Residents: GB 11643 identity numbers, pseudonyms, age pyramid, insurance, groups."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.people import identity
from yigai.synth.config import SynthError
from yigai.synth.people import _order_codes, id_numbers, pseudonyms
from yigai.synth.tables import day_number


@pytest.fixture(scope="module")
def residents(region: dict[str, pa.Table]) -> pd.DataFrame:
    return region["residents"].to_pandas()


def test_id_number_hand_computed() -> None:
    """GB 11643-1999 (ISO 7064 MOD 11-2), by hand: 44010119700101001 · weights
    (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) = 142; 142 mod 11 = 10 → check character '2'."""
    (number,) = id_numbers("440101", np.array([0]), np.array([1]))
    assert number == "440101197001010012"
    assert identity.validate(number) == number


@settings(max_examples=50, deadline=None)
@given(
    days=st.lists(st.integers(min_value=-20000, max_value=20000), min_size=1, max_size=300),
    chunk=st.integers(min_value=0, max_value=3),
)
def test_generated_id_numbers_are_valid_unique_and_match_birth_and_sex(
    days: list[int], chunk: int
) -> None:
    birth = np.array(days, dtype=np.int64)
    male = np.arange(len(birth)) % 2 == 0
    order = _order_codes(birth, male, chunk, 4)
    numbers = id_numbers("440101", birth, order)
    assert len(set(numbers)) == len(numbers)
    for number, day, is_male in zip(numbers, birth.tolist(), male.tolist(), strict=True):
        assert identity.validate(number) == number
        assert day_number(identity.birth_date(number)) == day
        assert identity.sex(number) == ("M" if is_male else "F")


def test_too_many_births_on_one_day_is_a_clear_error() -> None:
    """GB 11643 order codes give 500 numbers per sex, day and county; interleaving 2 chunks
    leaves 250 each, so 300 men born on one day in one chunk cannot be numbered."""
    with pytest.raises(SynthError) as err:
        _order_codes(np.zeros(300, dtype=np.int64), np.ones(300, dtype=bool), 0, 2)
    assert "顺序码不足" in err.value.zh


def test_order_codes_of_different_chunks_never_collide() -> None:
    birth = np.zeros(40, dtype=np.int64)
    male = np.ones(40, dtype=bool)
    a = set(_order_codes(birth, male, 0, 3).tolist())
    b = set(_order_codes(birth, male, 1, 3).tolist())
    assert not a & b


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=20000), min_size=1, max_size=20))
def test_fast_pseudonyms_equal_identity_pseudonym(days: list[int]) -> None:
    numbers = id_numbers("341502", np.array(days), np.full(len(days), 7))
    assert pseudonyms(numbers, b"k") == [identity.pseudonym(x, b"k") for x in numbers]


def test_person_ids_are_unique_pseudonyms(residents: pd.DataFrame) -> None:
    assert residents.person_id.is_unique
    assert residents.person_id.str.fullmatch(r"[0-9a-f]{32}").all()


def test_masked_numbers_keep_only_the_last_two_characters(residents: pd.DataFrame) -> None:
    assert residents.id_masked.str.fullmatch(r"\*{16}\d[\dX]").all()


def test_only_the_birth_month_is_stored(residents: pd.DataFrame) -> None:
    assert "birth_date" not in residents
    assert (pd.to_datetime(residents.birth_ym).dt.day == 1).all()


def test_masked_names_keep_only_the_surname(residents: pd.DataFrame) -> None:
    assert residents.name_masked.str.fullmatch(r"[^*]\*{1,2}").all()


def test_sex_matches_masked_order_digit(residents: pd.DataFrame) -> None:
    """GB 11643: the 17th digit (kept in the masked form) is odd for men."""
    odd = residents.id_masked.str[16].astype(int) % 2 == 1
    assert (odd == (residents.sex == "M")).all()


def test_age_pyramid_matches_the_seventh_census(residents: pd.DataFrame) -> None:
    """第七次全国人口普查公报: 0–14 17.95%, 60+ 18.70%, 65+ 13.50%."""
    ref = pd.Timestamp(dt.date(2024, 1, 1))
    age = (ref - pd.to_datetime(residents.birth_ym)).dt.days / 365.25
    assert (age < 15).mean() == pytest.approx(0.1795, abs=0.015)
    assert (age >= 60).mean() == pytest.approx(0.187, abs=0.015)
    assert (age >= 65).mean() == pytest.approx(0.135, abs=0.015)


def test_insured_share_96_to_98_percent(residents: pd.DataFrame) -> None:
    """Seeds 001/004: 参保率稳定在96%左右; seed 000: 98%左右."""
    assert 0.96 <= (residents.scheme != "none").mean() <= 0.98


def test_health_record_share_85_to_90_percent(residents: pd.DataFrame) -> None:
    has = residents.health_record_on.notna()
    assert 0.85 <= has.mean() <= 0.90
    assert residents.health_record_electronic[has].mean() > 0.85
    assert residents.health_record_electronic[~has].isna().all()


def test_adult_hypertension_and_diabetes_prevalence(residents: pd.DataFrame) -> None:
    """《中国居民营养与慢性病状况报告（2020年）》: adults 27.5% hypertension, 11.9% diabetes;
    calibrated to ≈ 25% / ≈ 10%."""
    ref = pd.Timestamp(dt.date(2024, 1, 1))
    adult = (ref - pd.to_datetime(residents.birth_ym)).dt.days / 365.25 >= 18
    assert residents.grp_hypertension[adult].mean() == pytest.approx(0.25, abs=0.03)
    assert residents.grp_diabetes[adult].mean() == pytest.approx(0.10, abs=0.02)
    assert not residents.grp_hypertension[~adult].any()


def test_pregnant_residents_are_women(residents: pd.DataFrame) -> None:
    assert (residents[residents.grp_pregnant].sex == "F").all()


def test_registered_no_earlier_than_birth_month(residents: pd.DataFrame) -> None:
    assert (residents.registered_on >= residents.birth_ym).all()

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
    used=st.integers(min_value=0, max_value=150),
)
def test_generated_id_numbers_are_valid_unique_and_match_birth_and_sex(
    days: list[int], used: int
) -> None:
    birth = np.array(days, dtype=np.int64)
    male = np.arange(len(birth)) % 2 == 0
    order = _order_codes(birth, male, np.full(len(birth), used))
    numbers = id_numbers("440101", birth, order)
    assert len(set(numbers)) == len(numbers)
    for number, day, is_male in zip(numbers, birth.tolist(), male.tolist(), strict=True):
        assert identity.validate(number) == number
        assert day_number(identity.birth_date(number)) == day
        assert identity.sex(number) == ("M" if is_male else "F")


def test_too_many_births_on_one_day_is_a_clear_error() -> None:
    """GB 11643 order codes give 499 numbers per sex, day and county: with 250 used by earlier
    chunks, 300 more men born on that day cannot be numbered."""
    with pytest.raises(SynthError) as err:
        _order_codes(np.zeros(300, dtype=np.int64), np.ones(300, dtype=bool), np.full(300, 250))
    assert "顺序码不足" in err.value.zh


def test_order_codes_of_different_chunks_never_collide() -> None:
    birth = np.zeros(40, dtype=np.int64)
    male = np.ones(40, dtype=bool)
    a = set(_order_codes(birth, male).tolist())
    b = set(_order_codes(birth, male, np.full(40, 40)).tolist())
    assert not a & b


def test_a_county_of_many_chunks_numbers_its_residents_uniquely() -> None:
    """Chunks share the county's codes by counting those used before them: 12 chunks of 1,000
    get unique, valid numbers, and the first chunk the same as a county of one chunk."""
    from yigai.synth import calibration
    from yigai.synth.config import SynthConfig
    from yigai.synth.people import generate_cohort
    from yigai.synth.region import build_county, build_higher

    config = SynthConfig(residents_per_county=12_000, chunk_residents=1000, years=(2025,))
    cal = calibration.load(None)
    county = build_county(config, cal, build_higher(config, cal), 0)
    ids = [generate_cohort(config, cal, county, c, b"k").person_id for c in range(12)]
    assert len(set().union(*(set(x.to_pylist()) for x in ids))) == 12_000
    one = SynthConfig(residents_per_county=1000, years=(2025,))
    first = generate_cohort(one, cal, build_county(one, cal, build_higher(one, cal), 0), 0, b"k")
    assert first.person_id.equals(ids[0])


def test_one_day_can_hold_more_births_in_one_chunk_than_interleaving_allowed() -> None:
    """Interleaving 10 chunks left 49 codes per chunk and day; counting lets one chunk number
    120 men born on a day when the other chunks used 30."""
    order = _order_codes(np.zeros(120, dtype=np.int64), np.ones(120, dtype=bool), np.full(120, 30))
    assert len(set(order.tolist())) == 120 and order.max() <= 999


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


def test_the_last_of_500_chunks_gets_order_codes() -> None:
    """Interleaving gave chunk 499 of 500 the sequence 499 already for its first person, past
    the last code (498): a county of 500 chunks could not be generated at all."""
    from yigai.synth import calibration
    from yigai.synth.config import SynthConfig
    from yigai.synth.people import generate_cohort
    from yigai.synth.region import build_county, build_higher

    config = SynthConfig(residents_per_county=500_000, chunk_residents=1000, years=(2025,))
    cal = calibration.load(None)
    county = build_county(config, cal, build_higher(config, cal), 0)
    last = generate_cohort(config, cal, county, 499, b"k").person_id.to_pylist()
    first = generate_cohort(config, cal, county, 0, b"k").person_id.to_pylist()
    assert len(set(last) | set(first)) == 2000


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=-20000, max_value=20000), min_size=1, max_size=30))
def test_masked_numbers_equal_identity_mask(days: list[int]) -> None:
    from yigai.synth.people import masked_numbers

    numbers = id_numbers("341502", np.array(days), np.full(len(days), 7))
    assert masked_numbers(numbers).to_pylist() == [identity.mask(x) for x in numbers]


def test_masked_names_equal_mask_name_of_the_whole_name() -> None:
    """One masked form per surname and given-name length is the mask of every such name."""
    from yigai.synth.people import masked_names

    surnames = ["王", "欧阳", "李"]
    surname, two = np.array([0, 1, 1, 2, 0]), np.array([True, False, True, False, False])
    given = ["明", "华"]
    names = [
        surnames[s] + given[0] + (given[1] if t else "") for s, t in zip(surname, two, strict=True)
    ]
    got = masked_names(surnames, surname, two).to_pylist()
    assert got == [identity.mask_name(x) for x in names]

"""Identity numbers (公民身份号码, GB 11643-1999): check digit, pseudonym and masking."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yigai.people.identity import (
    IdentityError,
    birth_date,
    birth_month,
    check_digit,
    find_numbers,
    is_valid,
    mask,
    mask_name,
    pseudonym,
    sex,
    validate,
)

#: GB 11643-1999's own examples (standard, annex): check characters X and 4.
STANDARD_EXAMPLES = ("11010519491231002X", "440524188001010014")


@pytest.mark.parametrize("number", STANDARD_EXAMPLES)
def test_the_standards_examples_are_valid(number: str) -> None:
    assert validate(number) == number


def test_check_digit_ten_is_written_x() -> None:
    """ISO 7064 MOD 11-2 on 11010519491231002: weighted sum mod 11 = 2 → 'X'."""
    assert check_digit("11010519491231002") == "X"


def test_lower_case_x_is_normalised() -> None:
    assert validate("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "zh"),
    [
        ("11010519491231002", "18位"),
        ("110105194912310021", "校验码"),
        ("110105194902300025", "出生日期"),
    ],
)
def test_bad_numbers_are_rejected_with_the_reason(number: str, zh: str) -> None:
    with pytest.raises(IdentityError, match=zh):
        validate(number)
    assert not is_valid(number)


def test_birth_date_and_sex_come_from_the_number() -> None:
    assert birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert sex("11010519491231002X") == "F"  # order code 002: even → female
    assert sex("440524188001010014") == "M"  # order code 001: odd → male


def test_pseudonym_is_stable_per_key_and_differs_between_keys() -> None:
    n = STANDARD_EXAMPLES[0]
    assert pseudonym(n, b"k1") == pseudonym(n.lower(), b"k1")
    assert pseudonym(n, b"k1") != pseudonym(n, b"k2")
    assert len(pseudonym(n, b"k1")) == 32 and n not in pseudonym(n, b"k1")


def test_pseudonym_matches_the_known_answer() -> None:
    """Known answer (from ``openssl dgst -sha256 -hmac``): a change to the hash, the key's
    use or the normalisation would silently stop new imports linking to stored records."""
    assert pseudonym("11010519491231002x", b"yigai-known-answer-key") == (
        "901cb799ef0d52d84b4ec759dcf17e2d"
    )


def test_masked_number_keeps_only_the_last_two_characters() -> None:
    assert mask("11010519491231002X") == "****************2X"


def test_birth_month_is_the_first_of_the_birth_month() -> None:
    assert birth_month("11010519491231002X") == dt.date(1949, 12, 1)


def test_numbers_hidden_in_text_are_found_in_any_window_of_a_digit_run() -> None:
    assert find_numbers("科室 11010519491231002x 号") == ["11010519491231002x"]
    assert find_numbers("E0011010519491231002X") == ["11010519491231002X"]
    assert find_numbers("E20250000000000001") == []  # 17 digits
    assert find_numbers("110105194912310021") == []  # wrong check digit


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("王小明", "王**"), ("欧阳娜娜", "欧阳**"), ("", "")]
)
def test_masked_name_keeps_the_surname(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_appending_the_check_digit_makes_any_well_dated_number_valid(first17: str) -> None:
    candidate = "11010519800101" + first17[14:]
    assert is_valid(candidate + check_digit(candidate))

"""Column conversion and validation (yigai.warehouse.convert).

Hand-computed cases; source of the accepted forms: the task brief (dates YYYY-MM-DD,
YYYY/MM/DD, YYYYMMDD; bools 1/0, true/false, 是/否, Y/N; yuan with at most 2 decimals, never
rounded) and docs/CONTRACTS.md “Money and rounding” (integer fen).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from yigai.records.fields import Field, Kind
from yigai.warehouse import convert as cv

MONEY = Field("cost_total_fen", Kind.MONEY, "医疗总费用", "total cost", min=0)


def problems(converted: cv.Converted) -> list[tuple[int, str]]:
    return sorted((int(i), p.en) for p in converted.problems for i in p.mask.nonzero()[0])


def test_yuan_with_two_decimals_is_exact_fen() -> None:
    """51.03 元 = 5103 分; 51.3 元 = 5130 分; 7 元 = 700 分; 0.05 元 = 5 分."""
    out = cv.convert_yuan(MONEY, pa.array(["51.03", "51.3", "7", "0.05"]))
    assert out.array.to_pylist() == [5103, 5130, 700, 5]
    assert out.problems == ()


def test_yuan_with_three_decimals_is_rejected_not_rounded() -> None:
    out = cv.convert_yuan(MONEY, pa.array(["51.035", "1.00"]))
    assert out.array.to_pylist() == [None, 100]
    assert problems(out) == [(0, "amount has more than two decimals (yuan); it is not rounded")]


def test_yuan_garbage_is_a_format_error() -> None:
    out = cv.convert_yuan(MONEY, pa.array(["12元", "1,000.00", "abc"]))
    assert [i for i, _ in problems(out)] == [0, 1, 2]
    assert {en for _, en in problems(out)} == {"invalid amount (yuan, at most two decimals)"}


def test_negative_yuan_is_rejected() -> None:
    out = cv.convert_yuan(MONEY, pa.array(["-3.00"]))
    assert problems(out) != []


def test_fen_must_be_an_integer() -> None:
    out = cv.convert_fen(MONEY, pa.array(["5103", "51.03", "-1"]))
    assert out.array.to_pylist()[0] == 5103
    assert problems(out) == [
        (1, "an amount in fen must be an integer"),
        (2, "below the minimum 0 fen"),
    ]


def test_typed_integer_fen_passes_through() -> None:
    out = cv.convert_fen(MONEY, pa.array([1, 2], pa.int32()))
    assert out.array.type == pa.int64() and out.array.to_pylist() == [1, 2]


@given(st.integers(min_value=0, max_value=10**12))
def test_yuan_text_of_any_fen_amount_converts_back_exactly(fen: int) -> None:
    text = str(Decimal(fen) / 100)
    assert cv.convert_yuan(MONEY, pa.array([text])).array.to_pylist() == [fen]


def test_dates_in_three_forms() -> None:
    f = Field("d", Kind.DATE, "日期", "date")
    out = cv.convert_date(
        f, pa.array(["2025-03-05", "2025/3/5", "20250305", "2025-03-05 00:00:00"])
    )
    assert out.array.to_pylist() == [dt.date(2025, 3, 5)] * 4
    assert out.problems == ()


def test_impossible_dates_are_rejected_not_rolled_over() -> None:
    f = Field("d", Kind.DATE, "日期", "date")
    out = cv.convert_date(
        f, pa.array(["2025-02-29", "2024-02-29", "2025-13-01", "2025-03-05x", "05/03/2025"])
    )
    assert out.array.to_pylist()[1] == dt.date(2024, 2, 29)
    assert [i for i, _ in problems(out)] == [0, 2, 3, 4]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_any_valid_date_round_trips_in_every_form(day: dt.date) -> None:
    f = Field("d", Kind.DATE, "日期", "date")
    forms = [day.isoformat(), day.strftime("%Y/%m/%d"), day.strftime("%Y%m%d")]
    assert cv.convert_date(f, pa.array(forms)).array.to_pylist() == [day] * 3


def test_bool_words() -> None:
    f = Field("b", Kind.BOOL, "是否", "flag")
    out = cv.convert_bool(f, pa.array(["1", "0", "TRUE", "false", "是", "否", "Y", "n", "maybe"]))
    assert out.array.to_pylist() == [True, False, True, False, True, False, True, False, None]
    assert [i for i, _ in problems(out)] == [8]


def test_required_value_missing_is_reported_once() -> None:
    f = Field("n", Kind.INT, "数", "n")
    out = cv.convert_int(f, pa.array(["", "  ", "x"]))
    assert problems(out) == [
        (0, "required value is missing"),
        (1, "required value is missing"),
        (2, "not an integer"),
    ]


def test_int_range_checks() -> None:
    f = Field("sbp", Kind.INT, "收缩压", "sbp", min=40, max=300)
    out = cv.convert_int(f, pa.array(["39", "40", "300", "301", "120.0"]))
    assert out.array.to_pylist() == [39, 40, 300, 301, 120]
    assert problems(out) == [(0, "below the minimum 40"), (3, "above the maximum 300")]


def test_float_reading() -> None:
    f = Field("g", Kind.FLOAT, "血糖", "glucose", required=False, min=0.5, max=40)
    out = cv.convert_float(f, pa.array(["6.1", "", "0.1", "x"]))
    assert out.array.to_pylist() == [6.1, None, 0.1, None]
    assert problems(out) == [(2, "below the minimum 0.5"), (3, "not a number")]


def test_enum_code_outside_the_list() -> None:
    f = Field("sex", Kind.ENUM, "性别", "sex", choices=("M", "F"))
    out = cv.convert_string(f, pa.array([" M ", "X"]))
    assert out.array.to_pylist() == ["M", None]
    assert problems(out) == [(1, "not a valid code (allowed: M, F)")]


def test_timestamps_are_strict() -> None:
    f = Field("t", Kind.TIMESTAMP, "时间", "time")
    out = cv.convert_timestamp(f, pa.array(["2025-03-05 08:30:00", "2025-02-30 08:30:00"]))
    assert out.array.to_pylist()[0] == dt.datetime(2025, 3, 5, 8, 30)
    assert [i for i, _ in problems(out)] == [1]


def test_identities_pseudonymise_and_mask_each_number() -> None:
    from yigai.people import identity

    good = "11010519491231002X"
    out = cv.identities(pa.array([good, "110105194912310021", good, None]), b"k")
    assert out.person_id.to_pylist()[0] == identity.pseudonym(good, b"k")
    assert out.person_id.to_pylist()[2] == out.person_id.to_pylist()[0]
    assert out.id_masked.to_pylist()[0] == "****************2X"
    assert out.sex.to_pylist()[0] == "F"
    assert out.birth_date.to_pylist()[0] == dt.date(1949, 12, 31)
    assert sorted((int(i), p.en) for p in out.problems for i in p.mask.nonzero()[0]) == [
        (1, "identity number check digit is wrong"),
        (3, "required value is missing"),
    ]

"""Column conversion and validation (数据转换与校验), vectorised with pyarrow.compute.

Each converter turns one input column (text from CSV/XLSX, or typed from Parquet/Arrow) into
the stored Arrow type and reports its problems as boolean row masks. No Python loop runs per
row; identity numbers and names are handled once per distinct value.

Accepted text forms:

* text cells are NFKC-normalised first, so full-width digits and letters (``１２３Ｘ``, as
  Chinese input methods type them) read as ``123X``; a full-width copy of an identity number
  is the same person;
* codes (enum fields): the code in any letter case (``county``, ``County``) or its Chinese name
  (``县``, ``男``, ``公立``: ``Field.labels``, listed in the import docs); the code is stored;
* dates: ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY.MM.DD`` (month and day may be one digit),
  ``YYYYMMDD`` and ``YYYY年M月D日``, optionally followed by a time of day (``14:30[:05]``),
  which is dropped (a HIS export often gives a date column as a date-time); a 5-digit number
  is an Excel serial date (1900 date system: 45996 = 2025-12-05), which a date cell formatted
  as "General" or "Number" shows in Excel and in a CSV saved from it. Impossible dates are
  rejected, and so is a date after the import day unless the field is ``planned`` (a due date);
* cells longer than :data:`MAX_CELL_CHARS` characters are rejected before any other check;
* booleans: ``1``/``0``, ``true``/``false``, ``t``/``f``, ``yes``/``no``, ``y``/``n``, ``是``/``否``
  (case-insensitive);
* integers: digits with an optional sign (``12.0`` is accepted as 12, ``12.5`` is not);
* money in fen (``*_fen``): an integer; money in yuan: at most two decimals, converted exactly
  (``51.03`` → 5103 fen). ``51.035`` is rejected, never rounded. ``min``/``max`` of a money
  field are in fen.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.people import identity
from yigai.records.fields import Field, Kind

TRUE_WORDS = ("1", "true", "t", "yes", "y", "是")
FALSE_WORDS = ("0", "false", "f", "no", "n", "否")
PSEUDONYM_PATTERN = r"^[0-9a-f]{32}$"
ID_MASKED_PATTERN = r"^\*{16}[0-9][0-9X]$"

_INT = r"^[+-]?\d{1,18}(\.0*)?$"
_FLOAT = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_YUAN = r"^\+?\d{1,16}(\.\d{1,2})?$"
_YUAN_TOO_PRECISE = r"^[+-]?\d+\.\d{3,}$"
#: A time of day after a date (dropped: the field holds a date).
_TIME = r"(?:[ T]\s*(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)?"
_DATE_SEP = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})" + _TIME + "$"
_DATE_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})" + _TIME + "$"
_DATE_ZH = r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日" + _TIME + "$"
#: An Excel serial date (days since 1899-12-30 in the 1900 date system): 5 digits covers
#: 1927-05-18 to 2173-10-14, and cannot be mistaken for ``YYYYMMDD`` (8 digits).
_EXCEL_SERIAL = r"^\d{5}(?:\.0+)?$"
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
#: The longest text cell read; longer ones (a pasted document, a broken export) are rejected
#: before heavier checks run on them.
MAX_CELL_CHARS = 4000
_SHOWN_CHARS = 40
#: An identity number Excel stored as a number and shows in scientific notation or with a
#: decimal point (its last digits are then already lost).
_EXCEL_NUMBER = r"^\d+(\.\d+)?[eE]\+?\d+$|^\d{15,18}\.\d*$"
_TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class Problem:
    """Rows (``mask`` True) where a column breaks one rule, and the bilingual reason."""

    mask: np.ndarray
    zh: str
    en: str


@dataclass(frozen=True)
class Converted:
    array: pa.Array
    problems: tuple[Problem, ...]


def to_numpy_mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow array as numpy bools, null counted as False."""
    filled = pc.fill_null(values, False)
    if isinstance(filled, pa.ChunkedArray):
        filled = filled.combine_chunks()
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=bool)


def _array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Trimmed strings, empty → null, whatever the input type."""
    values = _array(values)
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    if pc.all(pc.string_is_ascii(values)).as_py() is False:
        values = pc.utf8_normalize(values, form="NFKC")
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _bad_format(raw: pa.Array, ok: pa.Array, zh: str, en: str) -> Problem:
    return Problem(
        to_numpy_mask(pc.and_(pc.is_valid(raw), pc.invert(pc.fill_null(ok, False)))), zh, en
    )


def _null_where_bad(values: pa.Array, ok: pa.Array, type_: pa.DataType) -> pa.Array:
    return pc.if_else(pc.fill_null(ok, False), values, pa.scalar(None, type_))


def required(f: Field, raw_text: pa.Array) -> tuple[Problem, ...]:
    if not f.required or raw_text.null_count == 0:
        return ()
    return (
        Problem(to_numpy_mask(pc.is_null(raw_text)), "必填项为空", "required value is missing"),
    )


def _range(f: Field, values: pa.Array, unit_zh: str = "", unit_en: str = "") -> tuple[Problem, ...]:
    out = []
    if f.min is not None:
        out.append(
            Problem(
                to_numpy_mask(pc.less(values, pa.scalar(f.min, values.type))),
                f"小于最小值 {_num(f.min)}{unit_zh}",
                f"below the minimum {_num(f.min)}{unit_en}",
            )
        )
    if f.max is not None:
        out.append(
            Problem(
                to_numpy_mask(pc.greater(values, pa.scalar(f.max, values.type))),
                f"大于最大值 {_num(f.max)}{unit_zh}",
                f"above the maximum {_num(f.max)}{unit_en}",
            )
        )
    return tuple(p for p in out if p.mask.any())


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _parse_int_text(raw: pa.Array) -> tuple[pa.Array, pa.Array]:
    ok = pc.match_substring_regex(raw, _INT)
    digits = pc.replace_substring_regex(_null_where_bad(raw, ok, pa.string()), r"\.0*$", "")
    return pc.cast(pc.replace_substring(digits, "+", ""), pa.int64()), ok


def cap_cells(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """Text cells longer than :data:`MAX_CELL_CHARS` cut to their start (shown as ``…``),
    and the rows cut; other types pass unchanged."""
    values = _array(values)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return values, np.zeros(len(values), dtype=bool)
    long = to_numpy_mask(pc.greater(pc.utf8_length(values), MAX_CELL_CHARS))
    if not long.any():
        return values, long
    cut = pc.binary_join_element_wise(pc.utf8_slice_codeunits(values, 0, _SHOWN_CHARS), "…", "")
    return pc.if_else(pa.array(long), cut, values), long


TOO_LONG = (
    f"单元格超过 {MAX_CELL_CHARS} 个字符（只显示开头），请检查该单元格",
    f"the cell holds more than {MAX_CELL_CHARS} characters (its start is shown); check it",
)


def convert_string(f: Field, values: pa.Array) -> Converted:
    raw = text(values)
    problems = list(required(f, raw))
    if f.kind is Kind.ENUM and f.choices:
        return _convert_code(f, raw, problems)
    return Converted(raw, tuple(p for p in problems if p.mask.any()))


def _convert_code(f: Field, raw: pa.Array, problems: list[Problem]) -> Converted:
    """A code given as itself (any letter case) or by its Chinese name; the code is stored."""
    assert f.choices is not None
    # Names are compared as text cells are read (NFKC: full-width brackets become ASCII).
    words = [c.lower() for c in f.choices] + [
        unicodedata.normalize("NFKC", name).lower() for name in f.labels.values()
    ]
    codes = pa.array([*f.choices, *f.labels], pa.string())
    index = pc.index_in(pc.utf8_lower(raw), value_set=pa.array(words, pa.string()))
    ok = pc.is_valid(index)
    named = [f"{c}（{f.labels[c]}）" if c in f.labels else c for c in f.choices]
    shown = "、".join(named[:12]) + ("…" if len(named) > 12 else "")
    named_en = [f"{c} ({f.labels[c]})" if c in f.labels else c for c in f.choices]
    problems.append(
        _bad_format(
            raw,
            ok,
            f"不是有效代码（可选：{shown}）",
            f"not a valid code (allowed: {', '.join(named_en)})",
        )
    )
    return Converted(pc.take(codes, index), tuple(p for p in problems if p.mask.any()))


def _convert_whole(
    f: Field, values: pa.Array, bad: tuple[str, str], unit: tuple[str, str] = ("", "")
) -> Converted:
    """Whole numbers (a count, an amount in fen): integer columns as they are, text parsed;
    ``bad`` says (中文, English) what a cell that is not one should be, ``unit`` follows the
    bounds in a range message."""
    values = _array(values)
    if pa.types.is_integer(values.type):
        out = pc.cast(values, pa.int64())
        return Converted(out, required(f, out) + _range(f, out, *unit))
    raw = text(values)
    out, ok = _parse_int_text(raw)
    problems = (*required(f, raw), _bad_format(raw, ok, *bad), *_range(f, out, *unit))
    return Converted(out, tuple(p for p in problems if p.mask.any()))


def convert_int(f: Field, values: pa.Array) -> Converted:
    return _convert_whole(f, values, ("不是整数", "not an integer"))


def convert_float(f: Field, values: pa.Array) -> Converted:
    values = _array(values)
    if pa.types.is_floating(values.type) or pa.types.is_integer(values.type):
        out = pc.cast(values, pa.float64())
        return Converted(out, required(f, out) + _range(f, out))
    raw = text(values)
    ok = pc.match_substring_regex(raw, _FLOAT)
    out = pc.cast(_null_where_bad(raw, ok, pa.string()), pa.float64())
    problems = (
        *required(f, raw),
        _bad_format(raw, ok, "不是数值", "not a number"),
        *_range(f, out),
    )
    return Converted(out, tuple(p for p in problems if p.mask.any()))


def convert_bool(f: Field, values: pa.Array) -> Converted:
    values = _array(values)
    if pa.types.is_boolean(values.type):
        return Converted(values, required(f, values))
    raw = text(values)
    lower = pc.utf8_lower(raw)
    is_true = pc.is_in(lower, value_set=pa.array(TRUE_WORDS))
    is_false = pc.is_in(lower, value_set=pa.array(FALSE_WORDS))
    ok = pc.or_(is_true, is_false)
    out = _null_where_bad(is_true, ok, pa.bool_())
    problems = (
        *required(f, raw),
        _bad_format(
            raw,
            ok,
            "不是是/否值（可用 是/否、1/0、Y/N、true/false）",
            "not a yes/no value (use 1/0, Y/N, true/false, 是/否)",
        ),
    )
    return Converted(out, tuple(p for p in problems if p.mask.any()))


def parse_dates(raw: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Strictly parse date text; returns (date32 values, ok mask). 2025-02-30 is not ok."""
    n = len(raw)
    year = np.zeros(n, dtype=np.int64)
    month = np.zeros(n, dtype=np.int64)
    day = np.zeros(n, dtype=np.int64)
    matched = np.zeros(n, dtype=bool)
    for pattern, placeholder in (
        (_DATE_SEP, "0000-01-01"),
        (_DATE_COMPACT, "00000101"),
        (_DATE_ZH, "0000年01月01日"),
    ):
        hit = to_numpy_mask(pc.match_substring_regex(raw, pattern)) & ~matched
        if not hit.any():
            continue
        # Every row must match for extract_regex to give all fields; others get a placeholder.
        parts = pc.extract_regex(pc.if_else(pa.array(hit), raw, pa.scalar(placeholder)), pattern)
        for name, target in (("y", year), ("m", month), ("d", day)):
            got = pc.cast(pc.fill_null(parts.field(name), "0"), pa.int64()).to_numpy(
                zero_copy_only=False
            )
            target[hit] = got[hit]
        matched |= hit
    month_ok = (month >= 1) & (month <= 12)
    safe_month = np.where(month_ok, month, 1)
    first = ((year - 1970) * 12 + safe_month - 1).astype("datetime64[M]")
    days_in_month = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(
        np.int64
    )
    ok = matched & month_ok & (day >= 1) & (day <= days_in_month) & (year >= 1)
    dates = first.astype("datetime64[D]") + np.where(ok, day - 1, 0)
    serial = to_numpy_mask(pc.match_substring_regex(raw, _EXCEL_SERIAL)) & ~matched
    if serial.any():
        days = pc.cast(pc.if_else(pa.array(serial), raw, "0"), pa.float64()).to_numpy()
        dates = np.where(serial, _EXCEL_EPOCH + days.astype(np.int64), dates)
        ok = ok | serial
    out = pa.array(dates, type=pa.date32(), mask=~ok)
    return out, pa.array(ok)


def convert_date(f: Field, values: pa.Array, today: dt.date | None = None) -> Converted:
    """A date column; with ``today`` (the import day), a date after it is rejected unless
    the field is ``planned``."""
    values = _array(values)
    if pa.types.is_date32(values.type) or pa.types.is_date64(values.type):
        out = pc.cast(values, pa.date32())
        problems: tuple[Problem, ...] = required(f, out)
    else:
        raw = text(values)
        out, ok = parse_dates(raw)
        problems = (
            *required(f, raw),
            _bad_format(
                raw,
                ok,
                "日期无效（格式 YYYY-MM-DD、YYYY/MM/DD、YYYYMMDD、YYYY年M月D日，或 Excel 日期序号）",
                "invalid date (use YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, YYYY年M月D日 or an Excel "
                "serial date)",
            ),
        )
    if today is not None and not f.planned:
        late = to_numpy_mask(pc.greater(out, pa.scalar(today, pa.date32())))
        problems = (
            *problems,
            Problem(
                late,
                f"日期晚于导入当天（{today.isoformat()}）：已发生的事件不能在未来",
                f"the date is after the day of import ({today.isoformat()}); "
                "an event cannot lie in the future",
            ),
        )
    return Converted(out, tuple(p for p in problems if p.mask.any()))


def convert_timestamp(f: Field, values: pa.Array) -> Converted:
    values = _array(values)
    if pa.types.is_timestamp(values.type):
        out = pc.cast(values, pa.timestamp("s"))
        return Converted(out, required(f, out))
    raw = text(values)
    out = pa.nulls(len(raw), pa.timestamp("s"))
    ok = pa.array(np.zeros(len(raw), dtype=bool))
    for fmt in _TIMESTAMP_FORMATS:
        parsed = pc.strptime(raw, format=fmt, unit="s", error_is_null=True)
        # strptime rolls 02-30 over to 03-02; formatting back exposes that.
        exact = pc.fill_null(pc.equal(pc.strftime(parsed, format=fmt), raw), False)
        out = pc.if_else(exact, parsed, out)
        ok = pc.or_(ok, exact)
    problems = (
        *required(f, raw),
        _bad_format(
            raw,
            ok,
            "时间无效（格式 YYYY-MM-DD HH:MM:SS）",
            "invalid timestamp (use YYYY-MM-DD HH:MM:SS)",
        ),
    )
    return Converted(out, tuple(p for p in problems if p.mask.any()))


def convert_fen(f: Field, values: pa.Array) -> Converted:
    """Money given in integer fen (分)."""
    bad = ("金额（分）应为整数", "an amount in fen must be an integer")
    return _convert_whole(f, values, bad, (" 分", " fen"))


def convert_yuan(f: Field, values: pa.Array) -> Converted:
    """Money given in yuan (元), at most two decimals, converted to fen exactly."""
    values = _array(values)
    if pa.types.is_decimal(values.type):
        values = pc.cast(values, pa.string())
    raw = text(values)
    ok = pc.match_substring_regex(raw, _YUAN)
    good = _null_where_bad(raw, ok, pa.string())
    # Pad to exactly two decimals, then drop the point: "51.3" → "51.30" → 5130 fen.
    padded = pc.if_else(
        pc.match_substring_regex(good, r"\.\d\d$"),
        good,
        pc.if_else(
            pc.match_substring_regex(good, r"\.\d$"),
            pc.binary_join_element_wise(good, "0", ""),
            pc.binary_join_element_wise(good, ".00", ""),
        ),
    )
    out = pc.cast(pc.replace_substring(pc.replace_substring(padded, ".", ""), "+", ""), pa.int64())
    too_precise = to_numpy_mask(pc.match_substring_regex(raw, _YUAN_TOO_PRECISE))
    other_bad = _bad_format(
        raw, ok, "金额格式错误（元，最多两位小数）", "invalid amount (yuan, at most two decimals)"
    )
    problems = (
        *required(f, raw),
        Problem(
            too_precise,
            "金额超过两位小数（元），不会自动舍入",
            "amount has more than two decimals (yuan); it is not rounded",
        ),
        Problem(other_bad.mask & ~too_precise, other_bad.zh, other_bad.en),
        *_range(f, out, " 分", " fen"),
    )
    return Converted(out, tuple(p for p in problems if p.mask.any()))


CONVERTERS = {
    Kind.STRING: convert_string,
    Kind.ENUM: convert_string,
    Kind.INT: convert_int,
    Kind.MONEY: convert_fen,
    Kind.FLOAT: convert_float,
    Kind.BOOL: convert_bool,
    Kind.DATE: convert_date,
    Kind.TIMESTAMP: convert_timestamp,
}


def convert(
    f: Field, values: pa.Array | pa.ChunkedArray, today: dt.date | None = None
) -> Converted:
    """Convert a column given under the field's own name; ``today`` is the import day that
    event dates may not pass (see :func:`convert_date`)."""
    if f.kind is Kind.DATE:
        return convert_date(f, _array(values), today)
    return CONVERTERS[f.kind](f, _array(values))


# ------------------------------------------------------------------ personal information


@dataclass(frozen=True)
class Identities:
    """Pseudonyms, masks, sex and birth dates of an ``id_number`` column (nulls where
    invalid). ``birth_date`` is for checks only: only its month is stored."""

    person_id: pa.Array
    id_masked: pa.Array
    sex: pa.Array
    birth_date: pa.Array
    problems: tuple[Problem, ...]


def identities(
    values: pa.Array | pa.ChunkedArray, key: bytes, required_: bool = True
) -> Identities:
    """Validate GB 11643 numbers and derive ``person_id`` / ``id_masked`` / ``sex`` / birth
    date, once per distinct number (a resident appears in many records)."""
    raw = text(values)
    encoded = pc.dictionary_encode(raw)
    distinct = encoded.dictionary.to_pylist()
    pids: list[str | None] = []
    masks: list[str | None] = []
    sexes: list[str | None] = []
    births: list[dt.date | None] = []
    reason: list[int] = []
    messages: dict[tuple[str, str], int] = {}
    for number in distinct:
        try:
            normal = _validate_identity(number)
        except identity.IdentityError as exc:
            pids.append(None)
            masks.append(None)
            sexes.append(None)
            births.append(None)
            reason.append(messages.setdefault((exc.zh, exc.en), len(messages) + 1))
            continue
        pids.append(identity.pseudonym(normal, key))
        masks.append(identity.mask(normal))
        sex_, born = identity.facts(normal)
        sexes.append(sex_)
        births.append(born)
        reason.append(0)
    indices = encoded.indices
    person_id = pc.take(pa.array(pids, pa.string()), indices)
    id_masked = pc.take(pa.array(masks, pa.string()), indices)
    sex = pc.take(pa.array(sexes, pa.string()), indices)
    birth = pc.take(pa.array(births, pa.date32()), indices)
    codes = np.asarray(reason, dtype=np.int64)
    row_codes = (
        codes[np.asarray(pc.fill_null(indices, 0).to_numpy(zero_copy_only=False), dtype=np.int64)]
        if len(codes)
        else np.zeros(len(raw), dtype=np.int64)
    )
    row_codes = np.where(to_numpy_mask(pc.is_valid(raw)), row_codes, 0)
    problems = [Problem(row_codes == code, zh, en) for (zh, en), code in messages.items()]
    if required_:
        problems.extend(required(Field("id_number", Kind.STRING, "", ""), raw))
    return Identities(person_id, id_masked, sex, birth, tuple(p for p in problems if p.mask.any()))


def _validate_identity(number: str) -> str:
    """:func:`identity.validate`, first naming the usual Excel mistake: a number column."""
    if re.fullmatch(_EXCEL_NUMBER, number):
        raise identity.IdentityError(
            "身份证号被 Excel 转成了科学计数法（如 4.4E+17）或数值，后几位已丢失；"
            "请将该列设为“文本”格式后重新录入",
            "the identity number was turned into scientific notation (e.g. 4.4E+17) or a "
            "number by Excel and its last digits are lost; format the column as Text and "
            "re-enter",
        )
    return identity.validate(number)


def masked_names(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``name`` → ``name_masked`` (surname kept), once per distinct name."""
    raw = text(values)
    encoded = pc.dictionary_encode(raw)
    masked = [identity.mask_name(n) for n in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(masked, pa.string()), encoded.indices)


def is_masked_name(values: pa.Array) -> pa.Array:
    """True where a name is already in masked form (masking it again changes nothing)."""
    encoded = pc.dictionary_encode(values)
    ok = [identity.mask_name(v) == v for v in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(ok, pa.bool_()), encoded.indices)

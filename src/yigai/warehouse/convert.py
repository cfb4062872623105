"""Column conversion and validation (数据转换与校验), vectorised with pyarrow.compute.

Each converter turns one input column (text from CSV/XLSX, or typed from Parquet/Arrow) into
the stored Arrow type and reports its problems as boolean row masks. No Python loop runs per
row; identity numbers and names are handled once per distinct value.

Accepted text forms:

* dates: ``YYYY-MM-DD``, ``YYYY/MM/DD`` (month and day may be one digit) and ``YYYYMMDD``,
  optionally followed by a midnight time ``00:00[:00]``; impossible dates are rejected;
* booleans: ``1``/``0``, ``true``/``false``, ``t``/``f``, ``yes``/``no``, ``y``/``n``, ``是``/``否``
  (case-insensitive);
* integers: digits with an optional sign (``12.0`` is accepted as 12, ``12.5`` is not);
* money in fen (``*_fen``): an integer; money in yuan: at most two decimals, converted exactly
  (``51.03`` → 5103 fen). ``51.035`` is rejected, never rounded. ``min``/``max`` of a money
  field are in fen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.people import identity
from yigai.records.fields import Field, Kind

TRUE_WORDS = ("1", "true", "t", "yes", "y", "是")
FALSE_WORDS = ("0", "false", "f", "no", "n", "否")
PSEUDONYM_PATTERN = r"^[0-9a-f]{32}$"
ID_MASKED_PATTERN = r"^[0-9]{6}\*{8}[0-9]{3}[0-9X]$"

_INT = r"^[+-]?\d{1,18}(\.0*)?$"
_FLOAT = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_YUAN = r"^\+?\d{1,16}(\.\d{1,2})?$"
_YUAN_TOO_PRECISE = r"^[+-]?\d+\.\d{3,}$"
_DATE_SEP = r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?:[ T]00:00(?::00)?)?$"
_DATE_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
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


def convert_string(f: Field, values: pa.Array) -> Converted:
    raw = text(values)
    problems = list(required(f, raw))
    if f.kind is Kind.ENUM and f.choices:
        ok = pc.is_in(raw, value_set=pa.array(f.choices, pa.string()))
        shown = "、".join(f.choices[:12]) + ("…" if len(f.choices) > 12 else "")
        problems.append(
            _bad_format(
                raw,
                ok,
                f"不是有效代码（可选：{shown}）",
                f"not a valid code (allowed: {', '.join(f.choices)})",
            )
        )
        raw = _null_where_bad(raw, ok, pa.string())
    return Converted(raw, tuple(p for p in problems if p.mask.any()))


def convert_int(f: Field, values: pa.Array) -> Converted:
    values = _array(values)
    if pa.types.is_integer(values.type):
        out = pc.cast(values, pa.int64())
        return Converted(out, required(f, out) + _range(f, out))
    raw = text(values)
    out, ok = _parse_int_text(raw)
    problems = (
        *required(f, raw),
        _bad_format(raw, ok, "不是整数", "not an integer"),
        *_range(f, out),
    )
    return Converted(out, tuple(p for p in problems if p.mask.any()))


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
    for pattern, placeholder in ((_DATE_SEP, "0000-01-01"), (_DATE_COMPACT, "00000101")):
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
    out = pa.array(dates, type=pa.date32(), mask=~ok)
    return out, pa.array(ok)


def convert_date(f: Field, values: pa.Array) -> Converted:
    values = _array(values)
    if pa.types.is_date32(values.type):
        return Converted(values, required(f, values))
    if pa.types.is_date64(values.type):
        out = pc.cast(values, pa.date32())
        return Converted(out, required(f, out))
    raw = text(values)
    out, ok = parse_dates(raw)
    problems = (
        *required(f, raw),
        _bad_format(
            raw,
            ok,
            "日期无效（格式 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD）",
            "invalid date (use YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)",
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
    values = _array(values)
    if pa.types.is_integer(values.type):
        out = pc.cast(values, pa.int64())
        return Converted(out, required(f, out) + _range(f, out, " 分", " fen"))
    raw = text(values)
    out, ok = _parse_int_text(raw)
    problems = (
        *required(f, raw),
        _bad_format(raw, ok, "金额（分）应为整数", "an amount in fen must be an integer"),
        *_range(f, out, " 分", " fen"),
    )
    return Converted(out, tuple(p for p in problems if p.mask.any()))


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


def convert(f: Field, values: pa.Array | pa.ChunkedArray) -> Converted:
    """Convert a column given under the field's own name."""
    return CONVERTERS[f.kind](f, _array(values))


# ------------------------------------------------------------------ personal information


@dataclass(frozen=True)
class Identities:
    """Pseudonyms and masks of an ``id_number`` column (nulls where invalid)."""

    person_id: pa.Array
    id_masked: pa.Array
    problems: tuple[Problem, ...]


def identities(
    values: pa.Array | pa.ChunkedArray, key: bytes, required_: bool = True
) -> Identities:
    """Validate GB 11643 numbers and derive ``person_id`` / ``id_masked``, once per distinct
    number (a resident appears in many records)."""
    raw = text(values)
    encoded = pc.dictionary_encode(raw)
    distinct = encoded.dictionary.to_pylist()
    pids: list[str | None] = []
    masks: list[str | None] = []
    reason: list[int] = []
    messages: dict[tuple[str, str], int] = {}
    for number in distinct:
        try:
            normal = identity.validate(number)
        except identity.IdentityError as exc:
            pids.append(None)
            masks.append(None)
            reason.append(messages.setdefault((exc.zh, exc.en), len(messages) + 1))
            continue
        pids.append(identity.pseudonym(normal, key))
        masks.append(identity.mask(normal))
        reason.append(0)
    indices = encoded.indices
    person_id = pc.take(pa.array(pids, pa.string()), indices)
    id_masked = pc.take(pa.array(masks, pa.string()), indices)
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
    return Identities(person_id, id_masked, tuple(p for p in problems if p.mask.any()))


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

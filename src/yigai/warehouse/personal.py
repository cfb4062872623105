"""Personal inputs at ingestion (个人信息): what an identity number gives, and what is refused.

An ``id_number`` gives ``person_id``, ``id_masked``, ``sex`` and ``birth_ym`` (see
:func:`yigai.warehouse.convert.identities`). ``sex`` / ``birth_date`` / ``birth_ym`` given
beside it must agree with it. Only the birth year-month is stored (the 1st of the month), and a
resident's other dates that fall on the birthday are moved to that 1st, so the birth day is
stored nowhere. A raw identity number hidden in any other text column rejects the row.
docs/PRIVACY.md gives the threat model these rules answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.people import identity
from yigai.records.fields import Field, Kind, RecordSet
from yigai.warehouse.columns import Source
from yigai.warehouse.convert import (
    Converted,
    Identities,
    convert,
    convert_date,
    text,
    to_numpy_mask,
)


@dataclass
class Found:
    """Problems found so far at ingestion: (column shown, mask, zh, en, values shown). Values
    may be given as a function, so the text of a column is only built when some row is bad."""

    n: int
    items: list[tuple[str, np.ndarray, str, str, pa.Array]] = field(default_factory=list)

    def add(
        self,
        column: str,
        mask: np.ndarray,
        zh: str,
        en: str,
        values: pa.Array | Callable[[], pa.Array],
    ) -> None:
        if mask.any():
            shown = values() if callable(values) else values
            self.items.append((column, mask, zh, en, shown))

    def bad(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for _, mask, _, _, _ in self.items:
            out |= mask
        return out


def month_start(dates: pa.Array) -> pa.Array:
    """date32 values moved to the 1st of their month (what ``birth_ym`` stores)."""
    days = np.asarray(dates.to_numpy(zero_copy_only=False), dtype="datetime64[D]")
    first = days.astype("datetime64[M]").astype("datetime64[D]")
    return pa.array(first, type=pa.date32(), mask=np.asarray(dates.is_null()))


_YEAR_MONTH = r"^(\d{4})[-/]?(\d{1,2})$"


def convert_birth_month(
    f: Field, values: pa.Array | pa.ChunkedArray, today: dt.date | None = None
) -> Converted:
    """``birth_ym`` (出生年月) given directly: ``YYYY-MM``, ``YYYY/MM``, ``YYYYMM`` or any
    accepted date form, stored as the 1st of the month (the day is never kept)."""
    if not (pa.types.is_date32(values.type) or pa.types.is_date64(values.type)):
        raw = text(values)
        ym = pc.match_substring_regex(raw, _YEAR_MONTH)
        full = pc.replace_substring_regex(raw, _YEAR_MONTH, r"\1-\2-01")
        values = pc.if_else(pc.fill_null(ym, False), full, raw)
    converted = convert_date(f, values, today)
    return Converted(month_start(converted.array), converted.problems)


def hidden_numbers(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Rows whose text holds a GB 11643-valid number (a raw identity number in an id, a
    department or free text). A regex filter runs over every row; only rows with a long
    enough digit run (rare) are checked one distinct value at a time."""
    raw = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_dictionary(raw.type):
        raw = raw.dictionary_decode()
    none = np.zeros(len(raw), dtype=bool)
    if not (pa.types.is_string(raw.type) or pa.types.is_large_string(raw.type)):
        return none
    longest = pc.max(pc.binary_length(raw)).as_py()
    if longest is None or longest < 18:  # codes and names: one cheap pass instead of a regex
        return none
    maybe = to_numpy_mask(pc.match_substring_regex(raw, identity.EMBEDDED_PATTERN))
    if not maybe.any():
        return maybe
    rows = np.flatnonzero(maybe)
    suspects = raw.take(pa.array(rows)).to_pylist()
    found = {v: bool(identity.find_numbers(v)) for v in set(suspects)}
    out = np.zeros(len(raw), dtype=bool)
    out[rows] = [found[v] for v in suspects]
    return out


def from_identity(name: str, ids: Identities) -> pa.Array:
    """A stored field derived from the identity number."""
    if name == "birth_ym":
        return month_start(ids.birth_date)
    return {"person_id": ids.person_id, "id_masked": ids.id_masked, "sex": ids.sex}[name]


def checked_against_identity(
    f: Field,
    src: Source,
    values: pa.Array,
    ids: Identities | None,
    found: Found,
    today: dt.date | None,
) -> pa.Array:
    """``sex`` / ``birth_ym`` (or a full ``birth_date``) given in their own column: converted,
    and rows that contradict the identity number on the same row are rejected."""
    if f.name == "birth_ym" and src.mode == "direct":
        converted = convert_birth_month(f, values, today)
    else:
        converted = convert(f, values, today)
    shown = text(values) if converted.problems else None
    for p in converted.problems:
        found.add(src.column, p.mask, p.zh, p.en, shown)
    given = converted.array
    if ids is not None:
        expected = {"sex": ids.sex, "birth_ym": ids.birth_date}[f.name]
        if f.name == "birth_ym" and src.mode == "direct":
            expected = month_start(expected)
        what_zh, what_en = ("性别", "sex") if f.name == "sex" else ("出生日期", "birth date")
        found.add(
            src.column,
            to_numpy_mask(pc.not_equal(given, expected)),
            f"{what_zh}与身份证号不符",
            f"{what_en} does not match the identity number",
            lambda: text(values),
        )
    return month_start(given) if f.name == "birth_ym" else given


def hide_birthday(
    rs: RecordSet,
    table: pa.Table,
    plan: dict[str, Source],
    ids: Identities | None,
    out: dict[str, pa.Array],
) -> None:
    """A person's other dates that fall on their birthday (registered at birth, a record
    opened that day) would store the birth day beside ``birth_ym``: they are stored as the
    1st of the birth month instead. Period ends are month ends, so no count changes."""
    src = plan.get("birth_ym")
    if ids is not None:
        birth = ids.birth_date
    elif src is not None and src.mode == "birth_date":
        birth = convert(rs.field("birth_ym"), table[src.column]).array
    else:
        return
    for f in rs.fields:
        # Key dates (a version's start) name a row: they are never moved.
        if f.kind is Kind.DATE and f.name != "birth_ym" and f.name not in rs.stored_key:
            on_birthday = pc.fill_null(pc.equal(out[f.name], birth), False)
            out[f.name] = pc.if_else(on_birthday, month_start(birth), out[f.name])


def reject_hidden_numbers(
    rs: RecordSet, typed: pa.Table, found: Found, shown_as: dict[str, str]
) -> None:
    """Reject rows with a raw identity number inside any other text column (an encounter id
    or department built from one)."""
    for f in rs.fields:
        if f.kind is not Kind.STRING or f.name in ("person_id", "id_masked"):
            continue
        values = typed[f.name]
        found.add(
            shown_as.get(f.name, f.name),
            hidden_numbers(values),
            "含有身份证号：身份证号只能放在 id_number 列（入库时假名化）",
            "holds an identity number: put identity numbers only in the id_number column",
            values,  # shown through report.scrub, which masks anything shaped like a number
        )

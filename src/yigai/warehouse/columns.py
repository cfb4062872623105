"""Which input column feeds which stored field (列对应): names, Chinese labels, yuan/fen
money, and the personal inputs ``id_number`` and ``name``.

A column is matched by field name or by its Chinese label (``Field.zh``). Money may come as
``<name>_fen`` (integer fen) or as ``<name without _fen>`` or its Chinese label (yuan).
``id_number`` (身份证号) feeds ``person_id`` and ``id_masked``, and ``sex`` and ``birth_ym``
where the file gives no such column (when it does, ingestion checks they agree with the
number); ``birth_date`` (出生日期) feeds ``birth_ym`` (the day is dropped); ``name`` (姓名)
feeds ``name_masked`` where the record set keeps masked names. Unknown columns, two columns
for one field and missing required columns reject the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from yigai.records.fields import MONTH_COLUMN, PERSON_KEY, Field, Kind, RecordSet
from yigai.warehouse.readers import FileRejected

ID_NUMBER = "id_number"
NAME = "name"
BIRTH_DATE = "birth_date"
_ALIASES = {
    "身份证号": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "公民身份号码": ID_NUMBER,
    "姓名": NAME,
    "出生日期": BIRTH_DATE,
}
#: Stored fields an identity number also gives (GB 11643: birth date and sex are in it).
FROM_IDENTITY = ("sex", "birth_ym")


@dataclass(frozen=True)
class Source:
    column: str  # input column name as the user wrote it
    mode: Literal["direct", "yuan", "identity", "name", "birth_date"]


def plan_columns(rs: RecordSet, columns: list[str]) -> dict[str, Source]:
    """Which input column feeds each stored field; FileRejected on unknown, doubled or
    missing columns."""
    names = set(rs.names)
    targets: dict[str, Source] = {}
    unknown: list[str] = []

    def claim(target: str, source: Source) -> None:
        if target in targets:
            raise FileRejected(
                f"列 {targets[target].column!r} 和 {source.column!r} 都对应 {target}，只能提供一个",
                f"columns {targets[target].column!r} and {source.column!r} both give {target}; keep one",
                source.column,
            )
        targets[target] = source

    by_label = {f.zh: f for f in rs.fields}
    for column in columns:
        name = _ALIASES.get(column, column)
        label = by_label.get(column)
        if name == MONTH_COLUMN and rs.partitioned:
            claim(MONTH_COLUMN, Source(column, "direct"))
        elif name == PERSON_KEY and rs.keyed_by_person:
            # Rows read back from the warehouse carry it; the warehouse assigns it on storing.
            continue
        elif name in names:
            claim(name, Source(column, "direct"))
        elif label is not None and label.kind is Kind.MONEY:
            claim(label.name, Source(column, "yuan"))
        elif label is not None:
            claim(label.name, Source(column, "direct"))
        elif f"{name}_fen" in names and rs.field(f"{name}_fen").kind is Kind.MONEY:
            claim(f"{name}_fen", Source(column, "yuan"))
        elif name == ID_NUMBER and "person_id" in names:
            claim("person_id", Source(column, "identity"))
            if "id_masked" in names:
                claim("id_masked", Source(column, "identity"))
        elif name == NAME and "name_masked" in names:
            claim("name_masked", Source(column, "name"))
        elif name == BIRTH_DATE and "birth_ym" in names:
            claim("birth_ym", Source(column, "birth_date"))
        else:
            unknown.append(column)
    person = targets.get("person_id")
    if person is not None and person.mode == "identity":
        for derived in FROM_IDENTITY:
            if derived in names and derived not in targets:
                targets[derived] = Source(person.column, "identity")
    if unknown:
        zh, en = _expected(rs)
        raise FileRejected(
            f"{rs.zh}（{rs.name}）没有这些列：{'、'.join(unknown)}。{zh}",
            f"{rs.name} has no columns {', '.join(unknown)}. {en}",
            unknown[0],
        )
    missing = [f for f in rs.fields if f.required and f.name not in targets]
    if missing:
        shown_zh = "、".join(f"{_input_hint(f)}（{f.zh}）" for f in missing)
        shown_en = ", ".join(_input_hint(f) for f in missing)
        zh, en = _expected(rs)
        raise FileRejected(
            f"缺少必填列：{shown_zh}。{zh}",
            f"required columns are missing: {shown_en}. {en}",
            _input_hint(missing[0]),
        )
    return targets


def _expected(rs: RecordSet) -> tuple[str, str]:
    """The columns ``rs`` takes, for a rejected header (the import docs' own list)."""
    from yigai.records.docs import expected_columns  # the docs read this module

    return expected_columns(rs)


def _input_hint(f: Field) -> str:
    if f.name in ("person_id", "id_masked"):
        return ID_NUMBER
    if f.name in FROM_IDENTITY:
        return f"{f.name} / {ID_NUMBER}"
    if f.kind is Kind.MONEY:
        return f"{f.name} / {f.name.removesuffix('_fen')}"
    return f.name

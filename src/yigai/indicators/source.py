"""Where the engine gets records (数据来源): anything that lists Parquet files per record set.

The warehouse (``yigai.warehouse.Warehouse``) satisfies :class:`TableSource` as it stands
(``files(name, months=None) -> list[Path]``). :class:`ArrowSource` wraps in-memory Arrow
tables (tests, small imports) by writing each, conformed to its stored schema and with the
warehouse's integer ``person_key`` assigned, to Parquet once — so both engines always read
the same files the same way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

import pyarrow as pa
import pyarrow.parquet as pq

from yigai.records import schemas
from yigai.warehouse import person_keys


@runtime_checkable
class TableSource(Protocol):
    """Record-set name → committed Parquet files (optionally only some ``yyyymm`` months)."""

    def files(self, name: str, months: Iterable[int] | None = None) -> list[Path]: ...


def conform(table: pa.Table, name: str) -> pa.Table:
    """Cast ``table`` to the stored schema of record set ``name``.

    Missing nullable columns become nulls; a missing required column or an extra column is
    an error, so a typo never silently turns into an empty filter.
    """
    schema = schemas.get(name).arrow_schema()
    extra = set(table.column_names) - set(schema.names)
    if extra:
        raise ValueError(
            f"记录集 {name} 含有未定义的列 {sorted(extra)} / "
            f"record set {name} has undeclared columns {sorted(extra)}"
        )
    cols = []
    for f in schema:
        if f.name in table.column_names:
            cols.append(table[f.name].cast(f.type))
        elif f.nullable:
            cols.append(pa.nulls(table.num_rows, f.type))
        else:
            raise ValueError(
                f"记录集 {name} 缺少必填列 {f.name} / record set {name} lacks required column {f.name}"
            )
    return pa.Table.from_arrays(cols, schema=schema)


class ArrowSource:
    """A :class:`TableSource` over in-memory tables, written to Parquet in ``directory``."""

    def __init__(self, tables: Mapping[str, pa.Table], directory: Path | None = None) -> None:
        self._tables = dict(tables)
        self._dir = Path(directory or tempfile.mkdtemp(prefix="yigai-arrow-"))
        self._written: dict[str, Path] = {}
        self._keys = person_keys.KeyMap.empty()

    def files(self, name: str, months: Iterable[int] | None = None) -> list[Path]:
        """All rows of ``name`` (month filtering is left to the engine's period join)."""
        if name not in self._tables:
            return []
        if name not in self._written:
            path = self._dir / f"{name}.parquet"
            table = self._tables[name]
            if schemas.get(name).keyed_by_person:
                # As the warehouse does on storing: one key per pseudonym across record sets.
                table, self._keys = person_keys.with_keys(table, self._keys)
            pq.write_table(conform(table, name), path)
            self._written[name] = path
        return [self._written[name]]

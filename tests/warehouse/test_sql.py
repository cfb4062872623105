"""The warehouse's files in DuckDB SQL text (:mod:`yigai.warehouse.sql`)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from yigai.warehouse.sql import file_list


def test_a_folder_with_a_quote_in_its_name_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "县's data"
    folder.mkdir()
    paths = []
    for n in (1, 2):
        paths.append(folder / f"{n}.parquet")
        pq.write_table(pa.table({"x": [n]}), paths[-1])
    with duckdb.connect() as con:
        got = con.execute(f"SELECT sum(x) FROM read_parquet({file_list(paths)})").fetchall()
    assert got == [(3,)]

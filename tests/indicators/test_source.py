"""Arrow tables as a record source: conformed to the stored schema, errors bilingual."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import contracts, residents
from yigai.indicators.source import ArrowSource, TableSource, conform
from yigai.records.schemas import CONTRACTS, RESIDENTS


def test_arrow_source_is_a_table_source(tmp_path: Path) -> None:
    assert isinstance(ArrowSource({}, tmp_path), TableSource)


def test_files_are_written_once_with_the_stored_schema(tmp_path: Path) -> None:
    src = ArrowSource({"contracts": contracts()}, tmp_path)
    (path,) = src.files("contracts")
    assert src.files("contracts", [202501]) == [path]
    assert pq.read_schema(path).names == CONTRACTS.arrow_schema().names


def test_absent_record_set_has_no_files(tmp_path: Path) -> None:
    assert ArrowSource({}, tmp_path).files("followups") == []


def test_missing_nullable_columns_become_nulls() -> None:
    """The fixture residents omit name_masked and most group flags."""
    out = conform(residents(), "residents")
    assert out.schema == RESIDENTS.arrow_schema()
    assert out["name_masked"].null_count == out.num_rows


def test_missing_required_column_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"缺少必填列 team_id / .*lacks required column team_id"):
        conform(contracts().drop_columns(["team_id"]), "contracts")


def test_undeclared_column_is_an_error() -> None:
    table = contracts().append_column("tem_id", pa.array(["x"] * 4))
    with pytest.raises(ValueError, match="undeclared columns \\['tem_id'\\]"):
        conform(table, "contracts")

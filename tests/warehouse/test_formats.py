"""Import formats (yigai.records.docs): one generated page and example file per record set,
committed under docs/import; a rejected header lists the columns the record set takes."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yigai import cli
from yigai.records import docs, schemas
from yigai.warehouse import Warehouse
from yigai.warehouse.columns import plan_columns
from yigai.warehouse.ingest import ingest_file
from yigai.warehouse.readers import FileRejected

from .conftest import KEY

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "import"
WriteCsv = Callable[..., Path]


def test_committed_import_docs_equal_the_generated_ones() -> None:
    """Regenerate with ``python -m yigai.records.docs docs/import``."""
    expected = docs.generated_files()
    committed = {
        p.relative_to(DOCS).as_posix(): p.read_text(encoding="utf-8")
        for p in DOCS.rglob("*")
        if p.is_file()
    }
    assert committed == expected


def test_example_files_import_cleanly_in_the_documented_order(tmp_path: Path) -> None:
    docs.write_docs(tmp_path / "import")
    wh = Warehouse(tmp_path / "wh")
    for name in docs.IMPORT_ORDER:
        path = tmp_path / "import" / "examples" / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = len(list(csv.DictReader(fh)))
        report = ingest_file(wh, name, path, key=KEY)
        assert (name, report.status, report.rejections) == (name, "committed", [])
        assert report.rows_stored == rows > 0


@pytest.mark.parametrize("name", docs.IMPORT_ORDER)
def test_documented_required_columns_are_the_ones_ingestion_requires(name: str) -> None:
    rs = schemas.get(name)
    cols = docs.input_columns(rs)
    required = [c.name for c in cols if c.required]
    plan_columns(rs, [c.name for c in cols])
    plan_columns(rs, [c.zh for c in cols])
    plan_columns(rs, required)
    for left_out in required:
        with pytest.raises(FileRejected):
            plan_columns(rs, [c for c in required if c != left_out])


def test_page_lists_codes_with_their_chinese_names() -> None:
    page = docs.render(schemas.get("residents"))
    row = next(line for line in page.splitlines() if line.startswith("| `sex` |"))
    assert "`M` 男" in row and "`F` 女" in row
    assert "| `id_number` | 身份证号 | 是 yes |" in page


def test_unknown_column_lists_the_expected_columns(wh: Warehouse, write_csv: WriteCsv) -> None:
    report = ingest_file(wh, "staff", write_csv("staff_id,colour\nS1,red\n"), key=KEY)
    (rejection,) = report.rejections
    assert "应有的列：必填 staff_id（人员编码）、institution_id（所在机构）" in rejection.zh
    assert "选填 left_on（离职日期）" in rejection.zh
    assert "expected columns: required staff_id, institution_id, profession" in rejection.en
    assert "optional left_on" in rejection.en


def test_missing_column_lists_the_expected_columns(wh: Warehouse, write_csv: WriteCsv) -> None:
    report = ingest_file(wh, "org_units", write_csv("org_id,name\nC1,某县\n"), key=KEY)
    (rejection,) = report.rejections
    assert rejection.zh.startswith("缺少必填列：kind（层级）。应有的列：必填 org_id（机构编码）")
    assert "optional parent_id, inst_type" in rejection.en


def test_cli_prints_a_record_sets_format_and_the_list() -> None:
    runner = CliRunner()
    page = runner.invoke(cli.app, ["import", "formats", "encounters"])
    assert page.exit_code == 0 and page.stdout == docs.render(schemas.get("encounters")) + "\n"
    index = runner.invoke(cli.app, ["import", "formats"])
    assert index.exit_code == 0 and "[就诊记录 `encounters`](encounters.md)" in index.stdout


def test_cli_formats_of_an_unknown_record_set_exits_2() -> None:
    result = CliRunner().invoke(cli.app, ["import", "formats", "nosuch"])
    assert result.exit_code == 2 and "未知的记录集" in result.output

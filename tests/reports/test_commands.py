"""``yigai report`` through Typer's runner: the YAML-file sub-commands and the ``report``
command that builds the bulletin from the platform's data (one PDF render per test run)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from yigai.reports.commands import app, report

from .test_assemble import synth_home

DEMO = Path(__file__).parent / "data" / "monthly_demo.yaml"


def test_monthly_command_writes_and_lists_four_files(tmp_path):
    result = CliRunner().invoke(app, ["monthly", str(DEMO), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    listed = dict(line.split("\t") for line in result.output.strip().splitlines())
    assert set(listed) == {"docx", "pdf", "xlsx", "html"} and all(
        Path(p).is_file() for p in listed.values()
    )


def test_bulletin_of_a_month_exits_with_a_bilingual_message(tmp_path):
    result = CliRunner().invoke(app, ["bulletin", str(DEMO), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "不是季度" in result.output and "is not a quarter" in result.output


# --- yigai report --period: from the platform's data ------------------------------------

report_app = typer.Typer()
report_app.command()(report)


@pytest.fixture(scope="session")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """The one PDF render of this file: the 2025Q4 bulletin of the synthetic county."""
    home = synth_home(tmp_path_factory.getbasetemp())
    out = tmp_path_factory.mktemp("report_out")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("YIGAI_DATABASE_URL", raising=False)
        result = CliRunner().invoke(
            report_app, ["--period", "2025Q4", "--home", str(home), "--out", str(out)]
        )
    return result, out


def test_report_writes_the_four_files_and_lists_them(written):
    result, out = written
    assert result.exit_code == 0, result.output
    files = sorted(p.suffix for p in out.glob("quarterly_*"))
    assert files == [".docx", ".html", ".pdf", ".xlsx"]
    # The Rich table folds long paths over several lines; drop borders and breaks to read them.
    flat = re.sub(r"[│┃\s]", "", result.output)
    assert all(str(p) in flat for p in out.glob("quarterly_*"))


def test_bulletin_docx_names_the_county_and_an_indicator(written):
    from docx import Document

    _, out = written
    doc = Document(str(next(out.glob("quarterly_*.docx"))))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "南凤县深化医药卫生体制改革领导小组办公室" in text
    assert "县域内就诊率" in text + cells


def test_bulletin_xlsx_opens_with_the_indicator_sheet(written):
    from openpyxl import load_workbook

    _, out = written
    wb = load_workbook(next(out.glob("quarterly_*.xlsx")), read_only=True)
    values = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "县域内就诊率" in values and "考核得分明细" in wb.sheetnames


def test_bulletin_pdf_opens(written):
    import pypdfium2 as pdfium

    _, out = written
    assert len(pdfium.PdfDocument(next(out.glob("quarterly_*.pdf")))) >= 2


def test_month_with_kind_bulletin_is_a_bilingual_error(tmp_path):
    result = CliRunner().invoke(
        report_app,
        [
            "--period",
            "202512",
            "--kind",
            "bulletin",
            "--home",
            str(tmp_path),
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2
    assert "季度通报需要季度周期" in result.output and "a bulletin needs a quarter" in result.output
    assert not list(tmp_path.glob("*.docx"))


def test_bad_period_id_is_a_bilingual_error(tmp_path):
    result = CliRunner().invoke(report_app, ["--period", "2025-13", "--home", str(tmp_path)])
    assert result.exit_code == 2 and "/" in result.output


def test_home_option_leaves_the_environment_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("YIGAI_HOME", "/elsewhere")
    CliRunner().invoke(report_app, ["--period", "2025Q4", "--home", str(tmp_path)])
    assert os.environ["YIGAI_HOME"] == "/elsewhere"


def test_empty_warehouse_says_to_run_the_demo(tmp_path):
    result = CliRunner().invoke(report_app, ["--period", "2025Q4", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "yigai demo" in result.output and "没有县级单位" in result.output

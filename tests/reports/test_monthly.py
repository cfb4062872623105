"""write_monthly_report: the four documents for one month (seed 001: 月报告)."""

from __future__ import annotations

import pytest

from yigai.reports import ReportDataError, write_monthly_report

from .factories import make_data


def test_monthly_report_writes_docx_pdf_xlsx_html(monthly_files):
    assert set(monthly_files) == {"docx", "pdf", "xlsx", "html"}
    for kind, path in monthly_files.items():
        assert path.suffix == f".{kind}" and path.stat().st_size > 1000
    assert monthly_files["docx"].name == "monthly_C01_202503.docx"


def test_monthly_report_of_a_quarter_is_refused_before_writing(tmp_path):
    with pytest.raises(ReportDataError, match="is not a month"):
        write_monthly_report(make_data("2025Q1"), tmp_path)
    assert not list(tmp_path.iterdir())

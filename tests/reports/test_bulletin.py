"""write_quarterly_bulletin: the quarterly bulletin (seed 001: 季通报) naming commended and
criticised units."""

from __future__ import annotations

import pytest
from docx import Document

from yigai.reports import ReportDataError, write_quarterly_bulletin

from .factories import make_data


def test_bulletin_writes_four_documents(bulletin_files):
    assert set(bulletin_files) == {"docx", "pdf", "xlsx", "html"}
    assert all(p.is_file() for p in bulletin_files.values())


def test_bulletin_title_and_consequences_are_in_the_docx(bulletin_files):
    text = "\n".join(p.text for p in Document(str(bulletin_files["docx"])).paragraphs)
    assert "关于2025年第一季度县域医共体建设监测考核情况的通报" in text
    assert "对乙镇卫生院予以通报批评，限期整改。" in text
    assert "现将2025年第一季度示范县深化医药卫生体制改革监测考核情况通报如下。" in text


def test_bulletin_of_a_month_is_refused(tmp_path):
    with pytest.raises(ReportDataError, match="不是季度"):
        write_quarterly_bulletin(make_data("202503"), tmp_path)

"""The HTML rendering: same sections and numbers as the other formats, charts inlined
(one self-contained file), user text escaped."""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path

from yigai.reports.html_writer import render_html
from yigai.reports.sections import ReportKind, build

from .factories import header, make_data


def test_html_has_all_sections_and_table_values(monthly_files):
    html = monthly_files["html"].read_text(encoding="utf-8")
    for heading in (
        "一、总体情况",
        "二、主要指标完成情况",
        "三、考核排名",
        "四、重点任务进展",
        "五、存在问题和下一步工作",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert "<td>47.85元</td>" in html and "县医改办〔2025〕12号" in html


def test_html_is_one_self_contained_file_with_the_charts_inlined(monthly_files):
    """Issue 14 §3: the HTML carries its charts (PNG data URIs), so it is one file that
    opens anywhere; nothing is referenced beside it."""
    html_path: Path = monthly_files["html"]
    html = html_path.read_text(encoding="utf-8")
    sources = [part.split('"')[0] for part in html.split('<img src="')[1:]]
    assert len(sources) == 2
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_css_is_inlined_unescaped(monthly_files):
    html = monthly_files["html"].read_text(encoding="utf-8")
    assert 'content: "— " counter(page) " —"' in html


def test_user_text_is_escaped(tmp_path):
    data = make_data(header=replace(header(), recipients_zh="<script>x</script>"))
    html = render_html(build(data, ReportKind.MONTHLY), tmp_path)
    assert "<script>x" not in html and "&lt;script&gt;x" in html

"""The report download in a real browser: an official opens the report page, downloads the
county's quarterly bulletin in each format (Playwright ``expect_download``), and the files
open (DOCX with python-docx, PDF with pypdfium2, XLSX with openpyxl). The pages are
drawn from the font subset: the full 16 MB font is not fetched for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.browser_helpers import check_rendering, log_in_page, need_browser, served
from tests.web.report_site import ReportSite, report_site

from yigai.auth import Role
from yigai.web import fonts

pytestmark = pytest.mark.xdist_group("report_site")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ReportSite]]:
    need_browser()
    report = report_site(tmp_path_factory.getbasetemp())
    with served(report.app(), start_seconds=60) as base:
        yield base, report


def test_the_official_downloads_the_bulletin_and_it_opens(
    site: tuple[str, ReportSite],
    browser,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    import docx
    import openpyxl
    import pypdfium2 as pdfium

    base, report = site
    county = report.county()
    page = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    log_in_page(page, base, Role.HEALTH_BUREAU, after="/reports")
    page.goto(f"{base}/reports?unit={county}&period=2025Q4")
    assert page.inner_text("#report h2").endswith("2025年第4季度通报")
    page.evaluate("document.fonts.ready")
    # the pages so far drew from the subset alone (before the tofu check draws a
    # character no font has, which does reach for the full font)
    assert not [u for u in fetched if fonts.FULL_FILE in u]
    assert [u for u in fetched if "/static/fonts/subset-" in u]
    check_rendering(page, tmp_path, "reports")
    saved = {}
    for fmt in ("docx", "pdf", "xlsx"):
        # the first one writes the report (seconds on a loaded machine)
        with page.expect_download(timeout=300_000) as info:
            page.click(f"#dl-{fmt}")
        download = info.value
        assert download.suggested_filename.endswith(f"2025年第4季度通报.{fmt}")
        saved[fmt] = tmp_path / f"bulletin.{fmt}"
        download.save_as(saved[fmt])
    name = report.orgs.info[county].name
    text = "\n".join(p.text for p in docx.Document(str(saved["docx"])).paragraphs)
    assert name in text and "通报" in text
    assert saved["pdf"].read_bytes()[:5] == b"%PDF-"
    assert len(pdfium.PdfDocument(str(saved["pdf"]))) >= 1
    book = openpyxl.load_workbook(saved["xlsx"], read_only=True)
    assert len(book.sheetnames) >= 1

"""The report download in a real browser: an official opens the report page, downloads the
county's quarterly bulletin in each format (Playwright ``expect_download``), and the files
open (DOCX with python-docx, PDF with pypdfium2, XLSX with openpyxl). The pages are
drawn from the font subset: the full 16 MB font is not fetched for them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.report_site import ReportSite, report_site
from tests.web.test_browser import ARGS, CHROMIUM, _check_rendering, _free_port, _need_browser

from yigai.auth import Role
from yigai.service.bootstrap import demo_password
from yigai.web import fonts

pytestmark = pytest.mark.xdist_group("report_site")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ReportSite]]:
    _need_browser()
    import uvicorn

    site = report_site(tmp_path_factory.getbasetemp())
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(site.app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", site
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_the_official_downloads_the_bulletin_and_it_opens(
    served: tuple[str, ReportSite], tmp_path: Path
) -> None:
    import docx
    import openpyxl
    import pypdfium2 as pdfium
    from playwright.sync_api import sync_playwright

    base, site = served
    county = site.county()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(locale="zh-CN", accept_downloads=True)
            page = context.new_page()
            fetched: list[str] = []
            page.on("request", lambda r: fetched.append(r.url))
            page.goto(f"{base}/login?next=/reports")
            page.fill("#username", Role.HEALTH_BUREAU.value)
            page.fill("#password", demo_password(Role.HEALTH_BUREAU))
            page.click("#login-submit")
            page.wait_for_load_state("load")
            page.goto(f"{base}/reports?unit={county}&period=2025Q4")
            assert page.inner_text("#report h2").endswith("2025年第4季度通报")
            page.evaluate("document.fonts.ready")
            # the pages so far drew from the subset alone (before the tofu check draws a
            # character no font has, which does reach for the full font)
            assert not [u for u in fetched if fonts.FULL_FILE in u]
            assert [u for u in fetched if "/static/fonts/subset-" in u]
            _check_rendering(page, tmp_path, "reports")
            saved = {}
            for fmt in ("docx", "pdf", "xlsx"):
                # the first one writes the report (seconds on a loaded machine)
                with page.expect_download(timeout=300_000) as info:
                    page.click(f"#dl-{fmt}")
                download = info.value
                assert download.suggested_filename.endswith(f"2025年第4季度通报.{fmt}")
                saved[fmt] = tmp_path / f"bulletin.{fmt}"
                download.save_as(saved[fmt])
        finally:
            browser.close()
    name = site.orgs.info[county].name
    text = "\n".join(p.text for p in docx.Document(str(saved["docx"])).paragraphs)
    assert name in text and "通报" in text
    assert saved["pdf"].read_bytes()[:5] == b"%PDF-"
    assert len(pdfium.PdfDocument(str(saved["pdf"]))) >= 1
    book = openpyxl.load_workbook(saved["xlsx"], read_only=True)
    assert len(book.sheetnames) >= 1

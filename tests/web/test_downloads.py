"""Report downloads (web/report_pages): the files equal what ``yigai report`` writes for the
same unit and period, come from the cache the second time, keep to the user's scope, and
carry a Chinese file name with an ASCII fallback.

One bulletin (2025Q4) and one monthly report (202512) of the synthetic county are written
for the whole module; the CLI writes the same bulletin once for the comparison.
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

import docx
import pytest
from fastapi.testclient import TestClient
from tests.reports.test_formats_agree import _docx_tables, _pdf_text
from tests.test_demo import _xlsx_cells
from tests.web.conftest import log_in
from tests.web.report_site import ReportSite, report_site
from typer.testing import CliRunner

from yigai.auth import Role
from yigai.reports.commands import report
from yigai.web import report_files
from yigai.web.dashboards.figures import warehouse

pytestmark = pytest.mark.xdist_group("report_site")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> ReportSite:
    return report_site(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def official(site: ReportSite):  # type: ignore[no-untyped-def]
    with TestClient(site.app(), follow_redirects=False) as client:
        log_in(client, Role.HEALTH_BUREAU)
        yield client


@pytest.fixture(scope="module")
def bulletin(site: ReportSite, official: TestClient) -> dict[str, bytes]:
    """The county's 2025Q4 bulletin downloaded in each format (written once, then cached)."""
    out = {}
    for fmt in ("docx", "pdf", "xlsx"):
        r = official.get(f"/reports/{site.county()}/2025Q4.{fmt}")
        assert r.status_code == 200, r.text[:500]
        out[fmt] = r.content
    return out


@pytest.fixture(scope="module")
def cli_files(site: ReportSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """What ``yigai report --period 2025Q4`` writes from the same home (warehouse and store)."""
    import typer

    out = tmp_path_factory.mktemp("cli_report")
    app = typer.Typer()
    app.command()(report)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("YIGAI_DATABASE_URL", raising=False)
        res = CliRunner().invoke(
            app, ["--period", "2025Q4", "--home", str(site.home), "--out", str(out)]
        )
    assert res.exit_code == 0, res.output
    return {p.suffix[1:]: p for p in out.glob("quarterly_*")}


def _saved(tmp: Path, name: str, content: bytes) -> Path:
    path = tmp / name
    path.write_bytes(content)
    return path


def _docx_text(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_downloaded_docx_equals_what_the_cli_writes(bulletin, cli_files, tmp_path) -> None:
    got = _saved(tmp_path, "b.docx", bulletin["docx"])
    assert _docx_text(got) == _docx_text(cli_files["docx"])
    assert _docx_tables(got) == _docx_tables(cli_files["docx"])


def test_downloaded_xlsx_equals_what_the_cli_writes(bulletin, cli_files, tmp_path) -> None:
    got = _saved(tmp_path, "b.xlsx", bulletin["xlsx"])
    assert _xlsx_cells(got) == _xlsx_cells(cli_files["xlsx"])


def test_downloaded_pdf_equals_what_the_cli_writes(bulletin, cli_files, tmp_path) -> None:
    import pypdfium2 as pdfium

    got = _saved(tmp_path, "b.pdf", bulletin["pdf"])
    assert bulletin["pdf"].startswith(b"%PDF-")
    assert len(pdfium.PdfDocument(io.BytesIO(bulletin["pdf"]))) == len(
        pdfium.PdfDocument(str(cli_files["pdf"]))
    )
    assert _pdf_text(got) == _pdf_text(cli_files["pdf"])


def test_second_download_is_served_from_the_cache(
    site: ReportSite, official: TestClient, bulletin, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yigai.reports import produce

    def no_writing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report was written again")

    monkeypatch.setattr(produce, "write", no_writing)
    monkeypatch.setattr(produce, "assemble", no_writing)
    r = official.get(f"/reports/{site.county()}/2025Q4.docx")
    assert r.status_code == 200 and r.content == bulletin["docx"]
    page = official.get(f"/reports?unit={site.county()}&period=2025Q4")
    assert "已按当前数据生成" in page.text  # the page says the files are ready


def test_a_new_store_entry_files_the_report_under_a_new_key(
    site: ReportSite, tmp_path: Path
) -> None:
    """Task progress entered after a download changes the key (on a copy of the store), so
    the next download is written afresh rather than served stale."""
    import datetime as dt

    from yigai.periods import parse
    from yigai.store import ReformPlan, ReformProgress, ReformTask, migrate, session_scope

    url = f"sqlite:///{tmp_path / 'copy.db'}"
    migrate(url)
    wh = warehouse(site.warehouse)
    q4 = parse("2025Q4")

    def key() -> str:
        with session_scope(url) as db:
            return report_files.key_for(wh, db, site.county(), q4, "bulletin").folder

    empty = key()
    with session_scope(url) as db:
        db.add(ReformPlan(id="p", title="方案", source="test"))
        db.add(
            ReformTask(
                plan_id="p", code="1", position=1, title="任务", category="c", source_ref="r"
            )
        )
    with_task = key()
    with session_scope(url) as db:
        db.add(
            ReformProgress(
                task_id=1, reported_on=dt.date(2025, 12, 1), percent=50, reporter="县医改办"
            )
        )
    assert len({empty, with_task, key()}) == 3
    assert empty.startswith(f"bulletin_{site.county()}_2025Q4_")


def test_monthly_report_of_a_month_downloads(
    site: ReportSite, official: TestClient, tmp_path
) -> None:
    r = official.get(f"/reports/{site.county()}/202512.docx")
    assert r.status_code == 200
    text = "\n".join(_docx_text(_saved(tmp_path, "m.docx", r.content)))
    assert "2025年12月" in text


def test_file_name_is_chinese_with_an_ascii_fallback(
    site: ReportSite, official: TestClient, bulletin
) -> None:
    r = official.get(f"/reports/{site.county()}/2025Q4.xlsx")
    name = f"{site.orgs.info[site.county()].name}2025年第4季度通报.xlsx"
    header = r.headers["content-disposition"]
    assert header.startswith(f'attachment; filename="quarterly_{site.county()}_2025Q4.xlsx"')
    assert f"filename*=UTF-8''{quote(name, safe='')}" in header
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_a_unit_outside_the_scope_is_a_404(site: ReportSite) -> None:
    """The community manager's scope is one community: the county's report does not exist
    for them, and neither does an unknown unit."""
    with TestClient(site.app(), follow_redirects=False) as client:
        log_in(client, Role.COMMUNITY_MANAGER)
        assert client.get(f"/reports/{site.county()}/2025Q4.docx").status_code == 404
        assert client.get("/reports/nowhere/2025Q4.docx").status_code == 404


def test_a_role_without_the_dashboards_is_refused(site: ReportSite) -> None:
    with TestClient(site.app(), follow_redirects=False) as client:
        log_in(client, Role.VILLAGE_DOCTOR)
        assert client.get(f"/reports/{site.county()}/2025Q4.pdf").status_code == 403


def test_a_year_or_a_bad_period_names_no_report(site: ReportSite, official: TestClient) -> None:
    assert official.get(f"/reports/{site.county()}/2025.docx").status_code == 404
    assert official.get(f"/reports/{site.county()}/2025Q7.docx").status_code == 404
    assert official.get(f"/reports/{site.county()}/2025Q4.exe").status_code == 404
    for period in ("2025", "2019Q1"):  # a year names no report; 2019 holds no data
        assert official.get(f"/reports?unit={site.county()}&period={period}").status_code == 404


def test_no_session_is_sent_to_log_in(site: ReportSite) -> None:
    with TestClient(site.app(), follow_redirects=False) as client:
        r = client.get(f"/reports/{site.county()}/2025Q4.docx")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_reports_page_links_the_three_formats_of_the_unit_in_view(
    site: ReportSite, official: TestClient
) -> None:
    html = official.get(f"/reports?unit={site.county()}&period=2025Q4").text
    for fmt in ("docx", "pdf", "xlsx"):
        assert f'href="/reports/{site.county()}/2025Q4.{fmt}"' in html
    assert f"{site.orgs.info[site.county()].name}2025年第4季度通报</h2>" in html

"""The insurance bureau's statements pages (issue 17 §3) over a small settled county (1,000
residents, 2025): lists by community, institution-year and institution-month, the budget
balance, a statement's detail and versions, downloads by the CLI's export, scope and role.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.web.conftest import log_in

from yigai.auth import OrgTree, Role
from yigai.auth.users import create_user
from yigai.community.directory import ResidentDirectory
from yigai.policy.commands import yuan
from yigai.policy.run import settle
from yigai.policy.statements.store import list_statements, read_statement, write_statements
from yigai.service import ServiceConfig, create_app
from yigai.service.bootstrap import ensure_demo_users
from yigai.store import migrate, session_scope
from yigai.warehouse import Warehouse

NOW = dt.datetime(2026, 1, 10, 2, 0, tzinfo=dt.UTC)
REGION = "hebei_wuji"
NARROW, NARROW_PASSWORD = "township_insurance", "narrow-insurance-pass-1"


@dataclass
class Settled:
    url: str
    warehouse: Path
    orgs: OrgTree
    community: str  # statement id of the community's year (two versions)
    township: str  # org id of the narrow user's township centre

    def app(self):  # type: ignore[no-untyped-def]
        config = ServiceConfig(
            self.url,
            warehouse=self.warehouse,
            orgs=self.orgs,
            directory=ResidentDirectory([], []),
            clock=lambda: NOW,
        )
        return create_app(config)


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory) -> Settled:
    from yigai.synth import SynthConfig, generate

    tmp = tmp_path_factory.mktemp("insurance")
    wh = Warehouse(tmp / "warehouse")
    generate(wh, SynthConfig(residents_per_county=1000, years=(2025,)), key=b"test-insurance")
    run = settle(wh, 2025, REGION)
    write_statements(wh, run)
    (community,) = run.budgets
    # the bureau revises the budget: the community's statement gets a second version
    revised = settle(wh, 2025, REGION, budgets={community.community_id: community.budget_fen + 1})
    write_statements(wh, revised)
    url = f"sqlite:///{tmp / 'yigai.db'}"
    migrate(url)
    orgs = OrgTree(wh)
    township = orgs.first("institution", "township_centre")
    assert township is not None
    with session_scope(url) as db:
        ensure_demo_users(db, orgs)
        create_user(
            db,
            NARROW,
            Role.INSURANCE_BUREAU.value,
            NARROW_PASSWORD,
            [township],
            orgs=orgs,
            created_by="test",
        )
    sid = f"{REGION}:2025:community_year:{community.community_id}"
    return Settled(url, wh.root, orgs, sid, township)


def _client(settled: Settled, role: Role) -> Iterator[TestClient]:
    with TestClient(settled.app(), follow_redirects=False) as client:
        log_in(client, role)
        yield client


@pytest.fixture
def bureau(settled: Settled) -> Iterator[TestClient]:
    yield from _client(settled, Role.INSURANCE_BUREAU)


@pytest.fixture
def narrow(settled: Settled) -> Iterator[TestClient]:
    with TestClient(settled.app(), follow_redirects=False) as client:
        page = client.get("/login")
        token = page.cookies.get("yigai_login_csrf") or client.cookies.get("yigai_login_csrf")
        r = client.post(
            "/login",
            data={"username": NARROW, "password": NARROW_PASSWORD, "csrf": token, "next": "/"},
        )
        assert r.status_code == 303, r.text
        yield client


def _url(statement_id: str) -> str:
    return f"/insurance/statements/{quote(statement_id, safe='')}"


def test_the_bureau_sees_each_community_budget_balance_as_stored(
    settled: Settled, bureau: TestClient
) -> None:
    r = bureau.get("/insurance")
    assert r.status_code == 200, r.text
    stored = read_statement(Warehouse(settled.warehouse), settled.community)
    balance = next(
        ln.amount_fen for ln in stored.statement.lines if ln.item == "budget.balance_fen"
    )
    row = r.text.split('class="community"', 1)[1].split("</tr>", 1)[0]
    assert f'<td class="n balance">{yuan(balance)}</td>' in row
    assert 'id="region-summary"' in r.text
    assert 'class="institution-year"' in r.text and 'class="institution-month"' in r.text


def test_the_nav_links_the_statements_for_the_bureau_only(
    settled: Settled, bureau: TestClient
) -> None:
    assert '<a href="/insurance">' in bureau.get("/insurance").text
    for client in _client(settled, Role.VILLAGE_DOCTOR):
        worklist = client.get("/worklist")
        assert worklist.status_code == 200
        assert '<a href="/insurance">' not in worklist.text


def test_a_statement_shows_its_lines_inputs_versions_and_demo_label(
    settled: Settled, bureau: TestClient
) -> None:
    r = bureau.get(_url(settled.community))
    assert r.status_code == 200, r.text
    assert 'data-item="budget.budget_fen"' in r.text
    assert "payment.community_budgets" in r.text  # the parameters it came from
    assert 'id="demo"' in r.text and "示范参数" in r.text
    assert ">v1</a>" in r.text and ">v2</a>" in r.text


def test_two_versions_are_compared_line_by_line(settled: Settled, bureau: TestClient) -> None:
    r = bureau.get(_url(settled.community) + "?version=2&against=1")
    assert r.status_code == 200, r.text
    changes = r.text.split('id="changes"', 1)[1].split("</table>", 1)[0]
    assert 'data-item="budget.budget_fen"' in changes
    assert '<td class="n delta">0.01</td>' in changes  # the budget rose by one fen


def test_the_download_is_the_cli_export_of_the_statement(
    settled: Settled, bureau: TestClient
) -> None:
    r = bureau.get(_url(settled.community) + "/download/xlsx?version=1")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    items = [row[1].value for row in sheet.iter_rows() if len(row) > 1]
    assert "budget.budget_fen" in items
    pdf = bureau.get(_url(settled.community) + "/download/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_an_unknown_format_or_statement_is_a_404(bureau: TestClient) -> None:
    assert bureau.get(_url("nope")).status_code == 404
    assert bureau.get(_url("nope") + "/download/csv").status_code == 404


def test_a_statement_outside_the_users_scope_is_a_404(settled: Settled, narrow: TestClient) -> None:
    assert narrow.get(_url(settled.community)).status_code == 404
    assert narrow.get(_url(settled.community) + "/download/xlsx").status_code == 404
    region = f"{REGION}:2025:region_year:{REGION}"
    assert narrow.get(_url(region)).status_code == 404
    page = narrow.get("/insurance")
    assert page.status_code == 200
    assert 'class="community"' not in page.text and 'id="region-summary"' not in page.text


def test_a_statement_of_the_users_own_unit_is_shown(settled: Settled, narrow: TestClient) -> None:
    wh = Warehouse(settled.warehouse)
    own = list_statements(wh, year=2025, kind="institution_month", subjects={settled.township})
    assert own
    assert narrow.get(_url(own[0].statement.statement_id)).status_code == 200


def test_a_role_without_the_permission_is_refused(settled: Settled) -> None:
    for client in _client(settled, Role.VILLAGE_DOCTOR):
        assert client.get("/insurance").status_code == 403


def test_a_statements_parameter_references_cite_the_documents(
    settled: Settled, bureau: TestClient
) -> None:
    from html import escape

    from yigai.sources import cite

    stored = read_statement(Warehouse(settled.warehouse), settled.community)
    references = [p["reference"] for p in stored.inputs["parameters"].values()]
    assert any("seed 002" in ref for ref in references)  # a stored label the reader must not see
    inputs = bureau.get(_url(settled.community)).text.split('id="inputs"', 1)[1]
    assert "seed 002" not in inputs
    for ref in references:
        assert f"<td>{escape(cite(ref), quote=False)}</td>" in inputs

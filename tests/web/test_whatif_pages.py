"""The insurance bureau's what-if page (issue 17 §3) over the statements pages' settled county
(1,000 residents, 2025): the same comparison as ``yigai whatif``, field-by-field refusals,
the XLSX, scope, session and CSRF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.web.conftest import csrf_of, log_in
from tests.web.test_insurance_pages import NARROW, NARROW_PASSWORD, REGION, Settled, settled

from yigai.auth import Role
from yigai.policy.commands import yuan
from yigai.policy.statements.store import read_statement
from yigai.policy.whatif.reform import reform_from
from yigai.policy.whatif.report import shown
from yigai.policy.whatif.resettle import whatif
from yigai.warehouse import Warehouse

__all__ = ["settled"]  # the settled county fixture, shared with the statements pages' tests
URL = "/insurance/whatif"


@pytest.fixture
def bureau(settled: Settled) -> Iterator[TestClient]:
    with TestClient(settled.app(), follow_redirects=False) as client:
        log_in(client, Role.INSURANCE_BUREAU)
        yield client


def _post(client: TestClient, data: dict[str, str]):  # type: ignore[no-untyped-def]
    form = client.get(f"{URL}?year=2025&region={REGION}")
    assert form.status_code == 200, form.text
    return client.post(
        URL, data={"year": "2025", "region": REGION, **data, "csrf": csrf_of(form.text)}
    )


def _cell(html: str, key: str, metric: str, column: str) -> str:
    row = re.search(
        rf'<tr data-key="{re.escape(key)}" data-metric="{metric}">(.*?)</tr>', html, re.S
    )
    assert row, (key, metric)
    return re.search(rf'<td class="n {column}">([^<]*)</td>', row.group(1)).group(1)  # type: ignore[union-attr]


def test_an_empty_reform_shows_the_stored_statements_and_no_difference(
    settled: Settled, bureau: TestClient
) -> None:
    r = _post(bureau, {})
    assert r.status_code == 200, r.text
    differences = re.findall(r'<td class="n difference">([^<]*)</td>', r.text)
    assert differences and all(not re.search(r"[1-9]", d) for d in differences), differences
    # the baseline is the stored statement (version 1: settled under the parameters' budget)
    stored = read_statement(Warehouse(settled.warehouse), settled.community, 1).statement
    amounts = {ln.item: ln.amount_fen for ln in stored.lines}
    community = stored.subject_id
    assert _cell(r.text, community, "budget_balance_fen", "baseline") == yuan(
        amounts["budget.balance_fen"]
    )
    assert _cell(r.text, community, "community_spending_fen", "baseline") == yuan(
        amounts["budget.spending_fen"]
    )


def test_a_reform_shows_the_libraries_comparison(settled: Settled, bureau: TestClient) -> None:
    r = _post(bureau, {"path1": "inpatient.ratio.township", "value1": "0.95"})
    assert r.status_code == 200, r.text
    expected = whatif(
        Warehouse(settled.warehouse),
        2025,
        REGION,
        reform_from(REGION, 2025, ["inpatient.ratio.township=0.95"]),
    )
    fund = next(ln for ln in expected.lines if (ln.section, ln.metric) == ("total", "fund_fen"))
    assert fund.difference
    assert _cell(r.text, "*", "fund_fen", "difference") == shown(
        "fund_fen", fund.difference, difference=True
    )


def test_an_unknown_path_is_shown_beside_its_field(bureau: TestClient) -> None:
    r = _post(bureau, {"path2": "inpatient.no_such", "value2": "1"})
    assert r.status_code == 422
    beside = r.text.split('id="path2-error"', 1)[1].split("</span>", 1)[0]
    assert "没有这个参数" in beside
    assert 'id="result"' not in r.text


def test_a_bad_value_is_shown_beside_its_value_in_english_when_asked(bureau: TestClient) -> None:
    bureau.get(f"{URL}?lang=en")
    r = _post(bureau, {"path1": "inpatient.ratio.township", "value1": "1.5"})
    assert r.status_code == 422
    beside = r.text.split('id="value1-error"', 1)[1].split("</span>", 1)[0]
    assert "inpatient.ratio.township" in beside and "没有" not in beside


def test_a_bad_shift_is_shown_beside_its_share(bureau: TestClient) -> None:
    r = _post(
        bureau,
        {
            "shift_care": "inpatient",
            "shift_source": "city",
            "shift_target": "county",
            "shift_share": "2",
        },
    )
    assert r.status_code == 422
    assert 'id="shift_share-error"' in r.text


def test_the_settable_parameters_are_listed_with_their_values(bureau: TestClient) -> None:
    from yigai.policy.whatif.reform import settable

    page = bureau.get(URL).text
    for s in settable(REGION, 2025):
        assert (
            f'<tr data-path="{s.path}"><td><code>{s.path}</code></td><td class="n">{s.written}</td>'
            in page
        )


def test_the_xlsx_is_the_clis_workbook(settled: Settled, bureau: TestClient) -> None:
    r = _post(bureau, {"path1": "inpatient.ratio.township", "value1": "0.95", "action": "xlsx"})
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert sheet.title == "测算 whatif"
    rows = [
        row for row in sheet.iter_rows(values_only=True) if row and row[0] == "全年合计 / the year"
    ]
    assert rows


def test_a_region_outside_the_users_scope_is_a_404(settled: Settled) -> None:
    with TestClient(settled.app(), follow_redirects=False) as client:
        page = client.get("/login")
        token = client.cookies.get("yigai_login_csrf")
        data = {"username": NARROW, "password": NARROW_PASSWORD, "csrf": token, "next": "/"}
        assert client.post("/login", data=data).status_code == 303, page.text
        assert client.get(URL).status_code == 404
        assert client.get(f"{URL}?region={REGION}&year=2025").status_code == 404
        token = csrf_of(client.get("/insurance").text)
        r = client.post(URL, data={"year": "2025", "region": REGION, "csrf": token})
        assert r.status_code == 404


def test_without_a_session_the_page_goes_to_log_in(settled: Settled) -> None:
    with TestClient(settled.app(), follow_redirects=False) as client:
        r = client.get(URL)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_a_post_without_the_sessions_csrf_token_is_refused(bureau: TestClient) -> None:
    r = bureau.post(URL, data={"year": "2025", "region": REGION, "csrf": "forged"})
    assert r.status_code == 403
    assert 'id="result"' not in r.text


def test_a_role_without_the_permission_is_refused(settled: Settled) -> None:
    with TestClient(settled.app(), follow_redirects=False) as client:
        log_in(client, Role.VILLAGE_DOCTOR)
        assert client.get(URL).status_code == 403


def test_the_nav_links_the_what_if_page(bureau: TestClient) -> None:
    assert f'<a href="{URL}">政策测算</a>' in bureau.get("/insurance").text


def test_each_listed_value_reads_back_as_the_value_in_force() -> None:
    from pathlib import Path

    from yigai.policy.params import load, read_value
    from yigai.policy.whatif.reform import parse_assignment, settable

    listed = settable(REGION, 2025)
    assert any(s.unit == "yuan" for s in listed)
    reform = reform_from(REGION, 2025, [f"{s.path}={s.written}" for s in listed])
    assert len(reform.changes) == len(listed)  # every listed path is one --set accepts
    tree = load(REGION)
    for s in listed:
        _, raw = parse_assignment(f"{s.path}={s.written}")
        parameter = max((p for p in tree.params if s.path.startswith(p)), key=len)
        assert read_value(raw, tree.params[parameter].unit, Path("-"), s.path) == s.value, s.path


def test_a_care_seeking_shift_is_compared_as_the_library_moves_it(
    settled: Settled, bureau: TestClient
) -> None:
    from yigai.policy.whatif.scenario import parse_shift

    shift = {"shift_care": "inpatient", "shift_source": "city", "shift_target": "county"}
    r = _post(bureau, {**shift, "shift_share": "0.5"})
    assert r.status_code == 200, r.text
    expected = whatif(
        Warehouse(settled.warehouse),
        2025,
        REGION,
        reform_from(REGION, 2025),
        [parse_shift("inpatient:city->county=0.5")],
    )
    assert expected.moved > 0
    assert f"inpatient:city-&gt;county=0.5（移动 / moved {expected.moved:,}）" in r.text
    rate = next(ln for ln in expected.lines if ln.metric == "in_county_rate")
    assert _cell(r.text, "*", "in_county_rate", "difference") == shown(
        "in_county_rate", rate.difference, difference=True
    )


def test_the_page_shows_no_internal_label(bureau: TestClient) -> None:
    from tests.web.test_dashboards import INTERNAL

    for lang in ("zh", "en"):
        page = _post(bureau, {"path1": "inpatient.ratio.township", "value1": "0.95"}).text
        assert not [mark for mark in INTERNAL if mark in page], lang
        bureau.get(f"{URL}?lang=en")

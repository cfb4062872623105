"""The officials' dashboards over a small synthetic county (1,000 residents, 2025): the
indicator cache, and the pages' figures checked against the library the CLI and the bulletin
use (one answer per question), scope, permissions and language.

The county is built once per module (:func:`official_county`, shared with the browser
journey); its indicator values are computed once, by the cache under test.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import log_in

from yigai import reform
from yigai.auth import OrgTree, Role
from yigai.community.directory import ResidentDirectory
from yigai.indicators import cache, engine
from yigai.orgs.hierarchy import org_info
from yigai.periods import parse
from yigai.reports.assemble import report_data
from yigai.reports.sections import ReportKind, build
from yigai.service import ServiceConfig, create_app
from yigai.service.bootstrap import ensure_demo_users
from yigai.store import migrate, session_scope
from yigai.warehouse import Warehouse
from yigai.web.dashboards import assessment_view

#: 10 January 2026 in China: 2025 is over, so the latest data quarter is 2025Q4
NOW = dt.datetime(2026, 1, 10, 2, 0, tzinfo=dt.UTC)
Q4 = parse("2025Q4")


@dataclass
class OfficialCounty:
    url: str
    warehouse: Path
    orgs: OrgTree
    county: str
    community: str

    def app(self):  # type: ignore[no-untyped-def]
        config = ServiceConfig(
            self.url,
            warehouse=self.warehouse,
            orgs=self.orgs,
            directory=ResidentDirectory([], []),
            clock=lambda: NOW,
        )
        return create_app(config)


def make_official_county(tmp: Path) -> OfficialCounty:
    """A synthetic county, its demo users, and the seed-002 reform plan in the store."""
    from yigai.synth import SynthConfig, generate

    wh = Warehouse(tmp / "home" / "warehouse")
    generate(wh, SynthConfig(residents_per_county=1000, years=(2025,)), key=b"test")
    url = f"sqlite:///{tmp / 'yigai.db'}"
    migrate(url)
    orgs = OrgTree(wh)
    with session_scope(url) as db:
        ensure_demo_users(db, orgs)
        reform.load_plan(db, "zhanjiang-2020")
    info = org_info(wh.read("org_units"))
    county = min(u.org_id for u in info.values() if u.kind == "county")
    community = min(u.org_id for u in info.values() if u.kind == "community")
    return OfficialCounty(url, wh.root, orgs, county, community)


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> OfficialCounty:
    return make_official_county(tmp_path_factory.mktemp("officials"))


@pytest.fixture(scope="module")
def values(official: OfficialCounty) -> pa.Table:
    return cache.cached_values(Warehouse(official.warehouse))


def _client(official: OfficialCounty, role: Role) -> Iterator[TestClient]:
    with TestClient(official.app(), follow_redirects=False) as client:
        log_in(client, role)
        yield client


@pytest.fixture
def bureau(official: OfficialCounty, values: pa.Table) -> Iterator[TestClient]:
    yield from _client(official, Role.HEALTH_BUREAU)


@pytest.fixture
def manager(official: OfficialCounty, values: pa.Table) -> Iterator[TestClient]:
    yield from _client(official, Role.COMMUNITY_MANAGER)


def _cells(html: str, table_id: str) -> dict[str, list[str]]:
    """Rows of a table by their ``data-*`` key: the text of each cell, tags stripped."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for key, row in re.findall(r'<tr data-[a-z]+="([^"]+)"[^>]*>(.*?)</tr>', body, re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        rows[key] = [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
    return rows


# --- the cache ----------------------------------------------------------------------------


class Spy:
    """Counts the engine's runs, each delegated to the real engine."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = engine.compute

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(engine, "compute", counted)


@pytest.fixture(scope="module")
def small_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from yigai.synth import SynthConfig, generate

    root = tmp_path_factory.mktemp("small") / "warehouse"
    generate(Warehouse(root), SynthConfig(residents_per_county=1000, years=(2025,)), key=b"test")
    return root


@pytest.fixture
def small_wh(small_template: Path, tmp_path: Path) -> Warehouse:
    """A fresh copy of a one-year warehouse, nothing cached for it yet."""
    shutil.copytree(small_template, tmp_path / "home" / "warehouse")
    cache.forget()
    return Warehouse(tmp_path / "home" / "warehouse")


def test_the_cache_computes_once_per_warehouse_state_the_engines_numbers(
    small_wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    first = cache.cached_values(small_wh)
    again = cache.cached_values(small_wh)
    assert spy.calls == 1
    assert again is first
    periods = cache.data_periods(small_wh)
    assert {p.id for p in periods} >= {"2025Q4", "202512", "2025"}
    sort = [("indicator_id", "ascending"), ("org_id", "ascending"), ("period_id", "ascending")]
    direct = engine.compute(small_wh, ["2025Q4"])
    mine = first.filter(pa.compute.equal(first["period_id"], "2025Q4"))
    assert mine.sort_by(sort).equals(direct.sort_by(sort))


def test_a_new_batch_invalidates_the_cache(
    small_wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    cache.cached_values(small_wh)
    before = cache.warehouse_state(small_wh)
    staff = small_wh.read("staff")
    small_wh.commit("staff", staff.slice(0, 1), "one-more-staff-row", "test")
    assert cache.warehouse_state(small_wh) != before
    cache.cached_values(small_wh)
    assert spy.calls == 2
    # only the current state's file is kept
    assert [p.stem for p in cache.cache_dir(small_wh).glob("*.parquet")] == [
        cache.warehouse_state(small_wh)
    ]


def test_new_indicator_definitions_invalidate_the_cache(
    small_wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    cache.cached_values(small_wh)
    monkeypatch.setattr(cache, "definitions", lambda: "an upgraded catalogue")
    cache.forget()  # a new release starts a new process, which finds the old file
    cache.cached_values(small_wh)
    assert spy.calls == 2


def test_a_restarted_service_reads_the_cached_file_instead_of_computing(
    small_wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cache.cached_values(small_wh)
    cache.forget()  # as a new process would start
    spy = Spy(monkeypatch)
    assert cache.cached_values(small_wh).equals(first)
    assert spy.calls == 0


# --- one answer per question --------------------------------------------------------------


def test_the_catalogue_shows_the_bulletins_values_targets_and_statuses(
    official: OfficialCounty, values: pa.Table, bureau: TestClient
) -> None:
    with session_scope(official.url) as db:
        data = report_data(
            wh=Warehouse(official.warehouse),
            session=db,
            period=Q4,
            region_id=official.county,
            values=values,
        )
        rows = build(data, ReportKind.QUARTERLY).indicator_rows
    page = bureau.get(f"/indicators?unit={official.county}&period=2025Q4")
    assert page.status_code == 200
    shown = _cells(page.text, "catalogue")
    expected = {r.meta.id: r.cells for r in rows}
    assert shown.keys() == expected.keys()
    for ind, cells in expected.items():
        name, value, target, _prev, _last, _mom, _yoy, trend, status = cells
        assert shown[ind][0] == name
        assert shown[ind][1].split(" ")[0] == value.split("（")[0], ind
        assert shown[ind][2] == target, ind
        assert shown[ind][3] == status, ind
        assert shown[ind][4] == trend, ind


def test_an_indicator_page_shows_its_definition_source_and_counts(
    official: OfficialCounty, values: pa.Table, bureau: TestClient
) -> None:
    unit, ind = official.community, "in_county_visit_rate"
    page = bureau.get(f"/indicators/{ind}?unit={unit}&period=2025Q4")
    assert page.status_code == 200
    row = next(
        r
        for r in values.to_pylist()
        if (r["indicator_id"], r["org_id"], r["period_id"]) == (ind, unit, "2025Q4")
    )
    assert f'<dd id="numerator">{row["numerator"]}</dd>' in page.text
    assert f'<dd id="denominator">{row["denominator"]}</dd>' in page.text
    assert "参保常住居民" in page.text  # the catalogue's definition
    assert "湛江市加强紧密型县域医疗卫生共同体建设实施方案" in page.text  # its source


def test_the_ranking_lists_the_units_below_best_first_with_drill_down_links(
    official: OfficialCounty, bureau: TestClient
) -> None:
    page = bureau.get(f"/indicators/drug_share?unit={official.community}&period=2025Q4")
    ranked = _ranking(page.text)
    assert len(ranked) >= 2
    values = [float(v.rstrip("%")) for _, v in ranked]
    assert values == sorted(values)  # 药占比 is lower-is-better: the lowest first
    assert f"/indicators/drug_share?unit={ranked[0][0]}&period=2025Q4" in page.text


def _ranking(html: str) -> list[tuple[str, str]]:
    body = html.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'unit=([^&"]+)&period=[^"]*">[^<]*</a></td><td>([^<]*)</td>', body)


def test_the_drill_down_goes_county_community_institution(
    official: OfficialCounty, bureau: TestClient
) -> None:
    county = bureau.get(f"/units/{official.county}")
    assert f'href="/units/{official.community}?period=2025Q4"' in county.text
    community = bureau.get(f"/units/{official.community}")
    members = official.orgs.children()[official.community]
    assert all(f'href="/units/{m}?period=2025Q4"' in community.text for m in members)
    institution = bureau.get(f"/units/{members[0]}")
    assert institution.status_code == 200
    # the path back up goes through the community, not straight to the county
    assert f'href="/units/{official.community}?period=2025Q4"' in institution.text


def test_the_assessment_explains_each_item_as_the_library_scores_it(
    official: OfficialCounty, values: pa.Table, bureau: TestClient
) -> None:
    page = bureau.get(f"/assessment?unit={official.county}&period=2025Q4")
    assert page.status_code == 200
    wh = Warehouse(official.warehouse)
    with session_scope(official.url) as db:
        from yigai.web.dashboards.figures import figures

        figs = figures(wh, db)
        me = _principal(official, Role.HEALTH_BUREAU)
        county = official.orgs.info[official.county]
        shown = assessment_view.latest(wh, db, figs, official.orgs, me, county, Q4)
    assert [v.scheme.id for v in shown] == ["primary_institution", "community_2020"]
    for view in shown:
        for org in view.orgs:
            assert f"<td>{org.total}</td>" in page.text
            for item in view.items[org.org_id]:
                assert item.why_zh.replace("<", "&lt;") in page.text


def _principal(official: OfficialCounty, role: Role):  # type: ignore[no-untyped-def]
    from yigai.auth.sessions import principal_of
    from yigai.store import User

    with session_scope(official.url) as db:
        user = db.query(User).filter(User.username == role.value).one()
        return principal_of(user, official.orgs)


def test_overdue_tasks_are_the_ledgers_with_their_lead_departments(
    official: OfficialCounty, bureau: TestClient
) -> None:
    page = bureau.get("/tasks?overdue=1")
    assert page.status_code == 200
    with session_scope(official.url) as db:
        late = reform.overdue(db, NOW.date())
    assert late, "the seed plan's 2020 deadlines are long past"
    shown = re.findall(
        r'<tr class="overdue"><td>([^<]+)</td><td>[^<]*</td><td>([^<]*)</td>', page.text
    )
    assert shown == [(t.code, t.lead or "—") for t in late]


# --- scope, roles, language, privacy ------------------------------------------------------


def test_a_unit_outside_the_users_scope_is_a_404_page(
    official: OfficialCounty, manager: TestClient
) -> None:
    for url in (
        f"/units/{official.county}",
        f"/indicators?unit={official.county}",
        f"/indicators/drug_share?unit={official.county}",
        f"/assessment?unit={official.county}",
    ):
        r = manager.get(url)
        assert r.status_code == 404, url
        assert "不在您的管辖范围内" in r.text
    assert manager.get(f"/units/{official.community}").status_code == 200


def test_a_community_manager_sees_only_the_communitys_units_ranked(
    official: OfficialCounty, manager: TestClient
) -> None:
    page = manager.get(f"/assessment?unit={official.community}&period=2025Q4")
    inside = official.orgs.units(frozenset({official.community}))
    ranked = re.findall(r'<tr data-unit="([^"]+)">', page.text)
    assert ranked and set(ranked) <= inside


def test_a_doctor_may_not_open_the_dashboards(official: OfficialCounty, values: pa.Table) -> None:
    for client in _client(official, Role.VILLAGE_DOCTOR):
        for url in ("/indicators", "/assessment", "/tasks?overdue=1"):
            assert client.get(url).status_code == 403, url


def test_the_pages_speak_english_when_asked(bureau: TestClient) -> None:
    page = bureau.get("/indicators?lang=en&period=2025Q4")
    assert "In-county visit rate" in page.text
    assert "Indicators against their targets" in page.text


def test_an_unknown_indicator_or_period_is_a_404_page(bureau: TestClient) -> None:
    assert bureau.get("/indicators/no_such_indicator").status_code == 404
    assert bureau.get("/indicators?period=1999Q1").status_code == 404
    assert bureau.get("/indicators?period=nonsense").status_code == 404


def test_the_pages_read_no_personal_record_once_the_figures_are_cached(
    official: OfficialCounty, bureau: TestClient
) -> None:
    audit = official.warehouse / "_audit"
    bureau.get("/indicators")  # the figures are ready (cached values, indexed)
    before = sum(len(p.read_text().splitlines()) for p in audit.glob("*.jsonl"))
    for url in (
        "/indicators",
        f"/units/{official.county}",
        "/indicators/drug_share",
        "/assessment",
    ):
        assert bureau.get(url).status_code == 200
    after = sum(len(p.read_text().splitlines()) for p in audit.glob("*.jsonl"))
    assert after == before


def test_a_trend_starts_at_the_units_first_value(
    official: OfficialCounty, values: pa.Table
) -> None:
    from yigai.web.dashboards import views
    from yigai.web.dashboards.figures import figures

    wh = Warehouse(official.warehouse)
    with session_scope(official.url) as db:
        figs = figures(wh, db)
    assert figs.trend(Q4)[0].id < "2025Q1"  # the data's years reach back before 2025
    points = views.trend(figs, "in_county_visit_rate", official.county, Q4)
    assert [p.period.id for p in points] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert all(p.value is not None for p in points)


def test_a_service_account_without_a_grant_gets_a_clear_refusal_not_a_traceback(
    small_wh: Warehouse, official: OfficialCounty, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yigai.errors import Forbidden
    from yigai.web.dashboards.figures import figures

    monkeypatch.setenv("YIGAI_USER", "someone-without-a-grant")
    with session_scope(official.url) as db, pytest.raises(Forbidden, match="服务账户无权读取"):
        figures(small_wh, db)


# --- sources cited by the document itself (issue 14 §3) ----------------------------------

#: Internal labels and the project's own notes and files: never on an official's page.
INTERNAL = ("domain/", "README", "种子", "seed 0")


def test_no_official_page_shows_an_internal_label_or_file_path(
    official: OfficialCounty, values: pa.Table, bureau: TestClient
) -> None:
    catalogue = bureau.get(f"/indicators?unit={official.county}&period=2025Q4")
    indicators = sorted(set(re.findall(r'href="/indicators/([a-z0-9_]+)\?', catalogue.text)))
    assert "in_county_visit_rate" in indicators
    urls = [
        "/overview",
        f"/indicators?unit={official.county}&period=2025Q4",
        f"/units/{official.county}",
        f"/assessment?unit={official.county}&period=2025Q4",
        "/tasks?overdue=1",
        "/reports",
    ] + [f"/indicators/{i}?unit={official.county}&period=2025Q4" for i in indicators]
    for url in urls:
        for lang in ("zh", "en"):
            page = bureau.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
            assert page.status_code == 200, url
            found = [mark for mark in INTERNAL if mark in page.text]
            assert not found, (url, lang, found)


def test_an_indicator_page_cites_its_source_document_by_title_and_issuer(
    official: OfficialCounty, values: pa.Table, bureau: TestClient
) -> None:
    from yigai.sources import sources

    page = bureau.get(f"/indicators/in_county_visit_rate?unit={official.county}&period=2025Q4")
    source = page.text.split('id="source">', 1)[1].split("</dd>", 1)[0]
    assert any(s.citation in source for s in sources().values()), source

"""An official's journey in a real browser (Playwright + Chromium, as test_browser.py):
the health bureau drills down from the county to an institution, and opens an indicator's
definition page (definition, source, numerator and denominator), its charts drawn.

Every screenshot is checked not to be blank and to show no tofu (tests/web/browser_helpers.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.browser_helpers import check_not_found, check_rendering, need_browser, served
from tests.web.test_dashboards import OfficialCounty, make_official_county

from yigai.auth import Role
from yigai.indicators import cache
from yigai.warehouse import Warehouse

pytestmark = pytest.mark.xdist_group("web_browser")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, OfficialCounty]]:
    """The synthetic county served by uvicorn, its figures computed before the first page."""
    need_browser()
    county = make_official_county(tmp_path_factory.mktemp("officials_browser"))
    cache.cached_values(Warehouse(county.warehouse))
    with served(county.app()) as base:
        yield base, county


def _open_unit(page, link: str, unit: str) -> None:  # type: ignore[no-untyped-def]
    """Follow ``link`` (a drill-down) and land on the dashboard of ``unit``."""
    page.click(link)
    page.wait_for_load_state("load")
    assert page.url.split("?")[0].endswith(f"/units/{unit}")


def test_an_official_drills_down_to_an_institution_and_opens_a_definition(
    site: tuple[str, OfficialCounty],
    as_user,
    shots: Path,  # type: ignore[no-untyped-def]
) -> None:
    base, county = site
    official = as_user(Role.HEALTH_BUREAU)
    official.click("nav >> text=监测指标")
    official.wait_for_load_state("load")
    assert official.locator("#catalogue tbody tr").count() > 10
    check_rendering(official, shots, "indicators")

    _open_unit(official, f"a[href='/units/{county.county}?period=2025Q4']", county.county)
    _open_unit(official, f"#units a.drill[href^='/units/{county.community}?']", county.community)
    check_rendering(official, shots, "community")
    institution = county.orgs.children()[county.community][0]
    _open_unit(official, f"#units a.drill[href^='/units/{institution}?']", institution)
    assert county.orgs.info[institution].name in official.inner_text("h1")
    check_rendering(official, shots, "institution")

    official.goto(f"{base}/indicators?unit={county.county}&period=2025Q4")
    official.click("#catalogue tr[data-indicator='in_county_visit_rate'] a")
    official.wait_for_load_state("load")
    official.wait_for_selector("#trend-chart[data-ready='1'] canvas")
    official.wait_for_selector("#rank-chart[data-ready='1'] canvas")
    assert "参保常住居民" in official.inner_text("#definition")
    assert "湛江市" in official.inner_text("#source")
    assert official.inner_text("#numerator").strip().isdigit()
    assert official.inner_text("#denominator").strip().isdigit()
    check_rendering(official, shots, "indicator-definition")


def test_an_institution_outside_the_managers_community_is_a_404_page(
    site: tuple[str, OfficialCounty],
    as_user,
    shots: Path,  # type: ignore[no-untyped-def]
) -> None:
    base, county = site
    manager = as_user(Role.COMMUNITY_MANAGER)
    check_not_found(manager, f"{base}/units/{county.county}", shots, "dashboard-not-found")

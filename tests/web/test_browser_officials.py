"""An official's journey in a real browser (Playwright + Chromium, as test_browser.py):
the health bureau drills down from the county to an institution, and opens an indicator's
definition page (definition, source, numerator and denominator), its charts drawn.

Every screenshot is checked not to be blank and to show no tofu (test_browser's helpers).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.test_browser import (  # noqa: F401 - browser and shots are fixtures
    _check_rendering,
    _free_port,
    _log_in,
    _need_browser,
    browser,
    shots,
)
from tests.web.test_dashboards import OfficialCounty, make_official_county

from yigai.auth import Role
from yigai.indicators import cache
from yigai.warehouse import Warehouse

pytestmark = pytest.mark.xdist_group("web_browser")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, OfficialCounty]]:
    """The synthetic county served by uvicorn, its figures computed before the first page."""
    _need_browser()
    import uvicorn

    county = make_official_county(tmp_path_factory.mktemp("officials_browser"))
    cache.cached_values(Warehouse(county.warehouse))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(county.app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", county
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_an_official_drills_down_to_an_institution_and_opens_a_definition(
    site: tuple[str, OfficialCounty],
    browser,  # noqa: F811
    shots: Path,  # noqa: F811
) -> None:
    base, county = site
    official = _log_in(browser, base, Role.HEALTH_BUREAU)
    official.click("nav >> text=监测指标")
    official.wait_for_load_state("load")
    assert official.locator("#catalogue tbody tr").count() > 10
    _check_rendering(official, shots, "indicators")

    official.click(f"a[href='/units/{county.county}?period=2025Q4']")
    official.wait_for_load_state("load")
    assert official.url.split("?")[0].endswith(f"/units/{county.county}")
    official.click(f"#units a.drill[href^='/units/{county.community}?']")
    official.wait_for_load_state("load")
    assert official.url.split("?")[0].endswith(f"/units/{county.community}")
    _check_rendering(official, shots, "community")
    institution = county.orgs.children()[county.community][0]
    official.click(f"#units a.drill[href^='/units/{institution}?']")
    official.wait_for_load_state("load")
    assert official.url.split("?")[0].endswith(f"/units/{institution}")
    assert county.orgs.info[institution].name in official.inner_text("h1")
    _check_rendering(official, shots, "institution")

    official.goto(f"{base}/indicators?unit={county.county}&period=2025Q4")
    official.click("#catalogue tr[data-indicator='in_county_visit_rate'] a")
    official.wait_for_load_state("load")
    official.wait_for_selector("#trend-chart[data-ready='1'] canvas")
    official.wait_for_selector("#rank-chart[data-ready='1'] canvas")
    assert "参保常住居民" in official.inner_text("#definition")
    assert "湛江市" in official.inner_text("#source")
    assert official.inner_text("#numerator").strip().isdigit()
    assert official.inner_text("#denominator").strip().isdigit()
    _check_rendering(official, shots, "indicator-definition")


def test_an_institution_outside_the_managers_community_is_a_404_page(
    site: tuple[str, OfficialCounty],
    browser,  # noqa: F811
    shots: Path,  # noqa: F811
) -> None:
    base, county = site
    manager = _log_in(browser, base, Role.COMMUNITY_MANAGER)
    response = manager.goto(f"{base}/units/{county.county}")
    assert response is not None and response.status == 404
    assert "不在您的管辖范围内" in manager.inner_text("main")
    _check_rendering(manager, shots, "dashboard-not-found")

"""The main journeys in a real browser: Playwright driving Debian's Chromium against the app
served by uvicorn on a free loopback port.

Without Chromium or Playwright the tests skip with the reason locally and fail in CI
(``YIGAI_REQUIRE_BROWSER=1``, set by .ci/run). Every screenshot is checked not to be blank
and the page not to show tofu (empty boxes for Chinese characters): tests/web/browser_helpers.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.service.conftest import person
from tests.web.browser_helpers import check_not_found, check_rendering, need_browser, served
from tests.web.conftest import OTHER_VILLAGE, County, make_county

from yigai.auth import Role

#: one server (and one county) for the module, on one xdist worker
pytestmark = pytest.mark.xdist_group("web_browser")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, County]]:
    need_browser()
    county = make_county(tmp_path_factory.mktemp("browser"))
    with served(county.app()) as base:
        yield base, county


def test_follow_up_with_sbp_185_is_referred_and_the_specialist_accepts(
    site_url: str,
    as_user,
    shots: Path,  # type: ignore[no-untyped-def]
) -> None:
    doctor = as_user(Role.VILLAGE_DOCTOR)
    assert doctor.url.endswith("/worklist")
    assert doctor.locator("#followups tbody tr").count() == 1
    check_rendering(doctor, shots, "worklist")
    doctor.click("#followups a.button")
    doctor.fill("#sbp", "185")
    doctor.fill("#dbp", "95")
    doctor.click("#save")
    doctor.wait_for_selector("#proposed")
    assert "紧急转诊标准" in doctor.inner_text("#proposed")
    check_rendering(doctor, shots, "referral-proposed")
    referral_url = doctor.url.split("?")[0]

    specialist = as_user(Role.COUNTY_SPECIALIST)
    specialist.click(f"#referrals a[href='{referral_url.removeprefix(site_url)}']")
    specialist.click("#act-accept")
    specialist.wait_for_load_state("load")
    assert specialist.inner_text("#state") == "已接收"
    check_rendering(specialist, shots, "referral-accepted")


def test_another_villages_resident_by_url_is_a_404_page(
    site_url: str,
    as_user,
    shots: Path,  # type: ignore[no-untyped-def]
) -> None:
    doctor = as_user(Role.VILLAGE_DOCTOR)
    url = f"{site_url}/residents/{person(OTHER_VILLAGE)}"
    check_not_found(doctor, url, shots, "not-found")


def test_a_page_without_a_session_goes_to_log_in(site_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_context().new_page()
    page.goto(f"{site_url}/worklist")
    assert page.url == f"{site_url}/login?next=%2Fworklist"
    assert page.locator("#login-submit").is_visible()


def test_the_officials_chart_is_drawn(as_user, shots: Path) -> None:  # type: ignore[no-untyped-def]
    official = as_user(Role.HEALTH_BUREAU)
    assert official.url.endswith("/overview")
    official.wait_for_selector("#chart[data-ready='1'] canvas")
    check_rendering(official, shots, "overview")

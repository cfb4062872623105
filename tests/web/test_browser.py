"""The main journeys in a real browser: Playwright driving Debian's Chromium against the app
served by uvicorn on a free loopback port.

Without Chromium or Playwright the tests skip with the reason locally and fail in CI
(``YIGAI_REQUIRE_BROWSER=1``, set by .ci/run). Every screenshot is checked not to be blank
and the page not to show tofu (empty boxes for Chinese characters).
"""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.service.conftest import person
from tests.web.conftest import OTHER_VILLAGE, County, make_county

from yigai.auth import Role
from yigai.service.bootstrap import demo_password

#: one server (and one county) for the module, on one xdist worker
pytestmark = pytest.mark.xdist_group("web_browser")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAMILY = "yigai Noto Sans CJK SC"


def _need_browser() -> None:
    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Playwright 未安装 / playwright is not installed (pip install -e .[dev])"
    if missing is None and not CHROMIUM.exists():
        missing = f"未找到 Chromium / {CHROMIUM} missing (run scripts/system-packages.sh)"
    if missing is None:
        return
    if os.environ.get("YIGAI_REQUIRE_BROWSER") == "1":
        pytest.fail(missing)
    pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, County]]:
    _need_browser()
    import uvicorn

    county = make_county(tmp_path_factory.mktemp("browser"))
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


@pytest.fixture(scope="module")
def browser(site: tuple[str, County]):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _log_in(browser, base: str, role: Role):  # type: ignore[no-untyped-def]
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("#username", role.value)
    page.fill("#password", demo_password(role))
    page.click("#login-submit")
    page.wait_for_load_state("load")
    return page


def _check_rendering(page, shots: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """Not blank, the shipped CJK face loaded, and two Chinese characters drawn differently
    (tofu boxes are all alike) and unlike a character no font has."""
    from PIL import Image, ImageStat

    page.evaluate("document.fonts.ready")
    png = page.screenshot(full_page=True)
    (shots / f"{name}.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("L")
    assert max(ImageStat.Stat(image).stddev) > 10, f"{name}: the screenshot is blank"
    loaded = page.evaluate(
        "(f) => [...document.fonts].some(x => x.family.replaceAll('\"', '') === f"
        " && x.status === 'loaded')",
        FAMILY,
    )
    assert loaded, f"{name}: the shipped CJK font did not load"
    inks = page.evaluate(
        """(family) => ['医', '改', '\\u0378'].map((ch) => {
             const c = document.createElement('canvas'); c.width = c.height = 48;
             const g = c.getContext('2d'); g.font = `40px "${family}"`;
             g.fillText(ch, 4, 40);
             return Array.from(g.getImageData(0, 0, 48, 48).data).join(','); })""",
        FAMILY,
    )
    assert inks[0] != inks[1], f"{name}: 医 and 改 look alike: tofu"
    assert inks[0] != inks[2] and inks[1] != inks[2], f"{name}: Chinese drawn as a missing glyph"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def test_follow_up_with_sbp_185_is_referred_and_the_specialist_accepts(
    site: tuple[str, County],
    browser,
    shots: Path,  # type: ignore[no-untyped-def]
) -> None:
    base, _county = site
    doctor = _log_in(browser, base, Role.VILLAGE_DOCTOR)
    assert doctor.url.endswith("/worklist")
    assert doctor.locator("#followups tbody tr").count() == 1
    _check_rendering(doctor, shots, "worklist")
    doctor.click("#followups a.button")
    doctor.fill("#sbp", "185")
    doctor.fill("#dbp", "95")
    doctor.click("#save")
    doctor.wait_for_selector("#proposed")
    assert "紧急转诊标准" in doctor.inner_text("#proposed")
    _check_rendering(doctor, shots, "referral-proposed")
    referral_url = doctor.url.split("?")[0]

    specialist = _log_in(browser, base, Role.COUNTY_SPECIALIST)
    specialist.click(f"#referrals a[href='{referral_url.removeprefix(base)}']")
    specialist.click("#act-accept")
    specialist.wait_for_load_state("load")
    assert specialist.inner_text("#state") == "已接收"
    _check_rendering(specialist, shots, "referral-accepted")


def test_another_villages_resident_by_url_is_a_404_page(
    site: tuple[str, County],
    browser,
    shots: Path,  # type: ignore[no-untyped-def]
) -> None:
    base, _county = site
    doctor = _log_in(browser, base, Role.VILLAGE_DOCTOR)
    response = doctor.goto(f"{base}/residents/{person(OTHER_VILLAGE)}")
    assert response is not None and response.status == 404
    assert "不在您的管辖范围内" in doctor.inner_text("main")
    _check_rendering(doctor, shots, "not-found")


def test_a_page_without_a_session_goes_to_log_in(
    site: tuple[str, County],
    browser,  # type: ignore[no-untyped-def]
) -> None:
    base, _county = site
    page = browser.new_context().new_page()
    page.goto(f"{base}/worklist")
    assert page.url == f"{base}/login?next=%2Fworklist"
    assert page.locator("#login-submit").is_visible()


def test_the_officials_chart_is_drawn(
    site: tuple[str, County],
    browser,
    shots: Path,  # type: ignore[no-untyped-def]
) -> None:
    base, _county = site
    official = _log_in(browser, base, Role.HEALTH_BUREAU)
    assert official.url.endswith("/overview")
    official.wait_for_selector("#chart[data-ready='1'] canvas")
    _check_rendering(official, shots, "overview")

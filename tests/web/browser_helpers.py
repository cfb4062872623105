"""What the real-browser tests share (test_browser*.py): Debian's Chromium driven by
Playwright against the app served by uvicorn on a free loopback port, the log-in, and the
check of every screenshot (not blank, the shipped CJK face loaded, no tofu).

Without Chromium or Playwright the tests skip with the reason locally and fail in CI
(``YIGAI_REQUIRE_BROWSER=1``, set by .ci/run). The ``browser`` and ``shots`` fixtures are in
tests/web/conftest.py.
"""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from yigai.auth import Role
from yigai.service.bootstrap import demo_password

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


def need_browser() -> None:
    """Skip (fail in CI) unless Playwright and Chromium are installed."""
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(app: Any, start_seconds: float = 30) -> Iterator[str]:
    """``app`` served by uvicorn in a thread while the block runs; its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_seconds
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


#: How long a page may take to arrive: these tests check what is drawn, not how fast (speed is
#: measured in benchmarks/); a role's home page computes its figures on the first visit, which
#: took over Playwright's default 30 s on two cores shared with a second full test run.
PAGE_WAIT_MS = 120_000


def log_in_page(page, base: str, role: Role, after: str = "") -> None:  # type: ignore[no-untyped-def]
    """Log ``page`` in as the demo user of ``role`` (then to ``after``, else the role's home)."""
    page.set_default_timeout(PAGE_WAIT_MS)
    page.goto(f"{base}/login" + (f"?next={after}" if after else ""))
    page.fill("#username", role.value)
    page.fill("#password", demo_password(role))
    page.click("#login-submit")
    page.wait_for_load_state("load")


def log_in(browser, base: str, role: Role):  # type: ignore[no-untyped-def]
    """A new Chinese-locale page logged in as the demo user of ``role``."""
    page = browser.new_context(locale="zh-CN").new_page()
    log_in_page(page, base, role)
    return page


def check_rendering(page, shots: Path, name: str) -> None:  # type: ignore[no-untyped-def]
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


def check_not_found(page, url: str, shots: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """``url`` is the 404 page (out of scope looks as absent), saying so, drawn properly."""
    response = page.goto(url)
    assert response is not None and response.status == 404
    assert "不在您的管辖范围内" in page.inner_text("main")
    check_rendering(page, shots, name)

"""Page-load benchmark of the web pages (issue 17 §6): ``python -m benchmarks.run --only web``.

"Pages load in under 300 ms for a county-year of data on this machine." ``yigai serve`` runs
in a child process on 127.0.0.1 (:func:`benchmarks.bench_service.start_service`) over a
synthetic county-year (:func:`benchmarks.bench_service.county`, the service benchmark's
county); Debian's Chromium, driven by Playwright, logs in as the demo village doctor and as
the health bureau and opens each main page ``loads`` times.

For every load the browser's own Navigation Timing gives the time from the start of the
navigation to the end of the ``load`` event (everything the page needs: HTML, CSS, scripts,
the font, the chart drawn by then), and the server's part: request sent → first byte of the
answer. The first load of each page is listed apart (a dashboard's first load computes the
county's indicator values once per warehouse state); p50 and p95 are over the later loads.
The very first page a fresh browser opens (the log-in page, fetching the font subset) is the
*cold font* load. The baseline, measured the same way in the same run, is a static file
(``/static/app.css``) from the same server: what loopback, the browser and uvicorn cost
before any page logic.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_service import county, start_service, stop_service

TARGET_MS = 300.0
DEFAULT_LOADS = 11
NAVIGATION_TIMEOUT_MS = 900_000
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]
#: The officials' pages, tried in turn; those that answer 200 are measured.
OFFICIAL_PAGES = (
    "/overview",
    "/indicators",
    "/indicators/{indicator}",
    "/units/{county}",
    "/assessment",
    "/tasks",
    "/reports",
)
TIMING = """() => { const n = performance.getEntriesByType('navigation')[0];
  return {load: n.loadEventEnd - n.startTime, server: n.responseStart - n.requestStart}; }"""


def prepare(home: Path, url: str, wh: Any) -> dict[str, str]:
    """Demo users (as ``yigai serve`` makes them) and one hypertension case at the demo
    village doctor's clinic, so the worklist, the resident page and the follow-up form have
    something to show. Returns the concrete paths of those pages and the county's id."""
    from yigai.auth.orgs import OrgTree
    from yigai.auth.roles import Role
    from yigai.auth.sessions import principal_of
    from yigai.community import chronic
    from yigai.community._common import local_day
    from yigai.community.directory import ResidentDirectory
    from yigai.service.bootstrap import ensure_demo_users
    from yigai.store import User, migrate, session_scope

    today = local_day(dt.datetime.now(dt.UTC))
    orgs = OrgTree(wh)
    directory = ResidentDirectory.from_warehouse(wh, today)
    migrate(url)
    with session_scope(url) as db:
        ensure_demo_users(db, orgs)
        user = db.query(User).filter(User.username == Role.VILLAGE_DOCTOR.value).one()
        doctor = principal_of(user, orgs)
        clinic = sorted(doctor.roots)[0]
        person = directory.residents_in([clinic])[0].person_id
        case = chronic.register_case(
            db,
            doctor,
            directory,
            person_id=person,
            disease="hypertension",
            institution_id=clinic,
            confirmed_on=today - dt.timedelta(days=120),
            today=today,
        )
        case_id = case.id
    return {
        "resident": f"/residents/{person}",
        "followup": f"/cases/{case_id}/followup",
        "county": orgs.first("county") or "",
    }


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_ms": None, "p95_ms": None}
    if len(values) == 1:
        return {"p50_ms": round(values[0], 1), "p95_ms": round(values[0], 1)}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1)}


def _log_in(page: Any, base: str, role: str) -> dict[str, float]:
    """Log in through the form; returns the log-in page's own timing (the first page)."""
    from yigai.auth.roles import Role
    from yigai.service.bootstrap import demo_password

    page.goto(f"{base}/login")
    first = page.evaluate(TIMING)
    page.fill("#username", role)
    page.fill("#password", demo_password(Role(role)))
    page.click("#login-submit")
    page.wait_for_load_state("load")
    return first


def measure(page: Any, url: str, loads: int) -> dict[str, Any] | None:
    """``loads`` navigations to ``url``; None when the page does not answer 200."""
    loads_ms, server_ms = [], []
    for _ in range(loads):
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            return None
        t = page.evaluate(TIMING)
        loads_ms.append(t["load"])
        server_ms.append(t["server"])
    later = loads_ms[1:]
    return {
        "first_ms": round(loads_ms[0], 1),
        "first_server_ms": round(server_ms[0], 1),
        "loads": len(later),
        **_percentiles(later),
        "server_p50_ms": _percentiles(server_ms[1:])["p50_ms"],
        "all_ms": [round(x, 1) for x in loads_ms],
    }


def _cold_with_whole_font(browser: Any, base: str) -> float:
    """The same first page in another fresh browser with the subset refused: the browser
    falls back to the whole 16 MB font, as every page loaded it before the subset."""
    context = browser.new_context(locale="zh-CN")
    try:
        context.route("**/static/fonts/subset-*", lambda route: route.abort())
        page = context.new_page()
        page.goto(f"{base}/login", wait_until="load")
        page.evaluate("document.fonts.ready")
        return round(page.evaluate(TIMING)["load"], 1)
    finally:
        context.close()


def browse(base: str, paths: dict[str, str], loads: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from yigai.web.fonts import FULL_FILE

    out: dict[str, Any] = {"pages": {}}
    indicator = "in_county_visit_rate"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(locale="zh-CN")
            # a dashboard's first load computes the county's indicators: minutes, not seconds
            context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
            page = context.new_page()
            fonts_fetched: list[str] = []
            page.on("request", lambda r: "/static/fonts/" in r.url and fonts_fetched.append(r.url))
            cold = _log_in(page, base, "village_doctor")
            out["cold_font"] = {
                "page": "/login",
                "load_ms": round(cold["load"], 1),
                "server_ms": round(cold["server"], 1),
            }
            out["cold_whole_font_ms"] = _cold_with_whole_font(browser, base)
            out["baseline"] = measure(page, f"{base}/static/app.css?v=2", loads)
            doctor = {
                "/worklist": "/worklist",
                "resident page": paths["resident"],
                "follow-up form": paths["followup"],
            }
            for name, path in doctor.items():
                out["pages"][name] = measure(page, base + path, loads)
            officials = browser.new_context(locale="zh-CN")
            officials.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
            official = officials.new_page()
            _log_in(official, base, "health_bureau")
            for template in OFFICIAL_PAGES:
                path = template.format(indicator=indicator, county=paths["county"])
                found = measure(official, base + path, loads)
                if found is not None:
                    out["pages"][path] = found
            out["full_font_fetched"] = any(FULL_FILE in u for u in fonts_fetched)
        finally:
            browser.close()
    return out


def run(residents: int, workdir: Path, loads: int = DEFAULT_LOADS) -> dict[str, Any]:
    """The whole benchmark: the county, its users, the server, the browser."""
    home = workdir / f"service-county-{residents}"
    wh, synth_seconds = county(residents, home)
    db = home / "bench-web.db"
    for stale in home.glob("bench-web.db*"):
        stale.unlink()
    url = f"sqlite:///{db}"
    paths = prepare(home, url, wh)
    load_before = [round(x, 2) for x in os.getloadavg()]
    t0 = time.perf_counter()
    proc, base = start_service(home, url, home / "serve-web.log")
    started = round(time.perf_counter() - t0, 1)
    try:
        t0 = time.perf_counter()
        _warm_font(base)
        font_seconds = round(time.perf_counter() - t0, 1)
        browsed = browse(base, paths, loads)
    finally:
        stop_service(proc)
    return {
        "residents": residents,
        "synthesis_seconds": synth_seconds,
        "startup_seconds": started,
        "font_subset_seconds": font_seconds,
        "loads_per_page": loads,
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        **browsed,
    }


def _warm_font(base: str) -> None:
    """Fetch the font subset once before timing: the first request on a machine cuts it (a
    one-off of tens of seconds, kept in the font cache), which is not a page load."""
    import re

    import httpx

    html = httpx.get(f"{base}/login", timeout=60).text
    found = re.search(r'href="(/static/fonts/subset-[^"]+)"', html)
    if found:
        httpx.get(base + found.group(1), timeout=600).raise_for_status()


def _ms(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def section(s: dict[str, Any]) -> list[str]:
    """The results.md section of this benchmark."""
    pages = {k: v for k, v in s["pages"].items() if v is not None}
    base = s["baseline"]
    lines = [
        "## Web pages: load time (issue 17 §6)",
        "",
        f"Run {s.get('run_at', '—')} (`python -m benchmarks.run --only web`). `yigai serve` on "
        f"127.0.0.1 over a synthetic county-year of {s['residents']:,} residents (SQLite "
        f"store); Chromium (headless, Playwright) opens each page {s['loads_per_page']} times "
        "in one logged-in session. *Load* is the browser's navigation start → end of the "
        "`load` event; *server* is request sent → first byte. The first load of each page is "
        "apart (a dashboard's first computes the indicator values once for the warehouse "
        "state); p50 and p95 are over the other loads.",
        "",
        f"Cold font: the first page of a fresh browser ({s['cold_font']['page']}, which also "
        f"fetches the font subset) loaded in **{_ms(s['cold_font']['load_ms'])} ms**; the "
        f"whole 16 MB font was {'fetched' if s['full_font_fetched'] else 'never fetched'}. "
        f"The same page in another fresh browser with the subset refused (so it loads the "
        f"whole font, as before the subset): {_ms(s.get('cold_whole_font_ms'))} ms. "
        f"Cutting the subset (once per machine, cached) took {s['font_subset_seconds']} s "
        "before timing began.",
        "",
        "| page | first load ms (server) | p50 ms | p95 ms | server p50 ms |",
        "|---|---:|---:|---:|---:|",
        f"| baseline: static file `/static/app.css` | {_ms(base['first_ms'])} | "
        f"{_ms(base['p50_ms'])} | {_ms(base['p95_ms'])} | {_ms(base['server_p50_ms'])} |",
        *(
            f"| {name} | {_ms(p['first_ms'])} ({_ms(p['first_server_ms'])}) | "
            f"{_ms(p['p50_ms'])} | {_ms(p['p95_ms'])} | {_ms(p['server_p50_ms'])} |"
            for name, p in pages.items()
        ),
        "",
    ]
    over = [n for n, p in pages.items() if p["p95_ms"] is None or p["p95_ms"] >= TARGET_MS]
    lines += [
        f"Target: every page < {TARGET_MS:.0f} ms (p95 of the repeated loads): "
        + ("**met**." if not over else f"**not met** for {', '.join(over)}."),
        "",
        f"Load average {', '.join(map(str, s['load_average_before']))} before and "
        f"{', '.join(map(str, s['load_average_after']))} after, on {s['cpus']} CPUs: the "
        "server and the browser shared the two cores with whatever else ran.",
        "",
    ]
    return lines

"""``yigai serve``: load (or reuse) the county, migrate, create the first users, run uvicorn."""

from __future__ import annotations

import threading

from rich.markup import escape

from yigai.console import console
from yigai.service import bootstrap
from yigai.settings import Settings


def _print_logins(logins: list[bootstrap.Login], orgs_info: dict, demo: bool) -> None:
    """One line per account, never cut short (a narrow terminal must not hide a password)."""
    if not logins:
        return
    console.print("演示账户 / demo log-ins:" if demo else "管理员账户 / administrator:")
    for login in logins:
        scope = ", ".join(
            "全部 / all" if r == "*" else f"{orgs_info[r].name} ({r})" if r in orgs_info else r
            for r in login.roots
        )
        console.print(
            f"  {escape(login.username)}  {escape(login.password or '')}  "
            f"{login.role.zh} / {login.role.value}  {escape(scope)}",
            soft_wrap=True,
        )
    if not demo:
        console.print("请立即记下并更改此口令 / note this password now: it is not shown again")


def run(
    settings: Settings,
    *,
    host: str,
    port: int,
    residents: int,
    years: tuple[int, ...],
    seed: int,
) -> None:
    import uvicorn

    from yigai.auth.orgs import OrgTree
    from yigai.demo import ensure_county
    from yigai.reports.fonts import print_fonts
    from yigai.service import ServiceConfig, create_app
    from yigai.store import migrate, session_scope
    from yigai.warehouse import Warehouse

    # The report downloads need the PDF's fonts: a bad 仿宋 setting stops the start with
    # its message (exit 1), not a 500 on the first download.
    print_fonts()
    demo = bootstrap.is_demo(settings)
    wh = Warehouse(settings.warehouse_dir)
    if demo:
        ensure_county(wh, settings, residents, years, seed)
    migrate(settings.database_url)  # its engine (make_engine) puts a SQLite file in WAL mode
    orgs = OrgTree(wh)
    with session_scope(settings.database_url) as db:
        if demo:
            logins = bootstrap.ensure_demo_users(db, orgs)
        else:
            logins = bootstrap.ensure_first_admin(db, orgs)
    app = create_app(
        ServiceConfig(settings.database_url, warehouse=settings.warehouse_dir, orgs=orgs)
    )
    _print_logins(logins, orgs.info, demo)
    console.print(f"服务地址 / serving at http://{host}:{port}  (API 文档 / docs: /docs)")
    from yigai.web import fonts

    # the pages' font subset is cut once per machine (tens of seconds): start it now rather
    # than on the first page's font request
    subset = fonts.subset_for(u.name for u in orgs.info.values())
    threading.Thread(target=fonts.build, args=(subset,), daemon=True).start()
    from yigai.indicators import cache

    # the dashboards' indicator values are computed once per warehouse state (seconds): start
    # now, so the first dashboard page does not wait for them
    threading.Thread(target=cache.warm, args=(wh,), daemon=True).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")

"""The app factory: ``create_app(config)`` → a FastAPI app with the routes and error answers.

The org tree and the resident directory are read from the warehouse once, when the app is
made (``yigai serve`` makes it after loading the county); tests pass both in.
"""

from __future__ import annotations

from fastapi import FastAPI

from yigai.auth.orgs import OrgTree
from yigai.community.directory import ResidentDirectory
from yigai.service import errors
from yigai.service.context import ServiceConfig, ServiceContext
from yigai.service.routes import ROUTERS
from yigai.store import session_factory


def _from_warehouse(config: ServiceConfig) -> tuple[OrgTree, ResidentDirectory]:
    from yigai.community._common import local_day
    from yigai.warehouse import Warehouse

    if config.warehouse is None:
        return OrgTree(), ResidentDirectory([], [])
    wh = Warehouse(config.warehouse)
    orgs = config.orgs or OrgTree(wh)
    directory = config.directory or ResidentDirectory.from_warehouse(wh, local_day(config.clock()))
    return orgs, directory


def create_app(config: ServiceConfig) -> FastAPI:
    if config.orgs is not None and config.directory is not None:
        orgs, directory = config.orgs, config.directory
    else:
        orgs, directory = _from_warehouse(config)
    app = FastAPI(
        title="yigai 医共体业务服务 / county medical community service",
        version="0.1.0",
        description="登录、转诊、签约、慢病管理与即时结算 / log-in, referrals, contracts, "
        "chronic care and discharge settlement",
    )
    app.state.yigai = ServiceContext(
        sessions=session_factory(config.database_url),
        orgs=orgs,
        directory=directory,
        clock=config.clock,
        warehouse=config.warehouse,
    )
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    from yigai.web import router as web_pages  # the pages (docs/WEB.md)

    app.include_router(web_pages)
    return app


__all__ = ["ServiceConfig", "create_app"]

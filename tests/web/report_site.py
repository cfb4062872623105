"""A site with data behind it for the report downloads: the small synthetic region of
tests/reports (generated once per test process), its warehouse served by the app, and the
demo users of ``yigai serve`` in the store the CLI reads too (``<home>/yigai.db``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.reports.test_assemble import synth_home

from yigai.auth import OrgTree
from yigai.service import ServiceConfig, create_app
from yigai.service.bootstrap import ensure_demo_users
from yigai.store import migrate, session_scope
from yigai.warehouse import Warehouse


@dataclass
class ReportSite:
    home: Path
    url: str
    orgs: OrgTree

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse"

    def app(self):  # type: ignore[no-untyped-def]
        return create_app(ServiceConfig(self.url, warehouse=self.warehouse, orgs=self.orgs))

    def county(self) -> str:
        found = self.orgs.first("county")
        assert found is not None
        return found

    def community(self) -> str:
        found = self.orgs.first("community")
        assert found is not None
        return found


def report_site(base: Path) -> ReportSite:
    home = synth_home(base)
    url = f"sqlite:///{home / 'yigai.db'}"
    migrate(url)
    orgs = OrgTree(Warehouse(home / "warehouse"))
    with session_scope(url) as db:
        ensure_demo_users(db, orgs)
    return ReportSite(home, url, orgs)

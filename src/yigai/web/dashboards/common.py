"""What every dashboard page needs: the user, the permission, the figures, and the texts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from fastapi import Request
from markupsafe import Markup
from sqlalchemy.orm import Session

from yigai.auth.principal import Principal
from yigai.periods import Period
from yigai.reports.model import Unit
from yigai.reports.sections import format_value
from yigai.reports.status import Status, target_text
from yigai.service.context import ServiceContext
from yigai.warehouse import Warehouse
from yigai.web.dashboards.figures import Figures, figures, warehouse_of
from yigai.web.i18n import Texts
from yigai.web.render import lang_of
from yigai.web.session import principal

INDICATORS = "indicators.read"
ASSESSMENT = "assessment.read"
TASKS = "tasks.read"

#: Status → CSS class of its tag (the bulletin's colours: app.css / dashboards.css).
STATUS_CLASS = {
    Status.GREEN: "green",
    Status.AMBER: "amber",
    Status.RED: "red",
}


@dataclass(frozen=True)
class Scene:
    me: Principal
    wh: Warehouse
    figs: Figures
    t: Texts


def scene(request: Request, ctx: ServiceContext, db: Session, permission: str) -> Scene:
    """The logged-in user (401 → log-in), their permission (403), and the figures."""
    me = principal(request, ctx, db)
    me.require(permission)
    wh = warehouse_of(ctx.warehouse)
    return Scene(me, wh, figures(wh, db), Texts(lang_of(request)))


def chart_json(data: object) -> Markup:
    """Data for a chart script, safe inside ``<script type="application/json">``."""
    return Markup(json.dumps(data, ensure_ascii=False).replace("</", "<\\/"))


def number(value: Decimal | None) -> float | None:
    """A value for a chart axis (display only: tables show the exact Decimal text)."""
    return None if value is None else float(value)


class Words:
    """Texts the templates call with a value: statuses, values with units, periods."""

    def __init__(self, t: Texts) -> None:
        self.t = t

    def status(self, status: Status) -> str:
        return self.t.code(str(status))

    def status_class(self, status: Status) -> str:
        return STATUS_CLASS.get(status, "grey")

    def value(self, value: Decimal | None, unit: Unit) -> str:
        return format_value(value, unit)

    def target(self, value: Decimal | None, unit: Unit, direction: object) -> str:
        return target_text(format_value(value, unit), direction)  # type: ignore[arg-type]

    def period(self, period: Period) -> str:
        return period.label_zh if self.t.lang == "zh" else period.id

    def name(self, zh: str, en: str) -> str:
        return zh if self.t.lang == "zh" else en

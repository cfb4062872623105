"""The forms about one resident (签约 on contract_pages, 申请转诊 on referral_form): who asks,
with which permission, about a resident in their scope, and the page that draws the form.

The library decides again on every write; this only keeps the two pages' opening steps one:
the permission is checked before the resident is looked up, so a user without it learns
nothing of the resident, and a resident outside the user's scope is the 404 page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from yigai.auth.principal import Principal
from yigai.community.directory import Resident
from yigai.service.context import ServiceContext
from yigai.web.doctor import org_namer
from yigai.web.forms import Form
from yigai.web.render import page
from yigai.web.session import posted, principal


@dataclass(frozen=True)
class AboutResident:
    """One request of a form page about ``resident`` by ``me``."""

    request: Request
    ctx: ServiceContext
    me: Principal
    resident: Resident

    def page(self, template: str, form: Form, status: int = 200, **context: Any) -> Response:
        """The form page (``status`` 422 or the refusal's own when it is shown again)."""
        return page(
            self.request,
            template,
            self.me,
            status=status,
            resident=self.resident,
            form=form,
            org=org_namer(self.ctx),
            **context,
        )


def _about(
    request: Request, ctx: ServiceContext, me: Principal, person_id: str, permission: str
) -> AboutResident:
    me.require(permission)
    return AboutResident(request, ctx, me, ctx.directory.resident(me, person_id))


def opened(
    request: Request, ctx: ServiceContext, db: Session, person_id: str, permission: str
) -> AboutResident:
    """A GET of the form: the logged-in user, holding ``permission``, and the resident."""
    return _about(request, ctx, principal(request, ctx, db), person_id, permission)


async def submitted(
    request: Request, ctx: ServiceContext, db: Session, person_id: str, permission: str
) -> tuple[Form, AboutResident]:
    """A POST of the form: its fields (CSRF checked), the user and the resident."""
    form, me = await posted(request, ctx, db)
    return form, _about(request, ctx, me, person_id, permission)

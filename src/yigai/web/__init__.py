"""网页 (the web pages): server-rendered pages over the same library functions as the API.

``router`` carries every page and the static files; the app factory includes it. See
docs/WEB.md for the pages of each role.
"""

from fastapi import APIRouter

from yigai.web import (
    audit_pages,
    auth_pages,
    contract_pages,
    doctor,
    insurance_pages,
    officials,
    referral_form,
    report_pages,
    static,
    whatif_pages,
)
from yigai.web.dashboards import router as dashboards

router = APIRouter(include_in_schema=False)
for _part in (
    static.router,
    auth_pages.router,
    officials.router,
    doctor.router,
    referral_form.router,
    contract_pages.router,
    dashboards,
    report_pages.router,
    insurance_pages.router,
    whatif_pages.router,
    audit_pages.router,
):
    router.include_router(_part)

__all__ = ["router"]

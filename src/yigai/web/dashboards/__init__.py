"""官员看板 (the officials' dashboards): indicators by unit and period against their targets,
drill-down along the roll-up path, each indicator's definition and counts, the latest
assessment explained item by item, and overdue reform tasks (docs/WEB.md).

Every number comes from the library the CLI and the bulletin use; see ``views`` for the
indicator rows, ``assessment_view`` for the assessment and :mod:`yigai.indicators.cache`
for the values computed once per warehouse state.
"""

from fastapi import APIRouter

from yigai.web.dashboards import assessment_pages, indicator_pages

router = APIRouter(include_in_schema=False)
router.include_router(indicator_pages.router)
router.include_router(assessment_pages.router)

__all__ = ["router"]

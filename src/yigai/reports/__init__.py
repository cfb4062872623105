"""yigai.reports — monthly progress report (月度进展报告) and quarterly bulletin (季度通报)
as DOCX (公文格式), PDF, XLSX annex tables and HTML.

The lead assembles a :class:`ReportData` from the indicator, assessment and reform outputs;
this package imports none of them.
"""

from yigai.reports.bulletin import write_quarterly_bulletin
from yigai.reports.inputs import (
    consequences_from_rows,
    indicator_values_from_rows,
    items_from_rows,
    totals_from_rows,
)
from yigai.reports.model import (
    AssessmentItem,
    AssessmentTotal,
    Consequence,
    ConsequenceKind,
    Direction,
    DocumentHeader,
    IndicatorMeta,
    IndicatorValue,
    OrgUnit,
    RankingGroup,
    ReformTask,
    ReportData,
    ReportDataError,
    Target,
    Unit,
)
from yigai.reports.monthly import write_monthly_report

__all__ = [
    "AssessmentItem",
    "AssessmentTotal",
    "Consequence",
    "ConsequenceKind",
    "Direction",
    "DocumentHeader",
    "IndicatorMeta",
    "IndicatorValue",
    "OrgUnit",
    "RankingGroup",
    "ReformTask",
    "ReportData",
    "ReportDataError",
    "Target",
    "Unit",
    "consequences_from_rows",
    "indicator_values_from_rows",
    "items_from_rows",
    "totals_from_rows",
    "write_monthly_report",
    "write_quarterly_bulletin",
]

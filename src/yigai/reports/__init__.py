"""yigai.reports — monthly progress report (月度进展报告) and quarterly bulletin (季度通报)
as DOCX (公文格式), PDF, XLSX annex tables and HTML.

The lead assembles a :class:`ReportData` from the indicator, assessment and reform outputs;
this package imports none of them.
"""

from yigai._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "yigai.reports.bulletin": ["write_quarterly_bulletin"],
        "yigai.reports.inputs": [
            "consequences_from_rows",
            "indicator_values_from_rows",
            "items_from_rows",
            "totals_from_rows",
        ],
        "yigai.reports.model": [
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
        ],
        "yigai.reports.monthly": ["write_monthly_report"],
    },
)

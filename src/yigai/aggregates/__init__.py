"""yigai.aggregates — reported aggregate values (上报数据).

Not every county has record feeds, so monthly values can be entered or imported per
indicator × org unit × period: a numerator and a denominator, or a value for a direct-value
indicator. ``make_template`` writes the XLSX to fill in; ``import_file`` validates and stores
it (atomic, idempotent, every revision kept); ``reported_values`` returns the values in force
in the indicator result-table shape, and ``merge`` adds them where computed values are missing.
"""

from yigai._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "yigai.aggregates.errors": ["AggregateFileError", "Finding", "Rejection", "Warning_"],
        "yigai.aggregates.importer": ["ImportReport", "history", "import_file"],
        "yigai.aggregates.results": ["RESULT_SCHEMA", "merge", "reported_values"],
        "yigai.aggregates.spec": ["IndicatorSpec"],
        "yigai.aggregates.template": ["make_template"],
    },
)

"""yigai.aggregates — reported aggregate values (上报数据).

Not every county has record feeds, so monthly values can be entered or imported per
indicator × org unit × period: a numerator and a denominator, or a value for a direct-value
indicator. ``make_template`` writes the XLSX to fill in; ``import_file`` validates and stores
it (atomic, idempotent, every revision kept); ``reported_values`` returns the values in force
in the indicator result-table shape, and ``merge`` adds them where computed values are missing.
"""

from yigai.aggregates.errors import AggregateFileError, Finding, Rejection, Warning_
from yigai.aggregates.importer import ImportReport, history, import_file
from yigai.aggregates.results import RESULT_SCHEMA, merge, reported_values
from yigai.aggregates.spec import IndicatorSpec
from yigai.aggregates.template import make_template

__all__ = [
    "RESULT_SCHEMA",
    "AggregateFileError",
    "Finding",
    "ImportReport",
    "IndicatorSpec",
    "Rejection",
    "Warning_",
    "history",
    "import_file",
    "make_template",
    "merge",
    "reported_values",
]

"""Indicators (监测指标): YAML catalogue → Ibis expressions → DuckDB | Spark, with targets.

``compute(source, periods, engine=...)`` returns one row per indicator × org unit × period;
see docs/CONTRACTS.md for the result columns.
"""

from yigai._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "yigai.indicators.catalogue": ["Catalogue", "CatalogueError"],
        "yigai.indicators.engine": ["RESULT_SCHEMA", "compute"],
        "yigai.indicators.source": ["ArrowSource", "TableSource"],
    },
)

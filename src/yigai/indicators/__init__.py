"""Indicators (监测指标): YAML catalogue → Ibis expressions → DuckDB | Spark, with targets.

``compute(source, periods, engine=...)`` returns one row per indicator × org unit × period;
see docs/CONTRACTS.md for the result columns.
"""

from yigai.indicators.catalogue import Catalogue, CatalogueError
from yigai.indicators.engine import RESULT_SCHEMA, compute
from yigai.indicators.source import ArrowSource, TableSource

__all__ = ["RESULT_SCHEMA", "ArrowSource", "Catalogue", "CatalogueError", "TableSource", "compute"]

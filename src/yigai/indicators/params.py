"""Dated indicator parameters (指标参数): prevalence factors and similar, as data.

Each ``data/params/<name>.yaml`` is OpenFisca-style::

    description: 18岁及以上居民高血压患病率 ...
    metadata: {reference: ..., unit: ratio}
    values:
      2015-01-01: {value: 0.251, reference: ...}

The value in force on a day is the one with the latest date on or before it. Values are read
as :class:`~decimal.Decimal` (never float) and must be positive. Errors name the file and key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from yigai.indicators.catalogue import CatalogueError, read_yaml

PARAMS_DIR = Path(__file__).parent / "data" / "params"


@dataclass(frozen=True)
class Parameter:
    """One dated parameter: ``(effective date, value, reference)`` sorted by date."""

    name: str
    description: str
    unit: str
    reference: str
    values: tuple[tuple[dt.date, Decimal, str], ...]

    def at(self, day: dt.date) -> Decimal:
        """The value in force on ``day``."""
        found = [v for d, v, _ in self.values if d <= day]
        if not found:
            raise ValueError(
                f"参数 {self.name} 在 {day} 尚无取值 / parameter {self.name} has no value on {day}"
            )
        return found[-1]


def load_file(path: Path) -> Parameter:
    """Read and validate one parameter file."""
    doc = read_yaml(path)
    if not isinstance(doc, dict) or set(doc) != {"description", "metadata", "values"}:
        raise CatalogueError(
            path,
            None,
            "参数文件应有 description、metadata、values 三个键",
            "a parameter file holds exactly description, metadata and values",
        )
    meta = doc["metadata"]
    if not isinstance(meta, dict) or not {"reference", "unit"} <= set(meta):
        raise CatalogueError(
            path, "metadata", "metadata 需要 reference 和 unit", "metadata needs reference and unit"
        )
    vals = doc["values"]
    if not isinstance(vals, dict) or not vals:
        raise CatalogueError(
            path, "values", "values 不能为空", "values must be a non-empty mapping"
        )
    out = []
    for key, entry in vals.items():
        if not isinstance(key, dt.date):
            raise CatalogueError(
                path, str(key), "values 的键应为 ISO 日期", "values keys must be ISO dates"
            )
        if not isinstance(entry, dict) or set(entry) != {"value", "reference"}:
            raise CatalogueError(
                path,
                str(key),
                "每个取值需要 value 和 reference",
                "each value needs exactly value and reference",
            )
        v = entry["value"]
        if isinstance(v, bool) or not isinstance(v, int | Decimal) or v <= 0:
            raise CatalogueError(
                path, str(key), f"取值应为正数（得到 {v!r}）", f"value must be positive (got {v!r})"
            )
        out.append((key, Decimal(v), str(entry["reference"])))
    return Parameter(
        name=path.stem,
        description=str(doc["description"]),
        unit=str(meta["unit"]),
        reference=str(meta["reference"]),
        values=tuple(sorted(out)),
    )


@cache
def get(name: str, directory: Path = PARAMS_DIR) -> Parameter:
    """The parameter ``name`` from ``directory`` (default: the shipped params)."""
    path = directory / f"{name}.yaml"
    if not path.exists():
        raise CatalogueError(path, name, "参数文件不存在", "parameter file not found")
    return load_file(path)

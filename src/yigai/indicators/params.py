"""Dated indicator parameters (指标参数): prevalence factors, clinical thresholds, as data.

Each ``data/params/<name>.yaml`` is an OpenFisca-style file read by :mod:`yigai.params`; the
unit is free text (``ratio``, ``mmHg``, ``mmol/L``) and every value must be positive. Errors
are :class:`~yigai.indicators.catalogue.CatalogueError` naming the file and the entry (the
date of a value), like the rest of the catalogue.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from yigai import params as shared
from yigai.indicators.catalogue import CatalogueError
from yigai.params import Parameter

__all__ = ["PARAMS_DIR", "Parameter", "get", "load_file"]

PARAMS_DIR = Path(__file__).parent / "data" / "params"


def _positive(value: Decimal, unit: str) -> tuple[str, str] | None:
    # A prevalence or threshold of 0 would silently empty a denominator or a filter.
    if value <= 0:
        return f"取值应为正数（得到 {value}）", f"value must be positive (got {value})"
    return None


def _catalogue_error(exc: shared.ParameterError) -> CatalogueError:
    # The catalogue names an entry, not a key path: a value's entry is its date.
    parts = exc.key.split(".")
    entry: str | None = exc.key
    if exc.key == "(file)":
        entry = None
    elif parts[0] == "values" and len(parts) > 1:
        entry = parts[1]
    return CatalogueError(exc.file, entry, exc.zh, exc.en)


def load_file(path: Path) -> Parameter:
    """Read and validate one parameter file."""
    try:
        return shared.load_file(path, check=_positive)
    except shared.ParameterError as exc:
        raise _catalogue_error(exc) from None


@cache
def get(name: str, directory: Path = PARAMS_DIR) -> Parameter:
    """The parameter ``name`` from ``directory`` (default: the shipped params)."""
    try:
        return shared.load(name, directory, check=_positive)
    except shared.ParameterError as exc:
        raise _catalogue_error(exc) from None

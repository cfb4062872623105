"""Dated report parameters (报告参数), OpenFisca style.

A parameter lives in ``data/params/<path>.yaml``; its dotted name is the path
(``status/amber_tolerance.yaml`` → ``status.amber_tolerance``), read by :mod:`yigai.params`.
The unit is free text (``share``).

:class:`StrictLoader` is also the reader of report data files: the shared
:class:`~yigai.params.DecimalLoader` (duplicate keys rejected, YAML dates) with integers read
as ``Decimal`` too.
"""

from __future__ import annotations

from pathlib import Path

from yigai import params as shared
from yigai.params import DatedValue, Parameter, ParameterError

__all__ = [
    "PARAMS_DIR",
    "DatedValue",
    "Parameter",
    "ParameterError",
    "StrictLoader",
    "load",
    "load_file",
]

PARAMS_DIR = Path(__file__).parent / "data" / "params"


class StrictLoader(shared.DecimalLoader):
    """Safe loader that rejects duplicate keys and reads numbers as Decimal, dates as dates."""


StrictLoader.add_constructor("tag:yaml.org,2002:int", shared.construct_decimal)


def load_file(path: Path, name: str = "") -> Parameter:
    """Load and validate one parameter file."""
    return shared.load_file(path, name)


def load(name: str, root: Path = PARAMS_DIR) -> Parameter:
    """Load the parameter ``name`` (dotted path under ``root``)."""
    return shared.load(name, root)

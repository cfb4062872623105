"""Dated parameters of assessment-linked money (考核挂钩资金参数), OpenFisca style.

One YAML file per parameter under ``data/params``, read by :mod:`yigai.params`; the path is
the name (``village_clinic_subsidy/amount.yaml`` → ``village_clinic_subsidy.amount``);
``index.yaml`` files describe their folder. Units are ``fen`` (whole fen only), ``ratio`` and
``persons``. Dates are parsed by YAML, as in the assessment schemes, so an impossible date is
a YAML error of the file.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from yigai import params as shared
from yigai.params import Parameter, ParameterError

__all__ = ["PARAM_DIR", "UNITS", "Parameter", "ParameterError", "load_parameter"]

PARAM_DIR = Path(__file__).parent / "data" / "params"
UNITS = ("fen", "ratio", "persons")


def _whole_fen(value: Decimal, unit: str) -> tuple[str, str] | None:
    if unit == "fen" and value != value.to_integral_value():
        return "金额须为整数分", "money must be whole fen"
    return None


def load_parameter(name: str, root: Path = PARAM_DIR) -> Parameter:
    """Load ``a.b`` from ``root/a/b.yaml``."""
    try:
        return shared.load(name, root, units=UNITS, check=_whole_fen, loader=shared.DecimalLoader)
    except shared.BadDate as exc:
        # The assessment loader names the mapping holding a mistyped date key.
        raise ParameterError(exc.file, "values", exc.zh, exc.en) from None

"""Dated parameters of reported-data validation (上报数据校验参数), OpenFisca style.

One YAML file per parameter under ``data/params/``, read by :mod:`yigai.params` (closed keys,
duplicate keys rejected, dates and decimals validated, file and key named in every error).
A wrong set of keys is reported against the mapping that holds it (``(top)`` for the file).
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
    "parameter",
    "parse_parameter",
]

PARAMS_DIR = Path(__file__).parent / "data" / "params"


def parse_parameter(path: Path) -> Parameter:
    """Load and validate one parameter file."""
    try:
        return shared.load_file(path)
    except shared.KeyProblem as exc:
        which_zh, which_en = ("缺少", "missing") if exc.missing else ("未知的", "unknown")
        raise ParameterError(
            exc.file,
            exc.mapping or "(top)",
            f"{which_zh}键 {[exc.name]}",
            f"{which_en} keys {[exc.name]}",
        ) from None


def parameter(name: str, folder: Path = PARAMS_DIR) -> Parameter:
    """The parameter ``name`` (file ``<folder>/<name>.yaml``)."""
    path = folder / f"{name}.yaml"
    if not path.exists():
        raise ParameterError(path, "(file)", "参数文件不存在", "parameter file not found")
    return parse_parameter(path)

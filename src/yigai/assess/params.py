"""Dated parameters of assessment-linked money (考核挂钩资金参数), OpenFisca style.

One YAML file per parameter under ``data/params``; the path is the name
(``village_clinic_subsidy/amount.yaml`` → ``village_clinic_subsidy.amount``). Each file has
``description``, ``metadata: {reference, unit}`` and ``values`` keyed by the ISO date a value
takes effect, each with its own ``reference``. ``index.yaml`` files describe their folder.
The loader is strict: closed keys, duplicate keys rejected, dates and numbers validated, the
file and key named in every error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from yigai.assess.model import read_yaml, validation_message

PARAM_DIR = Path(__file__).parent / "data" / "params"


class ParameterError(ValueError):
    """A parameter file that cannot be loaded, or a date before its first value."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Metadata(_Strict):
    reference: str = Field(min_length=1)
    unit: Literal["fen", "ratio", "persons"]


class _Value(_Strict):
    value: Decimal
    reference: str = Field(min_length=1)


class _File(_Strict):
    description: str = Field(min_length=1)
    metadata: _Metadata
    values: dict[str, _Value] = Field(min_length=1)

    @field_validator("values", mode="before")
    @classmethod
    def _dates_only(cls, v: object) -> object:
        # YAML gives ISO dates as datetime.date; any other key means the author mistyped a
        # date. Keys go back to ISO text so error locations read values.2024-01-01.value.
        if not isinstance(v, dict):
            return v
        out = {}
        for key, value in v.items():
            if not isinstance(key, dt.date):
                raise ValueError(f"{key!r} is not an ISO date (YYYY-MM-DD) / 不是日期")
            out[key.isoformat()] = value
        return out


@dataclass(frozen=True)
class Parameter:
    """One dated parameter: the value in force on a date, and where it came from."""

    name: str
    description: str
    unit: str
    reference: str
    values: tuple[tuple[dt.date, Decimal, str], ...]  # (effective date, value, reference)

    def at(self, day: dt.date) -> Decimal:
        """The value in force on ``day`` (the latest one effective on or before it)."""
        current = [v for d, v, _ in self.values if d <= day]
        if not current:
            first = self.values[0][0]
            raise ParameterError(
                f"参数 {self.name} 在 {day} 尚无取值（最早 {first}） / parameter {self.name} has "
                f"no value on {day} (first value {first})"
            )
        return current[-1]


def load_parameter(name: str, root: Path = PARAM_DIR) -> Parameter:
    """Load ``a.b`` from ``root/a/b.yaml``."""
    path = root.joinpath(*name.split(".")).with_suffix(".yaml")
    if not path.exists():
        raise ParameterError(f"没有参数文件 {path} / no parameter file {path}")
    data = read_yaml(path, ParameterError)
    try:
        f = _File.model_validate(data)
    except ValidationError as exc:
        raise ParameterError(validation_message(path, exc)) from None
    values = tuple(
        sorted((dt.date.fromisoformat(d), v.value, v.reference) for d, v in f.values.items())
    )
    if f.metadata.unit == "fen":
        for d, v, _ in values:
            if v != v.to_integral_value():
                raise ParameterError(
                    f"文件 {path} 键 values.{d}.value：金额须为整数分 / file {path} key "
                    f"values.{d}.value: money must be whole fen"
                )
    return Parameter(name, f.description, f.metadata.unit, f.metadata.reference, values)

"""Dated report parameters (报告参数), OpenFisca style.

A parameter lives in ``data/params/<path>.yaml``; its dotted name is the path
(``status/amber_tolerance.yaml`` → ``status.amber_tolerance``). Each file has exactly
``description``, ``metadata: {reference, unit}`` and ``values`` keyed by the ISO date a value
takes effect, each ``{value, reference}``. Numbers are read as ``Decimal`` from their YAML
text, never through float. Every error names the file and the key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

PARAMS_DIR = Path(__file__).parent / "data" / "params"

_TOP_KEYS = {"description", "metadata", "values"}
_META_KEYS = {"reference", "unit"}
_VALUE_KEYS = {"value", "reference"}


class ParameterError(ValueError):
    """A parameter file that breaks the format; Chinese first, then English."""


def _err(path: Path, key: str, zh: str, en: str) -> ParameterError:
    return ParameterError(
        f"参数文件 {path} 键 {key}：{zh} / parameter file {path}, key {key}: {en}"
    )


class StrictLoader(yaml.SafeLoader):
    """Safe loader that rejects duplicate keys and reads numbers as Decimal."""


def _mapping(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} / 重复的键 {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


def _decimal(loader: StrictLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
StrictLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
StrictLoader.add_constructor("tag:yaml.org,2002:int", _decimal)


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: Decimal
    reference: str


@dataclass(frozen=True)
class Parameter:
    """One dated parameter; :meth:`at` gives the value in force on a date."""

    name: str
    description: str
    reference: str
    unit: str
    values: tuple[DatedValue, ...]  # ascending by start
    path: Path

    def at(self, day: dt.date) -> Decimal:
        in_force = [v for v in self.values if v.start <= day]
        if not in_force:
            raise _err(
                self.path,
                "values",
                f"{day.isoformat()} 之前没有生效的取值",
                f"no value in force on {day.isoformat()}",
            )
        return in_force[-1].value


def load_file(path: Path, name: str = "") -> Parameter:
    """Load and validate one parameter file."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader)
    except yaml.YAMLError as exc:
        raise _err(path, "(文件)", f"YAML 格式错误：{exc}", f"invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise _err(path, "(文件)", "应为映射", "expected a mapping")
    extra = set(raw) - _TOP_KEYS
    if extra:
        key = sorted(map(str, extra))[0]
        raise _err(path, key, "不允许的键", "key not allowed")
    for key in sorted(_TOP_KEYS - set(raw)):
        raise _err(path, key, "缺少必需的键", "required key missing")
    meta = raw["metadata"]
    if not isinstance(meta, dict):
        raise _err(path, "metadata", "应为映射", "expected a mapping")
    for key in sorted(set(meta) ^ _META_KEYS):
        zh, en = (
            ("不允许的键", "key not allowed")
            if key in meta
            else ("缺少必需的键", "required key missing")
        )
        raise _err(path, f"metadata.{key}", zh, en)
    values = raw["values"]
    if not isinstance(values, dict) or not values:
        raise _err(
            path, "values", "应为以日期为键的非空映射", "expected a non-empty mapping keyed by date"
        )
    dated: list[DatedValue] = []
    for start, entry in values.items():
        key = f"values.{start}"
        if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
            raise _err(
                path, key, "键应为 ISO 日期（YYYY-MM-DD）", "key must be an ISO date (YYYY-MM-DD)"
            )
        if not isinstance(entry, dict):
            raise _err(path, key, "应为 {value, reference}", "expected {value, reference}")
        for sub in sorted(set(entry) ^ _VALUE_KEYS):
            zh, en = (
                ("不允许的键", "key not allowed")
                if sub in entry
                else ("缺少必需的键", "required key missing")
            )
            raise _err(path, f"{key}.{sub}", zh, en)
        value = entry["value"]
        if not isinstance(value, Decimal):
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                raise _err(
                    path, f"{key}.value", f"不是数值：{value!r}", f"not a number: {value!r}"
                ) from None
        if not value.is_finite():
            raise _err(path, f"{key}.value", "不是有限数值", "not a finite number")
        dated.append(DatedValue(start, value, str(entry["reference"])))
    dated.sort(key=lambda v: v.start)
    return Parameter(
        name=name or path.stem,
        description=str(raw["description"]).strip(),
        reference=str(meta["reference"]).strip(),
        unit=str(meta["unit"]),
        values=tuple(dated),
        path=path,
    )


def load(name: str, root: Path = PARAMS_DIR) -> Parameter:
    """Load the parameter ``name`` (dotted path under ``root``)."""
    path = root.joinpath(*name.split(".")).with_suffix(".yaml")
    if not path.is_file():
        raise _err(path, name, "参数文件不存在", "parameter file not found")
    return load_file(path, name)

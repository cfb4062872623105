"""Dated parameters of reported-data validation (上报数据校验参数), OpenFisca style.

One YAML file per parameter under ``data/params/``: ``description``, ``metadata`` (reference,
unit) and ``values`` keyed by the ISO date each value takes effect, each with its own
``reference``. The loader is strict: a closed set of keys, duplicate keys rejected, dates and
decimals validated, and every error names the file and the key.
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
_METADATA_KEYS = {"reference", "unit"}
_VALUE_KEYS = {"value", "reference"}


class ParameterError(ValueError):
    """A parameter file that breaks the format; the message names file and key."""

    def __init__(self, path: Path, key: str, zh: str, en: str) -> None:
        super().__init__(f"{path.name}：{key}：{zh} / {path.name}: {key}: {en}")
        self.path, self.key = path, key


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice (YAML silently keeps the last)."""


def _no_duplicates(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} / 重复的键 {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep)


def _decimal(loader: _UniqueKeyLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", ""))


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _no_duplicates,  # type: ignore[arg-type]
)
# dates stay text until checked, so a bad date is an error naming the key, not a parser crash
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)
# a YAML float would pass through binary floating point; read the written decimal instead
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:float", _decimal)  # type: ignore[arg-type]


def load_yaml(path: Path) -> Any:
    """Parse ``path`` with duplicate keys rejected; errors name the file."""
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: safe
    except yaml.YAMLError as exc:
        raise ParameterError(
            path, "(file)", f"YAML 格式错误：{exc}", f"invalid YAML: {exc}"
        ) from exc


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: Decimal
    reference: str


@dataclass(frozen=True)
class Parameter:
    """A parameter whose value changes on dates; :meth:`at` gives the value in force."""

    name: str
    description: str
    reference: str
    unit: str
    values: tuple[DatedValue, ...]  # sorted by start

    def at(self, day: dt.date) -> Decimal:
        """The value in force on ``day`` (the latest value whose start is on or before it)."""
        current = [v for v in self.values if v.start <= day]
        if not current:
            raise LookupError(
                f"参数 {self.name} 在 {day} 尚未生效（最早 {self.values[0].start}） / "
                f"parameter {self.name} has no value on {day} (first {self.values[0].start})"
            )
        return current[-1].value


def _require_keys(path: Path, where: str, mapping: Any, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(mapping, dict):
        raise ParameterError(path, where, "应为映射", "must be a mapping")
    unknown = set(map(str, mapping)) - allowed
    if unknown:
        raise ParameterError(
            path, where, f"未知的键 {sorted(unknown)}", f"unknown keys {sorted(unknown)}"
        )
    missing = allowed - set(map(str, mapping))
    if missing:
        raise ParameterError(
            path, where, f"缺少键 {sorted(missing)}", f"missing keys {sorted(missing)}"
        )
    return mapping


def parse_parameter(path: Path) -> Parameter:
    """Load and validate one parameter file."""
    doc = _require_keys(path, "(top)", load_yaml(path), _TOP_KEYS)
    meta = _require_keys(path, "metadata", doc["metadata"], _METADATA_KEYS)
    raw_values = doc["values"]
    if not isinstance(raw_values, dict) or not raw_values:
        raise ParameterError(
            path, "values", "应为非空映射（日期→值）", "must be a non-empty date mapping"
        )
    values: list[DatedValue] = []
    for key, entry in raw_values.items():
        where = f"values.{key}"
        if isinstance(key, dt.date) and not isinstance(key, dt.datetime):
            start = key
        else:
            try:
                start = dt.date.fromisoformat(str(key))
            except ValueError:
                raise ParameterError(
                    path,
                    where,
                    "键应为 ISO 日期（YYYY-MM-DD）",
                    "key must be an ISO date (YYYY-MM-DD)",
                ) from None
        item = _require_keys(path, where, entry, _VALUE_KEYS)
        if isinstance(item["value"], bool) or not isinstance(item["value"], int | Decimal | str):
            raise ParameterError(path, f"{where}.value", "应为数值", "must be a number")
        try:
            number = Decimal(str(item["value"]))
        except InvalidOperation:
            raise ParameterError(path, f"{where}.value", "应为数值", "must be a number") from None
        if not number.is_finite():
            raise ParameterError(path, f"{where}.value", "应为有限数值", "must be finite")
        if not isinstance(item["reference"], str) or not item["reference"].strip():
            raise ParameterError(
                path, f"{where}.reference", "每个取值都要注明出处", "each value needs a reference"
            )
        values.append(DatedValue(start, number, item["reference"]))
    values.sort(key=lambda v: v.start)
    return Parameter(
        name=path.stem,
        description=str(doc["description"]),
        reference=str(meta["reference"]),
        unit=str(meta["unit"]),
        values=tuple(values),
    )


def parameter(name: str, folder: Path = PARAMS_DIR) -> Parameter:
    """The parameter ``name`` (file ``<folder>/<name>.yaml``)."""
    path = folder / f"{name}.yaml"
    if not path.exists():
        raise ParameterError(path, "(file)", "参数文件不存在", "parameter file not found")
    return parse_parameter(path)

"""Dated policy parameters (政策参数): strict YAML loader and the values in force on a date.

Policy values that change by region and year (起付线, 报销比例, 年度最高支付限额, 大病保险分段,
医疗救助比例, DIP coefficients, budget bands …) live in YAML files, OpenFisca style::

    src/yigai/policy/data/params/<region>/index.yaml            # describes the region (optional)
    src/yigai/policy/data/params/<region>/inpatient/ratio.yaml  # parameter "inpatient.ratio"

The path below the region folder is the parameter's name (``/`` becomes ``.``). A value file::

    description: 住院统筹基金支付比例 / inpatient fund share, by policy level
    metadata:
      reference: 《…补偿方案》第三条          # the document that set the parameter
      unit: ratio                            # yuan | ratio | factor | bool | count
      note: optional free text (e.g. "working assumption")
    values:
      2024-01-01:
        value: {township: 0.90, county: 0.78}  # a scalar, or a flat mapping of scalars
        reference: 《…》（2024年修订版）      # every dated value cites its source
      2026-01-01:
        value: null                          # the parameter stops being in force

A tiered schedule (e.g. 大病保险 tiers) uses ``brackets`` instead of ``values``; thresholds are
in ``metadata.threshold_unit`` (yuan) and rates in ``metadata.unit`` (ratio)::

    brackets:
      - threshold: {2024-01-01: {value: 0, reference: …}}
        rate:      {2024-01-01: {value: 0.60, reference: …}}

Units become exact Python values: ``yuan`` → ``int`` fen (a value with more than two decimals
is an error), ``ratio`` → ``Decimal`` in [0, 1], ``factor`` → ``Decimal`` ≥ 0 with no upper
bound (a multiplier such as a DIP level coefficient or the 2× high-cost line, which may exceed
1), ``bool`` → ``bool``, ``count`` → ``int``. YAML floats are read as ``Decimal`` from their
text, never through ``float``.

The loader is strict: only the keys above are allowed, duplicate keys are rejected, dates must
be ISO ``YYYY-MM-DD``; every error is a :class:`ParameterError` naming the file and key, in
Chinese then English.

API::

    from yigai.policy.params import parameters, load
    p = parameters("hubei_xiaogan", date(2024, 3, 1))   # values in force on that day
    p["inpatient.ratio"]["county"]        # Decimal('0.75')
    p["critical_illness.rates"]           # (Bracket(threshold_fen=0, rate=Decimal('0.60')), …)
    p.get("assistance.ratio")             # None when not in force
    load("hubei_xiaogan").change_dates("inpatient.ratio")   # dates on which it changes

``root`` (keyword) points at another parameter folder (tests, what-if reforms).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from yigai.params import DuplicateKey, StrictLoader

DEFAULT_ROOT = Path(__file__).parent / "data" / "params"

UNITS = ("yuan", "ratio", "factor", "bool", "count")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FILE_KEYS = {"description", "metadata", "values", "brackets"}
_META_KEYS = {"reference", "unit", "threshold_unit", "note"}
_VALUE_KEYS = {"value", "reference", "note"}
_BRACKET_KEYS = {"threshold", "rate"}
_INDEX_KEYS = {"description", "metadata"}
_INDEX_META_KEYS = {"reference", "note", "name_zh", "name_en"}


class ParameterError(ValueError):
    """A parameter file or look-up that breaks the rules; names the file and key."""

    def __init__(self, file: str | Path, key: str, zh: str, en: str) -> None:
        self.file, self.key, self.zh, self.en = str(file), key, zh, en
        super().__init__(
            f"参数文件 {file}，键 {key}：{zh} / parameter file {file}, key {key}: {en}"
        )


# ---------------------------------------------------------------- YAML reading


class _StrictLoader(StrictLoader):
    """The shared strict loader (duplicate keys rejected, floats as Decimal), dates as text."""


# Dates stay strings so that the loader, not YAML, decides what a valid date is.
_StrictLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except DuplicateKey as dup:
        raise ParameterError(
            path, str(dup.key), f"重复的键（第 {dup.line} 行）", f"duplicate key (line {dup.line})"
        ) from None
    except yaml.YAMLError as exc:
        raise ParameterError(
            path, "-", f"YAML 语法错误：{exc}", f"YAML syntax error: {exc}"
        ) from None


# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class DatedValue:
    """A value taking effect on ``start`` (``None`` = stops being in force), with its source."""

    start: dt.date
    value: Any
    reference: str
    note: str | None = None


@dataclass(frozen=True)
class Parameter:
    """One dated parameter (a value file)."""

    name: str
    file: Path
    description: str
    reference: str
    unit: str
    values: tuple[DatedValue, ...]  # sorted by start
    note: str | None = None

    def entry_at(self, on: dt.date) -> DatedValue | None:
        current = None
        for entry in self.values:
            if entry.start <= on:
                current = entry
            else:
                break
        return current

    def at(self, on: dt.date) -> Any:
        """The value in force on ``on``; ``None`` if none is (before the first date or stopped)."""
        entry = self.entry_at(on)
        return None if entry is None else entry.value

    def change_dates(self) -> list[dt.date]:
        return [entry.start for entry in self.values]


@dataclass(frozen=True)
class Bracket:
    """One tier of a schedule: ``rate`` applies from ``threshold_fen`` up to the next threshold."""

    threshold_fen: int
    rate: Decimal


@dataclass(frozen=True)
class Scale:
    """A tiered schedule (``brackets``): thresholds and rates, each dated."""

    name: str
    file: Path
    description: str
    reference: str
    unit: str
    threshold_unit: str
    thresholds: tuple[tuple[DatedValue, ...], ...]
    rates: tuple[tuple[DatedValue, ...], ...]
    note: str | None = None

    def at(self, on: dt.date) -> tuple[Bracket, ...] | None:
        """Brackets in force on ``on`` (brackets not in force are left out); ``None`` if none."""
        out: list[Bracket] = []
        for index, (th, rt) in enumerate(zip(self.thresholds, self.rates, strict=True)):
            threshold, rate = _value_at(th, on), _value_at(rt, on)
            if threshold is None and rate is None:
                continue
            if threshold is None or rate is None:
                raise ParameterError(
                    self.file,
                    f"brackets[{index}]",
                    f"{on} 时门槛与比例只有一个有效",
                    f"on {on} only one of threshold and rate is in force",
                )
            out.append(Bracket(threshold, rate))
        for before, after in itertools.pairwise(out):
            if after.threshold_fen <= before.threshold_fen:
                raise ParameterError(
                    self.file,
                    "brackets",
                    f"{on} 时各档门槛未严格递增",
                    f"on {on} thresholds are not strictly increasing",
                )
        return tuple(out) or None

    def change_dates(self) -> list[dt.date]:
        dates = {e.start for series in (*self.thresholds, *self.rates) for e in series}
        return sorted(dates)


def _value_at(series: tuple[DatedValue, ...], on: dt.date) -> Any:
    current = None
    for entry in series:
        if entry.start <= on:
            current = entry.value
    return current


# ---------------------------------------------------------------- validation


def _require_mapping(obj: Any, file: Path, key: str) -> dict:
    if not isinstance(obj, dict):
        raise ParameterError(file, key, "应为映射（键: 值）", "must be a mapping (key: value)")
    return obj


def _check_keys(obj: dict, allowed: set[str], required: set[str], file: Path, where: str) -> None:
    for key in obj:
        if key not in allowed:
            allowed_text = ", ".join(sorted(allowed))
            raise ParameterError(
                file,
                f"{where}{key}",
                f"不允许的键（允许：{allowed_text}）",
                f"unknown key (allowed: {allowed_text})",
            )
    for key in sorted(required - obj.keys()):
        raise ParameterError(file, f"{where}{key}", "缺少必填键", "required key is missing")


def _text(obj: Any, file: Path, key: str) -> str:
    if not isinstance(obj, str) or not obj.strip():
        raise ParameterError(file, key, "应为非空文本", "must be non-empty text")
    return obj.strip()


def _parse_date(raw: Any, file: Path, key: str) -> dt.date:
    text = str(raw)
    if not _DATE.match(text):
        raise ParameterError(file, key, "日期应为 YYYY-MM-DD", "date must be YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParameterError(file, key, "日期不存在", "no such date") from None


def _convert_scalar(raw: Any, unit: str, file: Path, key: str) -> Any:
    if unit == "bool":
        if not isinstance(raw, bool):
            raise ParameterError(file, key, "应为 true 或 false", "must be true or false")
        return raw
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise ParameterError(
            file, key, f"应为数值（单位 {unit}）", f"must be a number (unit {unit})"
        )
    number = Decimal(raw)
    if not number.is_finite():
        raise ParameterError(file, key, "数值无效", "not a finite number")
    if number < 0:
        raise ParameterError(file, key, "不能为负数", "must not be negative")
    if unit == "yuan":
        fen = number * 100
        if fen != fen.to_integral_value():
            raise ParameterError(
                file, key, "金额最多两位小数（到分）", "money has at most 2 decimals"
            )
        return int(fen)
    if unit == "ratio":
        if number > 1:
            raise ParameterError(
                file, key, "比例应在 0 到 1 之间", "a ratio must be between 0 and 1"
            )
        return number
    if unit == "factor":
        return number
    if number != number.to_integral_value():
        raise ParameterError(file, key, "应为整数", "must be a whole number")
    return int(number)


def _convert(raw: Any, unit: str, file: Path, key: str) -> Any:
    if raw is None:
        return None
    if isinstance(raw, dict):
        out = {}
        for sub, item in raw.items():
            if not isinstance(sub, str) or isinstance(item, dict | list):
                raise ParameterError(
                    file,
                    f"{key}.{sub}",
                    "映射的键应为文本、值应为标量",
                    "mapping keys must be text, values scalars",
                )
            if item is None:
                raise ParameterError(
                    file, f"{key}.{sub}", "映射中的值不能为空", "a mapping value cannot be null"
                )
            out[sub] = _convert_scalar(item, unit, file, f"{key}.{sub}")
        return out
    return _convert_scalar(raw, unit, file, key)


def _dated_series(obj: Any, unit: str, file: Path, where: str) -> tuple[DatedValue, ...]:
    series = _require_mapping(obj, file, where)
    if not series:
        raise ParameterError(file, where, "至少需要一个日期", "needs at least one dated value")
    out = []
    for raw_date, entry in series.items():
        key = f"{where}.{raw_date}"
        start = _parse_date(raw_date, file, key)
        entry = _require_mapping(entry, file, key)
        _check_keys(entry, _VALUE_KEYS, {"value", "reference"}, file, f"{key}.")
        out.append(
            DatedValue(
                start=start,
                value=_convert(entry["value"], unit, file, f"{key}.value"),
                reference=_text(entry["reference"], file, f"{key}.reference"),
                note=None
                if entry.get("note") is None
                else _text(entry["note"], file, f"{key}.note"),
            )
        )
    out.sort(key=lambda e: e.start)
    return tuple(out)


def _unit(obj: Any, file: Path, key: str) -> str:
    if obj not in UNITS:
        raise ParameterError(
            file,
            key,
            f"未知单位（可选：{', '.join(UNITS)}）",
            f"unknown unit (one of {', '.join(UNITS)})",
        )
    return str(obj)


def load_file(path: Path, name: str) -> Parameter | Scale:
    """Read and validate one parameter file."""
    doc = _require_mapping(_read_yaml(path), path, "-")
    _check_keys(doc, _FILE_KEYS, {"description", "metadata"}, path, "")
    if ("values" in doc) == ("brackets" in doc):
        raise ParameterError(
            path,
            "values",
            "应有 values 或 brackets 之一",
            "needs exactly one of values or brackets",
        )
    meta = _require_mapping(doc["metadata"], path, "metadata")
    _check_keys(meta, _META_KEYS, {"reference", "unit"}, path, "metadata.")
    description = _text(doc["description"], path, "description")
    reference = _text(meta["reference"], path, "metadata.reference")
    unit = _unit(meta["unit"], path, "metadata.unit")
    note = None if meta.get("note") is None else _text(meta["note"], path, "metadata.note")
    if "values" in doc:
        if "threshold_unit" in meta:
            raise ParameterError(
                path, "metadata.threshold_unit", "仅用于 brackets", "only for brackets"
            )
        return Parameter(
            name,
            path,
            description,
            reference,
            unit,
            _dated_series(doc["values"], unit, path, "values"),
            note,
        )
    brackets = doc["brackets"]
    if not isinstance(brackets, list) or not brackets:
        raise ParameterError(path, "brackets", "应为非空列表", "must be a non-empty list")
    if "threshold_unit" not in meta:
        raise ParameterError(
            path, "metadata.threshold_unit", "缺少必填键", "required key is missing"
        )
    threshold_unit = _unit(meta["threshold_unit"], path, "metadata.threshold_unit")
    thresholds, rates = [], []
    for index, bracket in enumerate(brackets):
        where = f"brackets[{index}]"
        bracket = _require_mapping(bracket, path, where)
        _check_keys(bracket, _BRACKET_KEYS, _BRACKET_KEYS, path, f"{where}.")
        for part, part_unit, sink in (
            ("threshold", threshold_unit, thresholds),
            ("rate", unit, rates),
        ):
            series = _dated_series(bracket[part], part_unit, path, f"{where}.{part}")
            if any(isinstance(e.value, dict) for e in series):
                raise ParameterError(
                    path, f"{where}.{part}", "分档值应为标量", "bracket values must be scalars"
                )
            sink.append(series)
    return Scale(
        name,
        path,
        description,
        reference,
        unit,
        threshold_unit,
        tuple(thresholds),
        tuple(rates),
        note,
    )


@dataclass(frozen=True)
class ParameterTree:
    """All parameters of one region."""

    region: str
    folder: Path
    description: str
    reference: str
    params: Mapping[str, Parameter | Scale]

    def __getitem__(self, name: str) -> Parameter | Scale:
        try:
            return self.params[name]
        except KeyError:
            raise ParameterError(self.folder, name, "没有这个参数", "no such parameter") from None

    def __contains__(self, name: object) -> bool:
        return name in self.params

    def change_dates(self, name: str | None = None) -> list[dt.date]:
        """Dates on which ``name`` (or any parameter of the region) changes, sorted."""
        chosen = [self[name]] if name else list(self.params.values())
        return sorted({d for p in chosen for d in p.change_dates()})

    def at(self, on: dt.date) -> Values:
        return Values(self, on)


class Values(Mapping[str, Any]):
    """The parameter values of a region in force on one date (``p["inpatient.ratio"]``)."""

    def __init__(self, tree: ParameterTree, on: dt.date) -> None:
        self.tree, self.on = tree, on
        self._values = {name: p.at(on) for name, p in tree.params.items()}

    def __getitem__(self, name: str) -> Any:
        param = self.tree[name]
        value = self._values[name]
        if value is None:
            raise ParameterError(
                param.file, name, f"{self.on} 没有有效的值", f"no value in force on {self.on}"
            )
        return value

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        value = self._values.get(name)
        return default if value is None else value

    def reference(self, name: str) -> str:
        """The source of the value in force (the dated reference, else the file's)."""
        param = self.tree[name]
        if isinstance(param, Parameter):
            entry = param.entry_at(self.on)
            if entry is not None:
                return entry.reference
        return param.reference

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def regions(root: Path | None = None) -> list[str]:
    """Regions that have a parameter folder."""
    base = root or DEFAULT_ROOT
    return sorted(
        p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))
    )


def load(region: str, *, root: Path | None = None) -> ParameterTree:
    """All parameters of ``region`` (cached per folder; files are read once)."""
    return _load((root or DEFAULT_ROOT).resolve(), region)


@lru_cache(maxsize=64)
def _load(root: Path, region: str) -> ParameterTree:
    folder = root / region
    if not folder.is_dir():
        known = ", ".join(regions(root)) if root.is_dir() else ""
        raise ParameterError(
            folder,
            region,
            f"没有这个地区的参数（已有：{known}）",
            f"no parameters for this region (known: {known})",
        )
    description, reference = region, ""
    index = folder / "index.yaml"
    if index.exists():
        doc = _require_mapping(_read_yaml(index), index, "-")
        _check_keys(doc, _INDEX_KEYS, {"description"}, index, "")
        description = _text(doc["description"], index, "description")
        meta = _require_mapping(doc.get("metadata", {}), index, "metadata")
        _check_keys(meta, _INDEX_META_KEYS, set(), index, "metadata.")
        reference = str(meta.get("reference", ""))
    params: dict[str, Parameter | Scale] = {}
    for path in sorted(folder.rglob("*.yaml")):
        if path.name == "index.yaml":
            continue
        name = ".".join(path.relative_to(folder).with_suffix("").parts)
        params[name] = load_file(path, name)
    return ParameterTree(region, folder, description, reference, params)


def parameters(region: str, on_date: dt.date, *, root: Path | None = None) -> Values:
    """The parameter values of ``region`` in force on ``on_date``."""
    return load(region, root=root).at(on_date)

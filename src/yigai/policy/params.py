"""Dated policy parameters (政策参数): a region's files read by yigai.params, values on a date.

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

A region's ``index.yaml`` may name another region in ``metadata.extends``: it then holds
only the parameters that differ (its files replace the base's, name by name). The 职工医保
(employee scheme) of a region is the folder ``<region>_employee`` (:func:`scheme_regions`).

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

Reading is :mod:`yigai.params`, the one loader of dated parameters (strict keys, duplicate
keys rejected, ISO dates, numbers as ``Decimal`` from their text, every error a
:class:`~yigai.params.ParameterError` naming the file and key, Chinese then English); this
module adds only what is policy's: the unit rules above (:func:`read_value`, ``null`` ending a
parameter), optional notes, the ``brackets`` schedule and the region folder as one tree.

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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from yigai.params import (
    DatedValue,
    KeyProblem,
    NotInForce,
    Parameter,
    ParameterError,
    check_keys,
    dated_values,
    entry_at,
    parse,
    read_yaml,
    text,
    unit_of,
)

DEFAULT_ROOT = Path(__file__).parent / "data" / "params"

UNITS = ("yuan", "ratio", "factor", "bool", "count")
_SCALE_TOP_KEYS = ("description", "metadata", "brackets")
_SCALE_META_KEYS = ("reference", "unit", "threshold_unit", "note")
_BRACKET_KEYS = ("threshold", "rate")
_INDEX_KEYS = ("description", "metadata")
_INDEX_META_KEYS = ("reference", "note", "name_zh", "name_en", "extends")


# ---------------------------------------------------------------- values by unit


def _scalar(raw: Any, unit: str, file: Path, key: str) -> Any:
    if unit == "bool":
        if not isinstance(raw, bool):
            raise ParameterError(file, key, "应为 true 或 false", "must be true or false")
        return raw
    # quoted text is refused here: a policy amount is written as a YAML number
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


def read_value(raw: Any, unit: str, file: Path, key: str) -> Any:
    """A policy value as an exact Python value: a scalar by unit, a flat mapping of scalars
    (by level or group), or ``None`` (the parameter stops being in force)."""
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
            out[sub] = _scalar(item, unit, file, f"{key}.{sub}")
        return out
    return _scalar(raw, unit, file, key)


def _scalar_value(raw: Any, unit: str, file: Path, key: str) -> Any:
    value = read_value(raw, unit, file, key)
    if isinstance(value, dict):
        raise ParameterError(file, key, "分档值应为标量", "bracket values must be scalars")
    return value


# ---------------------------------------------------------------- tiered schedules


@dataclass(frozen=True)
class Bracket:
    """One tier of a schedule: ``rate`` applies from ``threshold_fen`` up to the next threshold."""

    threshold_fen: int
    rate: Decimal


@dataclass(frozen=True)
class Scale:
    """A tiered schedule (``brackets``): thresholds and rates, each a dated series."""

    name: str
    file: Path
    description: str
    reference: str
    unit: str
    threshold_unit: str
    thresholds: tuple[tuple[DatedValue, ...], ...]
    rates: tuple[tuple[DatedValue, ...], ...]
    note: str | None = None

    def in_force(self, on: dt.date) -> tuple[Bracket, ...] | None:
        """Brackets in force on ``on`` (brackets not in force are left out); ``None`` if none."""
        out: list[Bracket] = []
        for index, (th, rt) in enumerate(zip(self.thresholds, self.rates, strict=True)):
            threshold, rate = (_value_at(series, on) for series in (th, rt))
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

    def at(self, on: dt.date) -> tuple[Bracket, ...]:
        """Brackets in force on ``on``; :class:`~yigai.params.NotInForce` if none is."""
        brackets = self.in_force(on)
        if brackets is None:
            raise NotInForce(
                self.file, "brackets", f"{on} 没有有效的分档", f"no brackets in force on {on}"
            )
        return brackets

    def change_dates(self) -> list[dt.date]:
        dates = {e.start for series in (*self.thresholds, *self.rates) for e in series}
        return sorted(dates)


def _value_at(series: tuple[DatedValue, ...], on: dt.date) -> Any:
    entry = entry_at(series, on)
    return None if entry is None else entry.value


def _mapping(obj: Any, file: Path, key: str) -> dict[Any, Any]:
    if not isinstance(obj, dict):
        raise ParameterError(file, key, "应为映射（键: 值）", "must be a mapping (key: value)")
    return obj


def _scale(doc: dict[Any, Any], path: Path, name: str) -> Scale:
    check_keys(doc, _SCALE_TOP_KEYS, path, "")
    meta = _mapping(doc["metadata"], path, "metadata")
    check_keys(meta, _SCALE_META_KEYS, path, "metadata", ("reference", "unit", "threshold_unit"))
    unit = unit_of(meta, "unit", path, UNITS)
    threshold_unit = unit_of(meta, "threshold_unit", path, UNITS)
    brackets = doc["brackets"]
    if not isinstance(brackets, list) or not brackets:
        raise ParameterError(path, "brackets", "应为非空列表", "must be a non-empty list")
    thresholds, rates = [], []
    for index, bracket in enumerate(brackets):
        where = f"brackets[{index}]"
        bracket = _mapping(bracket, path, where)
        check_keys(bracket, _BRACKET_KEYS, path, where)
        for part, part_unit, sink in (
            ("threshold", threshold_unit, thresholds),
            ("rate", unit, rates),
        ):
            sink.append(
                dated_values(
                    bracket[part], part_unit, path, f"{where}.{part}", _scalar_value, notes=True
                )
            )
    return Scale(
        name,
        path,
        text(doc["description"], path, "description"),
        text(meta["reference"], path, "metadata.reference"),
        unit,
        threshold_unit,
        tuple(thresholds),
        tuple(rates),
        None if meta.get("note") is None else text(meta["note"], path, "metadata.note"),
    )


def load_file(path: Path, name: str) -> Parameter | Scale:
    """Read and validate one policy parameter file: dated ``values`` or ``brackets``."""
    doc = _mapping(read_yaml(path), path, "(file)")
    if "brackets" not in doc:
        return parse(doc, path, name, units=UNITS, value=read_value, notes=True)
    if "values" in doc:
        raise ParameterError(
            path,
            "values",
            "应有 values 或 brackets 之一",
            "needs exactly one of values or brackets",
        )
    return _scale(doc, path, name)


# ---------------------------------------------------------------- a region's tree


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
        self._values = {name: p.in_force(on) for name, p in tree.params.items()}

    def __getitem__(self, name: str) -> Any:
        param = self.tree[name]
        value = self._values[name]
        if value is None:
            raise NotInForce(
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


def _index(folder: Path) -> tuple[str, str, str | None]:
    """The region's description, reference and the region it extends (``metadata.extends``)
    from its optional ``index.yaml``."""
    index = folder / "index.yaml"
    if not index.exists():
        return folder.name, "", None
    doc = _mapping(read_yaml(index), index, "(file)")
    check_keys(doc, _INDEX_KEYS, index, "", ("description",))
    meta = _mapping(doc.get("metadata", {}), index, "metadata")
    check_keys(meta, _INDEX_META_KEYS, index, "metadata", ())
    base = meta.get("extends")
    return (
        text(doc["description"], index, "description"),
        str(meta.get("reference", "")),
        None if base is None else text(base, index, "metadata.extends"),
    )


#: The folder of a region's 职工医保 (employee scheme), beside its 城乡居民医保 folder.
EMPLOYEE_SUFFIX = "_employee"


def scheme_regions(region: str, *, root: Path | None = None) -> dict[str, str]:
    """The parameter region of each insurance scheme settled for ``region``: ``resident`` is
    ``region`` itself; ``employee`` is ``<region>_employee`` when that folder exists (it
    usually ``extends`` the resident one and holds only what differs)."""
    out = {"resident": region}
    if ((root or DEFAULT_ROOT) / f"{region}{EMPLOYEE_SUFFIX}").is_dir():
        out["employee"] = f"{region}{EMPLOYEE_SUFFIX}"
    return out


def _check_chain(root: Path, region: str) -> None:
    """Refuse a chain of ``extends`` that comes back to a region already in it."""
    seen = [region]
    base = _index(root / region)[2]
    while base is not None:
        if base in seen:
            chain = " → ".join([*seen, base])
            raise ParameterError(
                root / seen[-1] / "index.yaml",
                "metadata.extends",
                f"继承关系成环：{chain}",
                f"the regions extend each other in a cycle: {chain}",
            )
        seen.append(base)
        base = _index(root / base)[2] if (root / base).is_dir() else None


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
    description, reference, base = _index(folder)
    _check_chain(root, region)
    # A region that extends another starts from its parameters; its own files replace them.
    params: dict[str, Parameter | Scale] = dict(_load(root, base).params) if base else {}
    for path in sorted(folder.rglob("*.yaml")):
        if path.name == "index.yaml":
            continue
        name = ".".join(path.relative_to(folder).with_suffix("").parts)
        params[name] = load_file(path, name)
    return ParameterTree(region, folder, description, reference, params)


def parameters(region: str, on_date: dt.date, *, root: Path | None = None) -> Values:
    """The parameter values of ``region`` in force on ``on_date``."""
    return load(region, root=root).at(on_date)


#: What marks a demonstration value (示范参数) in a parameter's ``metadata.note``: a value
#: shipped so the demo runs, not one a bureau has set; printed beside every figure it feeds.
DEMO_MARK = "示范参数"


def demo_parameters(region: str, names: Iterable[str], *, root: Path | None = None) -> list[str]:
    """Those of ``names`` whose file marks them :data:`DEMO_MARK` (absent names are skipped)."""
    tree = load(region, root=root)
    return [n for n in names if n in tree and DEMO_MARK in (tree[n].note or "")]


__all__ = [
    "DEFAULT_ROOT",
    "DEMO_MARK",
    "UNITS",
    "Bracket",
    "KeyProblem",
    "Parameter",
    "ParameterError",
    "ParameterTree",
    "Scale",
    "Values",
    "demo_parameters",
    "load",
    "load_file",
    "parameters",
    "read_value",
    "regions",
    "scheme_regions",
]

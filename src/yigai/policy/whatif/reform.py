"""Reforms (政策方案): named sets of parameter changes, applied to the year's parameters.

A reform is OpenFisca's idea in yigai's dated YAML: a few changes to the region's parameter
tree, each naming a parameter by its dotted path (its file below the region folder, as
:mod:`yigai.policy.params` names it) and, for a parameter whose value is a mapping (by
level, by group), the key inside it::

    --set inpatient.ratio.township=0.90 --set critical_illness.deductible=12000

or a reform file::

    name: 乡镇住院比例 80%、大病起付线 1.2 万元
    description: optional text
    set:
      inpatient.ratio.township: 0.80
      critical_illness.deductible: 12000

Values are written as in the parameter files and read by the same rules (``yuan`` to whole
fen, ratios in [0, 1], booleans …): an unknown path or a value of the wrong type is a
:class:`ReformError` naming the path, Chinese first.

Applying a reform (:func:`applied`) copies the region's folder and rewrites the changed files
so that every value in force during the year — the one in force on 1 January and any that
starts within the year — takes the new value, and the years around keep theirs (a dated
entry at 1 January of the year and of the next year). Every loader then reads the reform
through its usual ``root`` argument: the scheme, DIP, capitation and budget parameters.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from yigai.params import ParameterError, StrictLoader, check_keys, read_yaml, text
from yigai.policy.params import DEFAULT_ROOT, Scale, load, read_value

_REFORM_KEYS = ("name", "description", "set")


class ReformError(ValueError):
    """A reform that cannot be applied; the message is Chinese first, then English."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


@dataclass(frozen=True)
class Change:
    """One parameter change: ``parameter`` (dotted name), ``key`` inside a mapping value
    (None for a scalar), and the raw value as YAML reads it."""

    parameter: str
    key: str | None
    raw: Any

    @property
    def path(self) -> str:
        return self.parameter if self.key is None else f"{self.parameter}.{self.key}"


@dataclass(frozen=True)
class Reform:
    """A named set of changes (empty: the baseline itself)."""

    name: str = "基线 / baseline"
    changes: tuple[Change, ...] = field(default_factory=tuple)
    description: str = ""


def parse_assignment(assignment: str) -> tuple[str, Any]:
    """``path=value`` of ``--set`` as (path, raw YAML value)."""
    path, sep, value = assignment.partition("=")
    if not sep or not path.strip() or not value.strip():
        raise ReformError(
            f"--set {assignment!r} 应写成 参数路径=值",
            f"--set {assignment!r} must be written path=value",
        )
    try:
        raw = yaml.load(value, Loader=StrictLoader)  # a SafeLoader subclass: safe
    except yaml.YAMLError:
        raw = value
    return path.strip(), raw


def reform_from(
    region: str,
    year: int,
    assignments: list[str] = (),  # type: ignore[assignment]
    file: Path | None = None,
    *,
    root: Path | None = None,
) -> Reform:
    """The reform of a reform ``file`` and ``--set`` ``assignments`` (these last win), each
    change checked against ``region``'s parameters in force in ``year``."""
    name, description, raw_changes = "", "", []
    if file is not None:
        name, description, raw_changes = _read_file(file)
    raw_changes += [parse_assignment(a) for a in assignments]
    changes: dict[str, Change] = {}
    for path, raw in raw_changes:
        change = _checked(region, year, path, raw, root)
        changes[change.path] = change
    if not name:
        name = "；".join(f"{c.path}={c.raw}" for c in changes.values()) or Reform.name
    return Reform(name, tuple(changes.values()), description)


@dataclass(frozen=True)
class Settable:
    """A path ``--set`` accepts and its value in force on 1 January of the year."""

    path: str
    value: Any
    unit: str
    description: str

    @property
    def written(self) -> str:
        """The value as a parameter file (and ``--set``) writes it: money in yuan."""
        if isinstance(self.value, bool):
            return str(self.value).lower()
        if self.unit == "yuan" and isinstance(self.value, int):
            return format(Decimal(self.value) / 100, "f")
        return str(self.value)


def settable(region: str, year: int, *, root: Path | None = None) -> list[Settable]:
    """Every path of ``region`` that :func:`reform_from` accepts for ``year`` (a mapping
    parameter by its keys; tiered schedules and parameters not in force left out)."""
    tree = load(region, root=root)
    out = []
    for name, param in sorted(tree.params.items()):
        if isinstance(param, Scale):
            continue
        in_year = [v for _, v, _ in _entries_in_year(param.values, year) if v is not None]
        if not in_year:
            continue
        value = in_year[0]
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for key, v in items:
            path = name if key is None else f"{name}.{key}"
            out.append(Settable(path, v, param.unit, param.description))
    return out


def _read_file(file: Path) -> tuple[str, str, list[tuple[str, Any]]]:
    try:
        doc = read_yaml(file)
        if not isinstance(doc, dict):
            raise ParameterError(file, "(file)", "应为映射", "must be a mapping")
        check_keys(doc, _REFORM_KEYS, file, "", ("name", "set"))
        name = text(doc["name"], file, "name")
        description = text(doc["description"], file, "description") if "description" in doc else ""
        changes = doc["set"]
        if not isinstance(changes, dict) or not changes:
            raise ParameterError(
                file, "set", "应为 参数路径: 值 的映射", "must map parameter paths to values"
            )
    except ParameterError as exc:
        raise ReformError(
            f"方案文件 {file} 键 {exc.key}：{exc.zh}", f"reform file {file} key {exc.key}: {exc.en}"
        ) from None
    return name, description, [(str(path), raw) for path, raw in changes.items()]


def _checked(region: str, year: int, path: str, raw: Any, root: Path | None) -> Change:
    """The change ``path`` = ``raw``, refusing an unknown path or a value of the wrong type."""
    tree = load(region, root=root)
    parameter = next((path[:i] for i in _dots(path) if path[:i] in tree.params), None)
    if parameter is None:
        raise ReformError(
            f"--set {path}：{region} 没有这个参数",
            f"--set {path}: no such parameter in {region}",
        )
    param = tree.params[parameter]
    key = path[len(parameter) + 1 :] or None
    if isinstance(param, Scale):
        raise ReformError(
            f"--set {path}：分档参数（brackets）不能用 --set 修改",
            f"--set {path}: a tiered schedule (brackets) cannot be set",
        )
    in_year = [v for _, v, _ in _entries_in_year(param.values, year) if v is not None]
    if not in_year:
        raise ReformError(
            f"--set {path}：{year} 年该参数未生效", f"--set {path}: not in force in {year}"
        )
    mapping = isinstance(in_year[0], dict)
    if mapping and key is None:
        raise ReformError(
            f"--set {path}：该参数按类别取值，请写 {path}.<{'|'.join(in_year[0])}>",
            f"--set {path}: the parameter is a mapping; write {path}.<{'|'.join(in_year[0])}>",
        )
    if (not mapping and key is not None) or (mapping and not all(key in v for v in in_year)):
        known = list(in_year[0]) if mapping else ["—"]
        raise ReformError(
            f"--set {path}：参数 {parameter} 没有 {key}（可用：{'、'.join(known)}）",
            f"--set {path}: parameter {parameter} has no key {key} (known: {', '.join(known)})",
        )
    if isinstance(raw, dict | list):
        raise ReformError(f"--set {path}：值应为标量", f"--set {path}: the value must be a scalar")
    try:
        read_value(raw, param.unit, Path("--set"), path)
    except ParameterError as exc:
        raise ReformError(
            f"--set {path}={raw}：{exc.zh}", f"--set {path}={raw}: {exc.en}"
        ) from None
    return Change(parameter, key, raw)


def _dots(path: str) -> list[int]:
    """Prefix lengths of ``path`` at its dots and its end, longest first."""
    return sorted([i for i, ch in enumerate(path) if ch == "."] + [len(path)], reverse=True)


def _entries_in_year(values: Any, year: int) -> list[Any]:
    """The dated entries in force at some time in ``year``."""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    first = [e for e in values if e.start <= start][-1:]
    return first + [e for e in values if start < e.start < end]


@contextlib.contextmanager
def applied(reform: Reform, region: str, year: int, *, root: Path | None = None) -> Iterator[Path]:
    """A parameter root with ``reform`` applied to ``region`` in ``year`` (a temporary copy
    of the whole root, removed on exit; with no change a plain copy). The whole root is
    copied because settlement reads sibling folders too: the employee scheme's
    ``<region>_employee``, which inherits what it does not set from ``region`` — so a
    parameter it inherits changes for it as well, as editing ``region``'s file would."""
    source = (root or DEFAULT_ROOT).resolve()
    tree = load(region, root=root)
    with tempfile.TemporaryDirectory(prefix="yigai-whatif-") as tmp:
        shutil.copytree(source, tmp, dirs_exist_ok=True)
        by_file: dict[Path, list[Change]] = {}
        for change in reform.changes:
            file = tree.params[change.parameter].file  # the region's own file, or its base's
            assert file is not None
            by_file.setdefault(file.resolve(), []).append(change)
        for file, changes in by_file.items():
            _rewrite(Path(tmp) / file.relative_to(source), changes, year, reform.name)
        yield Path(tmp)


def _rewrite(file: Path, changes: list[Change], year: int, name: str) -> None:
    doc = read_yaml(file)
    values: dict[str, Any] = doc["values"]
    start, end = f"{year}-01-01", f"{year + 1}-01-01"
    dates = sorted(values)
    note = f"what-if 方案 / reform: {name}"
    for edge in (end, start):  # the years around keep their values
        if edge not in values:
            before = [d for d in dates if d < edge]
            if before:
                values[edge] = {**copy.deepcopy(values[before[-1]]), "reference": note}
    for day in sorted(values):
        entry = values[day]
        if not start <= day < end or entry.get("value") is None:
            continue
        for change in changes:
            if change.key is None:
                entry["value"] = change.raw
            else:
                entry["value"][change.key] = change.raw
    doc["values"] = dict(sorted(values.items()))
    file.write_text(yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False), "utf-8")


class _Dumper(yaml.SafeDumper):
    """Writes ``Decimal`` as the number it is (fixed notation), so the loader reads it back
    exactly."""


_Dumper.add_representer(
    Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", format(v, "f"))
)

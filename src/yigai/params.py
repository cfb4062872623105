"""Dated scalar parameters (日期参数), OpenFisca style: one strict loader for every package.

A parameter is one YAML file; its dotted name is its path below a root folder
(``village_clinic_subsidy/amount.yaml`` → ``village_clinic_subsidy.amount``)::

    description: 每个人口单位补助村卫生室的金额 / subsidy per population unit
    metadata:
      reference: 种子文档003 …          # the document that set the parameter
      unit: fen                          # required text; a package may restrict it
    values:
      2024-01-01:                        # ISO date the value takes effect
        value: 800000
        reference: 种子文档003 …         # every dated value cites its source

The value in force on a day is the one with the latest date on or before it; before the first
date nothing is in force and asking is an error (:class:`NotInForce`).

Reading is strict: only the keys above, duplicate keys rejected (plain YAML keeps the last one
silently), numbers read as :class:`~decimal.Decimal` from their written text (never through
binary float: ``0.1`` is exactly one tenth), dates checked by this module, not by YAML. Every
error is a :class:`ParameterError` naming the file and the dotted key, Chinese first.

Packages differ only in what a value may be (``units`` allow-list, a ``check`` on each value,
e.g. money in whole fen or prevalences positive); they pass those in rather than copy the
loader. ``index.yaml`` files describing a folder are never loaded as parameters.

Policy (:mod:`yigai.policy.params`) needs three more things, each opt-in so that no other
package's files change meaning: its own ``value`` reader (yuan → integer fen, ratios ≤ 1,
booleans, flat mappings by level, and ``null`` to end a parameter — a value of ``None`` is
"nothing in force"); ``notes=True`` to allow an optional ``note`` beside ``reference`` in
``metadata`` and in each dated value (checked as text, not kept on the value); and
:func:`dated_values`, the dated-series reader its tiered schedules (``brackets``) are built from.

Every package's YAML reading shares the duplicate-key check through one of three loaders, each
built on the previous: :class:`UniqueKeyLoader` (otherwise plain YAML: floats, dates),
:class:`DecimalLoader` (decimals as ``Decimal``, YAML dates) and :class:`StrictLoader` (dates
left as text; the loader of parameter files).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

import yaml

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOP_KEYS = ("description", "metadata", "values")
_META_KEYS = ("reference", "unit")
_VALUE_KEYS = ("value", "reference")

#: A package's rule for one value: ``(zh, en)`` saying what is wrong, or ``None`` if it is fine.
Check = Callable[[Decimal, str], tuple[str, str] | None]
#: A package's reader of one raw value: ``(raw, unit, file, dotted key)`` → the value to keep;
#: raises :class:`ParameterError` naming that key. ``None`` kept means "nothing in force".
Reader = Callable[[Any, str, Path, str], Any]


class ParameterError(ValueError):
    """A parameter file or look-up that breaks the rules; names the file and the key."""

    def __init__(self, file: Path | str, key: str, zh: str, en: str) -> None:
        self.file, self.key, self.zh, self.en = Path(file), key, zh, en
        super().__init__(f"参数文件 {file} 键 {key}：{zh} / parameter file {file} key {key}: {en}")


class KeyProblem(ParameterError):
    """A key not allowed in, or missing from, one mapping of a parameter file."""

    def __init__(
        self, file: Path | str, mapping: str, name: str, allowed: Collection[str], missing: bool
    ) -> None:
        self.mapping, self.name, self.missing = mapping, name, missing
        listed = ", ".join(allowed)
        if missing:
            zh, en = f"缺少必填键 {name}", f"required key is missing: {name}"
        else:
            zh = f"不允许的键 {name}（允许：{listed}）"
            en = f"unknown key {name} is not allowed (allowed: {listed})"
        super().__init__(file, f"{mapping}.{name}" if mapping else name, zh, en)


class BadDate(ParameterError):
    """A date key (of ``values`` or ``mapping``) that is not an ISO date; ``raw`` as written.

    Without ``reason`` the text is not shaped ``YYYY-MM-DD``; with it, it is shaped so but is
    no such day (``reason`` says why, e.g. ``month must be in 1..12``).
    """

    def __init__(
        self, file: Path | str, raw: str, reason: str = "", mapping: str = "values"
    ) -> None:
        self.raw = raw
        if reason:
            zh = f"日期不存在：{raw!r} 不是 ISO 日期（{reason}）"
            en = f"no such date: {raw!r} is not an ISO date ({reason})"
        else:
            zh = f"日期应为 YYYY-MM-DD：{raw!r} 不是 ISO 日期"
            en = f"date must be YYYY-MM-DD: {raw!r} is not an ISO date"
        super().__init__(file, f"{mapping}.{raw}", zh, en)


class NotInForce(ParameterError, LookupError):
    """Asked for a parameter on a day before its first value (or after a ``null`` ended it)."""


# ---------------------------------------------------------------- YAML reading


class DuplicateKey(yaml.constructor.ConstructorError):
    """The same key twice in one mapping; a YAML error, so any YAML caller catches it."""

    def __init__(self, key: Any, mark: yaml.Mark) -> None:
        self.key, self.line = key, mark.line + 1
        super().__init__(None, None, f"重复的键 {key!r} / duplicate key {key!r}", mark)


class UniqueKeyLoader(yaml.SafeLoader):
    """Safe loader that rejects a key repeated in one mapping (唯一键); otherwise plain YAML.

    Dates are ``datetime.date`` (an impossible one such as ``2024-13-01`` makes PyYAML raise a
    bare ``ValueError``, so catch it beside ``yaml.YAMLError``) and ``0.5`` is a binary
    ``float``: for files whose numbers are shares fed to float code (synthetic-data
    calibration) or validated by pydantic (assessment schemes). Keys are compared after
    construction, so ``1`` and ``0x1`` are the same key, as they are in the resulting dict.
    """


class DecimalLoader(UniqueKeyLoader):
    """:class:`UniqueKeyLoader` reading fractional numbers as ``Decimal`` from their text.

    Dates are still parsed by YAML (``datetime.date``): the way to keep YAML dates while
    reading decimals exactly, for files whose dates a schema (pydantic) or the caller checks.
    """


class StrictLoader(DecimalLoader):
    """Safe loader: duplicate keys rejected, decimals as Decimal, dates left as text.

    The loader of parameter files (:func:`read_yaml`): a bad date there is an error naming its
    key (:class:`BadDate`), not a parser crash.
    """


def _mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            repeated = key in seen
        except TypeError:  # unhashable: construct_mapping rejects it below, with its line
            continue
        if repeated:
            raise DuplicateKey(key, key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=True)


def construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    """A YAML number read from its written text (``1_000.5`` → ``Decimal('1000.5')``)."""
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:  # .inf / .nan: rejected later as not finite, naming the key
        return Decimal("NaN")


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
DecimalLoader.add_constructor("tag:yaml.org,2002:float", construct_decimal)
# dates stay text so that a bad date is an error naming its key, not a parser crash
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def read_yaml(path: Path, loader: type[yaml.SafeLoader] = StrictLoader) -> Any:
    """Parse ``path`` strictly; a syntax error or duplicate key names the file (key ``(file)``)."""
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(path, "(file)", f"无法读取：{exc}", f"cannot read: {exc}") from None
    try:
        return yaml.load(content, Loader=loader)  # a SafeLoader subclass: safe
    except DuplicateKey as dup:
        raise ParameterError(
            path,
            "(file)",
            f"重复的键 {dup.key}（第 {dup.line} 行）",
            f"duplicate key {dup.key} (line {dup.line})",
        ) from None
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for 2024-13-01
        raise ParameterError(
            path,
            "(file)",
            f"YAML 语法错误：{path.name} 不是有效的 YAML：{exc}",
            f"YAML syntax error: {path.name} is not valid YAML: {exc}",
        ) from None


# ---------------------------------------------------------------- model


class DatedValue(NamedTuple):
    """A value taking effect on ``start``, with its source; unpacks as ``(date, value, ref)``.

    ``value`` is a ``Decimal`` unless the package reads values itself (policy: integer fen,
    booleans, mappings by level, ``None`` ending the parameter).
    """

    start: dt.date
    value: Any
    reference: str


def entry_at(values: Sequence[DatedValue], day: dt.date) -> DatedValue | None:
    """The entry of ``values`` (sorted by start) in force on ``day``; ``None`` before the first."""
    current = None
    for entry in values:
        if entry.start > day:
            break
        current = entry
    return current


@dataclass(frozen=True)
class Parameter:
    """One dated parameter: ``values`` sorted by start date; ``note`` only with ``notes=True``."""

    name: str
    description: str
    unit: str
    reference: str
    values: tuple[DatedValue, ...]
    file: Path | None = None
    note: str | None = None

    def entry_at(self, day: dt.date) -> DatedValue | None:
        """The dated entry in force on ``day``; ``None`` before the first."""
        return entry_at(self.values, day)

    def in_force(self, day: dt.date) -> Any:
        """The value in force on ``day``, or ``None`` when nothing is (before it or ended)."""
        entry = self.entry_at(day)
        return None if entry is None else entry.value

    def at(self, day: dt.date) -> Any:
        """The value in force on ``day`` (the latest one starting on or before it)."""
        entry = self.entry_at(day)
        if entry is None:
            first = self.values[0].start if self.values else None
            raise NotInForce(
                self.file or self.name,
                "values",
                f"参数 {self.name} 在 {day} 尚未生效（最早 {first}）",
                f"parameter {self.name} has no value on {day} "
                f"(no value in force on {day}; the first starts {first})",
            )
        if entry.value is None:
            raise NotInForce(
                self.file or self.name,
                f"values.{entry.start.isoformat()}",
                f"参数 {self.name} 自 {entry.start} 起不再有效",
                f"parameter {self.name} has no value on {day} (ended on {entry.start})",
            )
        return entry.value

    def change_dates(self) -> list[dt.date]:
        """The dates on which the parameter takes a new value (or ends), in order."""
        return [entry.start for entry in self.values]


# ---------------------------------------------------------------- validation


def _mapping_of(obj: Any, file: Path, key: str) -> dict[Any, Any]:
    if not isinstance(obj, dict):
        raise ParameterError(file, key, "应为映射（键: 值）", "must be a mapping (key: value)")
    return obj


def check_keys(
    obj: dict[Any, Any],
    allowed: Sequence[str],
    file: Path,
    mapping: str,
    required: Collection[str] | None = None,
) -> None:
    """Reject a key of ``obj`` outside ``allowed``, then a missing ``required`` one (default: all).

    ``mapping`` is the dotted key of ``obj`` (``""`` at the top), named in the error.
    """
    for key in obj:
        if key not in allowed:
            raise KeyProblem(file, mapping, str(key), allowed, missing=False)
    for key in allowed:
        if key not in obj and (required is None or key in required):
            raise KeyProblem(file, mapping, key, allowed, missing=True)


def text(obj: Any, file: Path, key: str) -> str:
    """``obj`` as stripped non-empty text, else an error naming ``key``."""
    if not isinstance(obj, str) or not obj.strip():
        raise ParameterError(file, key, "应为非空文本", "must be non-empty text")
    return obj.strip()


def _note(obj: dict[Any, Any], file: Path, where: str) -> str | None:
    note = obj.get("note")
    return None if note is None else text(note, file, f"{where}note")


def _date(raw: Any, file: Path, mapping: str) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    written = str(raw)
    if not _DATE.match(written):
        raise BadDate(file, written, mapping=mapping)
    try:
        return dt.date.fromisoformat(written)
    except ValueError as exc:
        raise BadDate(file, written, str(exc), mapping) from None


def _number(raw: Any, file: Path, key: str) -> Decimal:
    # Quoted decimal text ("0.5") is accepted: some files quote values to keep them off float.
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
        raise ParameterError(
            file, key, f"应为数值（得到 {raw!r}）", f"must be a number (got {raw!r})"
        )
    try:
        number = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except InvalidOperation:
        raise ParameterError(
            file, key, f"应为数值（得到 {raw!r}）", f"must be a number (got {raw!r})"
        ) from None
    if not number.is_finite():
        raise ParameterError(file, key, "应为有限数值", "must be a finite number")
    return number


def unit_of(meta: dict[Any, Any], key: str, file: Path, units: Collection[str] | None) -> str:
    """The unit text at ``meta[key]``, checked against the package's ``units`` if given."""
    unit = text(meta[key], file, f"metadata.{key}")
    if units is not None and unit not in units:
        listed = ", ".join(units)
        raise ParameterError(
            file,
            f"metadata.{key}",
            f"未知单位 {unit}（可选：{listed}）",
            f"unknown unit {unit} (one of {listed})",
        )
    return unit


def _checked_number(check: Check | None) -> Reader:
    def read(raw: Any, unit: str, file: Path, key: str) -> Decimal:
        value = _number(raw, file, key)
        problem = check(value, unit) if check else None
        if problem:
            raise ParameterError(file, key, *problem)
        return value

    return read


def dated_values(
    raw: Any, unit: str, file: Path, where: str, read: Reader, *, notes: bool = False
) -> tuple[DatedValue, ...]:
    """The dated series at dotted key ``where`` (``{date: {value, reference}}``), sorted by start."""
    if not isinstance(raw, dict) or not raw:
        raise ParameterError(
            file,
            where,
            "应为以日期为键的非空映射（至少需要一个日期）",
            "must be a non-empty mapping keyed by ISO date (needs at least one dated value)",
        )
    allowed = (*_VALUE_KEYS, "note") if notes else _VALUE_KEYS
    values = []
    for raw_date, entry in raw.items():
        start = _date(raw_date, file, where)
        key = f"{where}.{start.isoformat()}"
        entry = _mapping_of(entry, file, key)
        check_keys(entry, allowed, file, key, _VALUE_KEYS)
        value = read(entry["value"], unit, file, f"{key}.value")
        _note(entry, file, f"{key}.")  # checked, not kept: the file is the record
        values.append(DatedValue(start, value, text(entry["reference"], file, f"{key}.reference")))
    values.sort(key=lambda v: v.start)
    return tuple(values)


def parse(
    doc: Any,
    file: Path,
    name: str,
    *,
    units: Collection[str] | None = None,
    check: Check | None = None,
    value: Reader | None = None,
    notes: bool = False,
) -> Parameter:
    """Validate one parsed parameter document; ``units``, ``check`` / ``value`` and ``notes``
    are package rules (``value`` replaces the default Decimal reader and its ``check``)."""
    doc = _mapping_of(doc, file, "(file)")
    check_keys(doc, _TOP_KEYS, file, "")
    meta = _mapping_of(doc["metadata"], file, "metadata")
    check_keys(meta, (*_META_KEYS, "note") if notes else _META_KEYS, file, "metadata", _META_KEYS)
    description = text(doc["description"], file, "description")
    reference = text(meta["reference"], file, "metadata.reference")
    unit = unit_of(meta, "unit", file, units)
    read = value or _checked_number(check)
    values = dated_values(doc["values"], unit, file, "values", read, notes=notes)
    return Parameter(
        name, description, unit, reference, values, file, _note(meta, file, "metadata.")
    )


def load_file(
    path: Path,
    name: str = "",
    *,
    units: Collection[str] | None = None,
    check: Check | None = None,
    loader: type[yaml.SafeLoader] = StrictLoader,
    value: Reader | None = None,
    notes: bool = False,
) -> Parameter:
    """Read and validate one parameter file (``name`` defaults to the file's stem)."""
    return parse(
        read_yaml(path, loader),
        path,
        name or path.stem,
        units=units,
        check=check,
        value=value,
        notes=notes,
    )


def path_of(name: str, root: Path) -> Path:
    """The file of the dotted ``name`` under ``root`` (``a.b`` → ``root/a/b.yaml``)."""
    return root.joinpath(*name.split(".")).with_suffix(".yaml")


def load(
    name: str,
    root: Path,
    *,
    units: Collection[str] | None = None,
    check: Check | None = None,
    loader: type[yaml.SafeLoader] = StrictLoader,
) -> Parameter:
    """The parameter with dotted ``name`` under ``root``."""
    path = path_of(name, root)
    if not path.is_file() or path.name == "index.yaml":
        raise ParameterError(path, name, "参数文件不存在", "parameter file not found")
    return load_file(path, name, units=units, check=check, loader=loader)

"""Report data file (报告数据文件): a :class:`ReportData` described in one YAML file, for the
command line and for reports assembled by hand.

Top-level keys (closed set): ``header``, ``period``, ``region``, ``units``, ``indicators``,
``key_indicator``, ``results`` (a list of rows) or ``results_file`` (a Parquet or CSV file of
the indicator result table, relative to the YAML file), ``targets``, ``totals``, ``items``,
``consequences``, ``tasks``. Numbers are read from their YAML text as Decimal (never float),
duplicate keys are rejected, and every error names the file and the key (``tasks[2].deadline``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

from yigai.orgs.model import OrgKind
from yigai.periods import PeriodError, parse
from yigai.reports import inputs
from yigai.reports.model import (
    Direction,
    DocumentHeader,
    IndicatorMeta,
    OrgUnit,
    ReformTask,
    ReportData,
    ReportDataError,
    Target,
    Unit,
    to_decimal,
)
from yigai.reports.params import StrictLoader

T = TypeVar("T")

_TOP = {
    "header",
    "period",
    "region",
    "units",
    "indicators",
    "key_indicator",
    "results",
    "results_file",
    "targets",
    "totals",
    "items",
    "consequences",
    "tasks",
}
_HEADER = {
    "issuer_zh",
    "doc_number",
    "issue_date",
    "signatory_zh",
    "recipients_zh",
    "cc_zh",
    "printer_zh",
    "title_zh",
}
_UNIT = {"id", "name_zh", "kind"}
_INDICATOR = {"id", "name_zh", "name_en", "unit", "direction"}
_TARGET = {"indicator", "value", "deadline", "scope", "baseline", "baseline_period", "source"}
_TASK = {
    "code",
    "title",
    "lead_department",
    "co_departments",
    "deadline",
    "deadline_text",
    "status",
    "overdue",
    "latest_progress",
}


class DataFileError(ReportDataError):
    """A report data file that cannot be read; names the file and the key."""


def _err(path: Path, key: str, zh: str, en: str) -> DataFileError:
    return DataFileError(
        f"报告数据文件 {path} 键 {key}：{zh} / report data file {path}, key {key}: {en}"
    )


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def mapping(self, raw: Any, key: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise _err(self.path, key, "应为映射", "expected a mapping")
        for name in sorted(map(str, set(raw) - allowed)):
            raise _err(self.path, f"{key}.{name}".lstrip("."), "不允许的键", "key not allowed")
        for name in sorted(required - set(raw)):
            raise _err(
                self.path, f"{key}.{name}".lstrip("."), "缺少必需的键", "required key missing"
            )
        return raw

    def items(self, raw: Any, key: str) -> list[Any]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise _err(self.path, key, "应为列表", "expected a list")
        return raw

    def text(self, raw: dict[str, Any], name: str, key: str, default: str | None = None) -> str:
        value = raw.get(name, default)
        if value is None:
            raise _err(self.path, f"{key}.{name}", "缺少必需的键", "required key missing")
        return str(value)

    def date(self, raw: Any, key: str) -> dt.date:
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        raise _err(
            self.path, key, f"应为日期 YYYY-MM-DD：{raw!r}", f"expected a date YYYY-MM-DD: {raw!r}"
        )

    def choice(self, kind: Callable[[str], T], raw: Any, key: str) -> T:
        try:
            return kind(str(raw))
        except ValueError:
            raise _err(self.path, key, f"取值无效：{raw!r}", f"invalid value: {raw!r}") from None

    def rows(
        self, raw: Any, key: str, convert: Callable[[list[dict[str, Any]]], list[T]]
    ) -> list[T]:
        """Convert a list of row mappings, re-labelling row errors with this file's key."""
        rows = self.items(raw, key)
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise _err(self.path, f"{key}[{i}]", "应为映射", "expected a mapping")
        try:
            return convert(rows)
        except ReportDataError as exc:
            raise self.wrap(exc, key) from None

    def wrap(self, exc: ReportDataError, key: str) -> DataFileError:
        zh, _, en = str(exc).partition(" / ")
        return _err(self.path, key, zh, en or zh)

    def optional_decimal(self, raw: Any, key: str) -> Decimal | None:
        try:
            return to_decimal(raw, table="", row=0, column=key)
        except ReportDataError:
            raise _err(
                self.path, key, f"不是有效数值：{raw!r}", f"not a decimal number: {raw!r}"
            ) from None

    def decimal(self, raw: Any, key: str) -> Decimal:
        value = self.optional_decimal(raw, key)
        if value is None:
            raise _err(self.path, key, "缺少数值", "value is missing")
        return value


def _load_results_file(path: Path, key: str) -> list[dict[str, Any]]:
    if not path.is_file():
        raise _err(path, key, "结果文件不存在", "results file not found")
    if path.suffix == ".parquet":
        table = pq.read_table(path)
    elif path.suffix == ".csv":
        text_columns = {c: pa.string() for c in ("indicator_id", "org_id", "period_id", "value")}
        table = pacsv.read_csv(
            path, convert_options=pacsv.ConvertOptions(column_types=text_columns)
        )
    else:
        raise _err(path, key, "仅支持 .parquet 或 .csv", "only .parquet or .csv are supported")
    return table.to_pylist()


def load(path: Path) -> ReportData:
    """Read and validate a report data file."""
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise _err(path, "(文件)", f"无法读取：{exc}", f"cannot read: {exc}") from None
    r = _Reader(path)
    top = r.mapping(raw, "", _TOP, {"header", "period", "region", "indicators"})
    h = r.mapping(top["header"], "header", _HEADER, {"issuer_zh", "doc_number", "issue_date"})
    header = DocumentHeader(
        issuer_zh=str(h["issuer_zh"]),
        doc_number=str(h["doc_number"]),
        issue_date=r.date(h["issue_date"], "header.issue_date"),
        **{k: str(h[k]) for k in _HEADER - {"issuer_zh", "doc_number", "issue_date"} if k in h},
    )
    try:
        period = parse(str(top["period"]))
    except PeriodError as exc:
        raise _err(path, "period", str(exc), "invalid period") from None

    def unit(raw_unit: Any, key: str, default_kind: OrgKind) -> OrgUnit:
        u = r.mapping(raw_unit, key, _UNIT, {"id", "name_zh"})
        kind = r.choice(OrgKind, u.get("kind", default_kind.value), f"{key}.kind")
        return OrgUnit(str(u["id"]), str(u["name_zh"]), kind)

    region = unit(top["region"], "region", OrgKind.COUNTY)
    units = [
        unit(u, f"units[{i}]", OrgKind.INSTITUTION)
        for i, u in enumerate(r.items(top.get("units"), "units"))
    ]
    indicators = []
    for i, m in enumerate(r.items(top["indicators"], "indicators")):
        key = f"indicators[{i}]"
        m = r.mapping(m, key, _INDICATOR, _INDICATOR)
        indicators.append(
            IndicatorMeta(
                str(m["id"]),
                str(m["name_zh"]),
                str(m["name_en"]),
                r.choice(Unit, m["unit"], f"{key}.unit"),
                r.choice(Direction, m["direction"], f"{key}.direction"),
            )
        )
    if "results" in top and "results_file" in top:
        raise _err(
            path,
            "results_file",
            "results 与 results_file 只能给出一个",
            "give either results or results_file, not both",
        )
    if "results_file" in top:
        rows = _load_results_file(path.parent / str(top["results_file"]), "results_file")
        results = r.rows(rows, "results_file", inputs.indicator_values_from_rows)
    else:
        results = r.rows(top.get("results"), "results", inputs.indicator_values_from_rows)
    targets = []
    for i, t in enumerate(r.items(top.get("targets"), "targets")):
        key = f"targets[{i}]"
        t = r.mapping(t, key, _TARGET, {"indicator", "value", "deadline"})
        targets.append(
            Target(
                indicator_id=str(t["indicator"]),
                value=r.decimal(t["value"], f"{key}.value"),
                deadline=r.date(t["deadline"], f"{key}.deadline"),
                scope=str(t.get("scope", "*")),
                baseline=r.optional_decimal(t.get("baseline"), f"{key}.baseline"),
                source=str(t.get("source", "")),
            )
        )
    tasks = []
    for i, t in enumerate(r.items(top.get("tasks"), "tasks")):
        key = f"tasks[{i}]"
        t = r.mapping(t, key, _TASK, {"code", "title", "lead_department", "status", "overdue"})
        if not isinstance(t["overdue"], bool):
            raise _err(path, f"{key}.overdue", "应为 true 或 false", "expected true or false")
        deadline = t.get("deadline")
        tasks.append(
            ReformTask(
                code=str(t["code"]),
                title=str(t["title"]),
                lead_department=str(t["lead_department"]),
                co_departments=tuple(
                    str(d) for d in r.items(t.get("co_departments"), f"{key}.co_departments")
                ),
                deadline=None if deadline is None else r.date(deadline, f"{key}.deadline"),
                status=str(t["status"]),
                overdue=t["overdue"],
                latest_progress=str(t.get("latest_progress") or ""),
                deadline_text=str(t.get("deadline_text") or ""),
            )
        )
    try:
        return ReportData(
            header=header,
            period=period,
            region=region,
            units=units,
            indicators=indicators,
            results=results,
            targets=targets,
            totals=r.rows(top.get("totals"), "totals", inputs.totals_from_rows),
            items=r.rows(top.get("items"), "items", inputs.items_from_rows),
            consequences=r.rows(
                top.get("consequences"), "consequences", inputs.consequences_from_rows
            ),
            tasks=tasks,
            key_indicator_id=None
            if top.get("key_indicator") is None
            else str(top["key_indicator"]),
        )
    except DataFileError:
        raise
    except ReportDataError as exc:
        raise r.wrap(exc, "(数据)") from None

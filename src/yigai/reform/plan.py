"""Reform plans as data (医改工作方案): ``data/<plan_id>.yaml``, loaded strictly.

A plan file has ``id``, ``title``, ``source``, optional ``issued`` and ``tasks``. Each task has
``code``, ``category``, ``title``, ``source_ref`` (where in the document), optional ``target``,
``deadline`` (ISO date) with the document's own words in ``deadline_text``, ``note``, and its
departments either as ``responsible`` — the text inside the document's parentheses, copied
verbatim and parsed (first named = 牵头单位, others = 配合单位) — or as explicit ``lead`` /
``co`` where the document names them another way (``note`` says how). Unknown or missing
keys, duplicate keys or codes, bad dates and unreadable departments are errors naming the
file and the task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from yigai.params import StrictLoader
from yigai.reform.departments import DepartmentsError, parse_departments

DATA_DIR = Path(__file__).parent / "data"

_PLAN_KEYS = {"id", "title", "source", "issued", "tasks"}
_PLAN_REQUIRED = {"id", "title", "source", "tasks"}
_TASK_KEYS = {
    "code",
    "category",
    "title",
    "target",
    "deadline",
    "deadline_text",
    "responsible",
    "lead",
    "co",
    "note",
    "source_ref",
}
_TASK_REQUIRED = {"code", "category", "title", "source_ref"}


class PlanError(ValueError):
    """A plan file that breaks the format; names the file and the task."""

    def __init__(self, path: Path, where: str, zh: str, en: str) -> None:
        super().__init__(f"{path.name} [{where}]：{zh} / {path.name} [{where}]: {en}")
        self.path, self.where = path, where


@dataclass(frozen=True)
class TaskSpec:
    code: str
    category: str
    title: str
    source_ref: str
    lead: str | None
    co: tuple[str, ...]
    target: str | None = None
    deadline: dt.date | None = None
    deadline_text: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class PlanSpec:
    id: str
    title: str
    source: str
    issued: dt.date | None
    tasks: tuple[TaskSpec, ...]


def _keys(path: Path, where: str, doc: Any, allowed: set[str], required: set[str]) -> dict:
    if not isinstance(doc, dict):
        raise PlanError(path, where, "应为映射", "must be a mapping")
    unknown = set(map(str, doc)) - allowed
    if unknown:
        raise PlanError(
            path, where, f"未知的键 {sorted(unknown)}", f"unknown keys {sorted(unknown)}"
        )
    missing = required - set(doc)
    if missing:
        raise PlanError(path, where, f"缺少键 {sorted(missing)}", f"missing keys {sorted(missing)}")
    return doc


def _text(path: Path, where: str, value: Any, key: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise PlanError(path, f"{where}.{key}", "应为非空文本", "must be non-empty text")
    return value.strip()


def _date(path: Path, where: str, value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PlanError(path, where, "应为 ISO 日期（YYYY-MM-DD）", "must be an ISO date") from None


def _task(path: Path, index: int, raw: Any) -> TaskSpec:
    where = f"tasks[{index}]"
    doc = _keys(path, where, raw, _TASK_KEYS, _TASK_REQUIRED)
    code = _text(
        path, where, doc["code"] if not isinstance(doc["code"], int) else str(doc["code"]), "code"
    )
    assert code is not None
    where = f"task {code}"
    if "responsible" in doc and ("lead" in doc or "co" in doc):
        raise PlanError(
            path,
            where,
            "responsible 与 lead/co 只能二选一",
            "give either responsible or lead/co, not both",
        )
    if "responsible" in doc:
        text = _text(path, where, doc["responsible"], "responsible")
        try:
            departments = parse_departments(text or "")
        except DepartmentsError as exc:
            raise PlanError(path, f"{where}.responsible", str(exc), str(exc)) from None
        lead, co = departments.lead, departments.co
    else:
        lead = _text(path, where, doc.get("lead"), "lead", optional=True)
        raw_co = doc.get("co") or []
        if not isinstance(raw_co, list):
            raise PlanError(path, f"{where}.co", "应为列表", "must be a list")
        co = tuple(_text(path, where, c, "co") or "" for c in raw_co)
        if co and lead is None:
            raise PlanError(path, where, "有配合单位时必须写明牵头单位", "co needs a lead")
    deadline = _date(path, f"{where}.deadline", doc.get("deadline"))
    deadline_text = _text(path, where, doc.get("deadline_text"), "deadline_text", optional=True)
    if (deadline is None) != (deadline_text is None):
        raise PlanError(
            path,
            where,
            "deadline 与 deadline_text（原文时限）须同时给出",
            "deadline and deadline_text (the document's words) go together",
        )
    return TaskSpec(
        code=code,
        category=_text(path, where, doc["category"], "category") or "",
        title=_text(path, where, doc["title"], "title") or "",
        source_ref=_text(path, where, doc["source_ref"], "source_ref") or "",
        lead=lead,
        co=co,
        target=_text(path, where, doc.get("target"), "target", optional=True),
        deadline=deadline,
        deadline_text=deadline_text,
        note=_text(path, where, doc.get("note"), "note", optional=True),
    )


def parse_plan(path: Path) -> PlanSpec:
    """Load and validate one plan file."""
    try:
        with path.open(encoding="utf-8") as fh:
            # duplicate keys rejected; dates stay text until _date checks them, so 2020-13-01
            # is an error naming the task, not a crash inside the YAML parser
            doc = yaml.load(fh, Loader=StrictLoader)  # a SafeLoader subclass: safe
    except yaml.YAMLError as exc:
        raise PlanError(path, "(file)", f"YAML 格式错误：{exc}", f"invalid YAML: {exc}") from None
    doc = _keys(path, "(plan)", doc, _PLAN_KEYS, _PLAN_REQUIRED)
    plan_id = _text(path, "(plan)", doc["id"], "id") or ""
    if plan_id != path.stem:
        raise PlanError(
            path,
            "(plan).id",
            f"id 应与文件名 {path.stem} 一致",
            f"id must equal the file name {path.stem}",
        )
    if not isinstance(doc["tasks"], list) or not doc["tasks"]:
        raise PlanError(path, "(plan).tasks", "应为非空列表", "must be a non-empty list")
    tasks = tuple(_task(path, i, t) for i, t in enumerate(doc["tasks"]))
    codes = [t.code for t in tasks]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise PlanError(
            path, "(plan).tasks", f"任务编码重复：{repeated}", f"repeated task codes {repeated}"
        )
    return PlanSpec(
        id=plan_id,
        title=_text(path, "(plan)", doc["title"], "title") or "",
        source=_text(path, "(plan)", doc["source"], "source") or "",
        issued=_date(path, "(plan).issued", doc.get("issued")),
        tasks=tasks,
    )


def available_plans(folder: Path = DATA_DIR) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def plan_files(home: Path | None = None) -> dict[str, Path]:
    """Plan id → file: the shipped plans and those a county loaded (``home``/plans/)."""
    out = {p.stem: p for p in sorted(DATA_DIR.glob("*.yaml"))}
    if home is not None and (home / "plans").is_dir():
        out |= {p.stem: p for p in sorted((home / "plans").glob("*.yaml"))}
    return out


def known_plans(home: Path | None = None) -> list[str]:
    return sorted(plan_files(home))


def install(path: Path, home: Path) -> PlanSpec:
    """``yigai tasks load FILE``: check a county's own plan file and keep a copy under
    ``home``/plans/ so a deployment can name it. A bad file changes nothing."""
    spec = parse_plan(path)
    folder = home / "plans"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.tmp"
    tmp.write_bytes(path.read_bytes())
    tmp.replace(folder / f"{spec.id}.yaml")
    return spec


def plan_spec(plan_id: str, folder: Path = DATA_DIR, home: Path | None = None) -> PlanSpec:
    """The plan ``plan_id`` (file ``data/<plan_id>.yaml``, or one loaded into ``home``)."""
    files = plan_files(home) if folder == DATA_DIR else {}
    path = files.get(plan_id, folder / f"{plan_id}.yaml")
    if not path.exists():
        known = sorted(plan_files(home)) if folder == DATA_DIR else available_plans(folder)
        raise PlanError(
            path,
            "(file)",
            f"没有这个方案（可选：{'、'.join(known)}）",
            f"no such plan (known: {', '.join(known)})",
        )
    return parse_plan(path)

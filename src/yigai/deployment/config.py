"""Load and check a deployment file; find the rule governing an org unit.

Checks name the file and the rule: unknown keys, a rule without units, a unit named by two
rules, an unknown plan, target set or insurance region. The names are checked against what
is shipped plus what the deployment's home holds (``plans/``, ``targets/``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from yigai import settings
from yigai.orgs.model import OrgKind
from yigai.params import StrictLoader

DEMO_FILE = Path(__file__).parent / "data" / "demo.yaml"
FILE_NAME = "deployment.yaml"

_KEYS = {"id", "name", "synthetic", "note", "governs"}
_RULE_KEYS = {"units", "kinds", "plan", "targets", "insurance"}


class DeploymentError(ValueError):
    """A deployment file that cannot be used; names the file and the place."""

    def __init__(self, path: Path, where: str, zh: str, en: str) -> None:
        super().__init__(f"{path} [{where}]：{zh} / {path} [{where}]: {en}")
        self.path, self.where, self.zh, self.en = path, where, zh, en


@dataclass(frozen=True)
class Rule:
    """Who is governed (``units``: org ids, or ``*``; ``kinds``: only units of these kinds,
    empty for any) by which plan, targets and insurance."""

    units: tuple[str, ...]
    plan: str | None
    targets: tuple[str, ...]
    insurance: str | None
    kinds: tuple[str, ...] = ()

    def covers(self, kind: str | None) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class Deployment:
    id: str
    name: str
    synthetic: bool
    rules: tuple[Rule, ...]
    path: Path
    #: where loaded plans and target sets live (``$YIGAI_HOME``); None: shipped ones only
    home: Path | None = None
    note: str | None = None

    def rule_for(
        self, org_id: str, ancestors: Iterable[str] = (), kind: str | None = None
    ) -> Rule | None:
        """The rule naming ``org_id`` or its nearest ancestor (nearest first), else ``*``,
        among the rules for units of ``kind`` (a rule without ``kinds`` covers every kind)."""
        for unit in (org_id, *ancestors, "*"):
            for r in self.rules:
                if unit in r.units and r.covers(kind):
                    return r
        return None

    def target_sets(self) -> list[str]:
        return list(dict.fromkeys(s for r in self.rules for s in r.targets))

    def notes_zh(self) -> list[str]:
        """Lines for a bulletin's notes (说明): what governs the region, and the data's nature."""
        lines = []
        if self.synthetic:
            lines.append("本文所用数据均为合成示范数据，不代表任何真实地区 / synthetic demo data")
        for r in self.rules:
            who = "全部机构" if r.units == ("*",) else "、".join(r.units)
            if r.kinds:
                who += f"中的{'、'.join(r.kinds)}"
            lines.append(
                f"部署 {self.name}（{self.id}）：{who} 适用工作方案 {r.plan or '—'}，"
                f"目标 {'、'.join(r.targets) or '—'}，医保规则 {r.insurance or '—'}"
            )
        return lines


def _fail(path: Path, where: str, zh: str, en: str) -> DeploymentError:
    return DeploymentError(path, where, zh, en)


def _names(value: Any, path: Path, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, where, "应为名称列表", "must be a list of names")
    return tuple(v.strip() for v in value)


def _rules(path: Path, raw: Any) -> Iterator[Rule]:
    if not isinstance(raw, list) or not raw:
        raise _fail(path, "governs", "应为非空列表", "must be a non-empty list")
    for i, item in enumerate(raw):
        where = f"governs[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, where, "应为映射", "must be a mapping")
        unknown = sorted(set(map(str, item)) - _RULE_KEYS)
        if unknown:
            raise _fail(path, where, f"未知的键 {unknown}", f"unknown keys {unknown}")
        units = _names(item.get("units"), path, f"{where}.units")
        if not units:
            raise _fail(path, f"{where}.units", "缺少适用机构", "names no org units")
        plan = _names(item.get("plan"), path, f"{where}.plan")
        insurance = _names(item.get("insurance"), path, f"{where}.insurance")
        if len(plan) > 1 or len(insurance) > 1:
            raise _fail(
                path, where, "方案和医保规则各只能有一个", "one plan and one insurance region"
            )
        kinds = _names(item.get("kinds"), path, f"{where}.kinds")
        bad = sorted(set(kinds) - {k.value for k in OrgKind})
        if bad:
            raise _fail(path, f"{where}.kinds", f"未知的层级 {bad}", f"unknown kinds {bad}")
        yield Rule(
            units=units,
            plan=plan[0] if plan else None,
            targets=_names(item.get("targets"), path, f"{where}.targets"),
            insurance=insurance[0] if insurance else None,
            kinds=kinds,
        )


def _check_names(path: Path, rules: tuple[Rule, ...], home: Path | None) -> None:
    """Every unit named once; every plan, target set and insurance region known."""
    from yigai.indicators.targets import set_files
    from yigai.policy.params import regions
    from yigai.reform.plan import known_plans

    seen: set[tuple[str, str]] = set()
    plans, sets, insurers = set(known_plans(home)), set(set_files(home)), set(regions())
    for i, r in enumerate(rules):
        where = f"governs[{i}]"
        mine = {(u, k) for u in r.units for k in (r.kinds or ("*",))}
        # a rule for every kind ("*") overlaps any rule naming the same unit
        twice = sorted(
            {u for (u, k) in seen for (v, j) in mine if u == v and (k == j or "*" in (k, j))}
        )
        if twice:
            raise _fail(
                path, where, f"机构 {twice} 已由前面的规则指定", f"units {twice} named twice"
            )
        seen |= mine
        if r.plan is not None and r.plan not in plans:
            raise _fail(
                path, f"{where}.plan", f"未知的工作方案 {r.plan}（可选：{'、'.join(sorted(plans))}）",
                f"unknown plan {r.plan}",
            )  # fmt: skip
        for s in r.targets:
            if s not in sets:
                raise _fail(
                    path, f"{where}.targets", f"未知的目标集 {s}（可选：{'、'.join(sorted(sets))}）",
                    f"unknown target set {s}",
                )  # fmt: skip
        if r.insurance is not None and r.insurance not in insurers:
            raise _fail(
                path, f"{where}.insurance",
                f"未知的医保规则地区 {r.insurance}（可选：{'、'.join(sorted(insurers))}）",
                f"unknown insurance region {r.insurance}",
            )  # fmt: skip


def load(path: Path, home: Path | None = None) -> Deployment:
    """Read and check the deployment file ``path`` (plans and target sets under ``home``)."""
    try:
        with path.open(encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=StrictLoader)  # a SafeLoader subclass: safe
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(path, "(file)", f"无法读取：{exc}", f"cannot read: {exc}") from None
    if not isinstance(doc, dict):
        raise _fail(path, "(file)", "应为映射", "must be a mapping")
    unknown = sorted(set(map(str, doc)) - _KEYS)
    if unknown:
        raise _fail(path, "(file)", f"未知的键 {unknown}", f"unknown keys {unknown}")
    for key in ("id", "name"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise _fail(path, key, "应为非空文本", "must be non-empty text")
    synthetic = doc.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise _fail(path, "synthetic", "应为 true 或 false", "must be true or false")
    rules = tuple(_rules(path, doc.get("governs")))
    _check_names(path, rules, home)
    note = doc.get("note")
    return Deployment(
        id=doc["id"].strip(),
        name=doc["name"].strip(),
        synthetic=synthetic,
        rules=rules,
        path=path,
        home=home,
        note=str(note) if note is not None else None,
    )


_CACHE: dict[tuple[Path, int, Path | None], Deployment] = {}


def active(home: Path | None = None) -> Deployment:
    """The deployment in force: ``home``/deployment.yaml, else the shipped demo one.
    ``home`` defaults to ``$YIGAI_HOME`` (./var)."""
    if home is None:
        home = settings.load().home
    own = home / FILE_NAME
    path = own if own.is_file() else DEMO_FILE
    key = (path, path.stat().st_mtime_ns, home)
    if key not in _CACHE:
        _CACHE[key] = load(path, home)
    return _CACHE[key]

"""Targets (目标值): what a value should reach, by when, for which org units.

``targets/*.yaml`` hold ``targets: [...]`` (a *target set*, named by its file stem); each
target names an indicator, a scope (an org id, ``kind:<org kind>`` or ``*``), a value in the
indicator's unit (Decimal, never float), how it compares (``about`` 左右 / ``at_least`` 以上 /
``below`` 以下 …), a deadline, an optional baseline and the document that set it. A file may
say which ``region`` set it (for display) and until when its targets keep judging after their
deadline (``valid_until``, per file or per target).

Targets apply to the region and period that set them (issue 14 §2):

- **region**: a target set judges only the org units a deployment assigns it to
  (:mod:`yigai.deployment`); :func:`default` is the active deployment's sets, and
  :func:`for_unit` the sets governing one unit. A county loads its own file with
  ``yigai targets load FILE`` (:func:`install`), which copies it, checked, under
  ``$YIGAI_HOME/targets/``.
- **period**: a target is in force from ``set_on`` to its deadline, and after the deadline
  only up to ``valid_until`` (shown as overdue); without ``valid_until`` it judges nothing
  after its deadline, so a 2015 target never judges 2025.

The target **in force** for an indicator × org unit × period (:func:`in_force`): the most
specific scope wins (org id, then ``kind:``, then ``*``); among those, the nearest deadline
on or after the period end (the next milestone); when every deadline has passed, the latest
one still valid stays in force and its deadline is shown so readers see it is overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from yigai.indicators import catalogue as catalogue_mod
from yigai.indicators.catalogue import Catalogue, CatalogueError, read_yaml
from yigai.orgs.model import OrgKind
from yigai.periods import Period, parse

TARGETS_DIR = Path(__file__).parent / "targets"

_KIND_SCOPES = {f"kind:{k.value}" for k in OrgKind}


class Target(BaseModel):
    """One target (目标)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str
    scope: str = Field(min_length=1)
    value: Decimal
    comparison: Literal["about", "at_least", "above", "at_most", "below"]
    deadline: dt.date
    set_on: dt.date | None = None
    baseline: Decimal | None = None
    baseline_period: str | None = None
    source: str
    note: str | None = None
    #: after the deadline the target still judges periods starting on or before this day
    valid_until: dt.date | None = None
    #: the target set (file stem) it came from; filled in on loading
    set_id: str = ""

    @field_validator("value", "baseline", mode="before")
    @classmethod
    def _no_float(cls, v: Any) -> Any:
        if isinstance(v, float):
            raise ValueError("目标值不能是浮点数 / a target value must not be a float")
        return v

    @field_validator("scope")
    @classmethod
    def _scope(cls, v: str) -> str:
        if v.startswith("kind:") and v not in _KIND_SCOPES:
            raise ValueError(
                f"范围 {v} 无效（应为 {', '.join(sorted(_KIND_SCOPES))}） / invalid scope {v}"
            )
        return v

    @field_validator("baseline_period")
    @classmethod
    def _period(cls, v: str | None) -> str | None:
        return None if v is None else parse(v).id

    @property
    def specificity(self) -> int:
        """3 for an org id, 2 for ``kind:…``, 1 for ``*``."""
        if self.scope == "*":
            return 1
        return 2 if self.scope.startswith("kind:") else 3

    def applies_to(self, org_id: str, org_kind: str | None) -> bool:
        if self.scope == "*":
            return True
        if self.scope.startswith("kind:"):
            return org_kind is not None and self.scope == f"kind:{org_kind}"
        return self.scope == org_id

    def judges(self, period: Period) -> bool:
        """Whether the target is in force in ``period`` (set by then, not expired)."""
        if self.set_on is not None and self.set_on > period.end:
            return False
        return period.start <= max(self.deadline, self.valid_until or self.deadline)


_FILE_KEYS = {"description", "region", "valid_until", "targets"}


def load_file(path: Path, catalogue: Catalogue) -> list[Target]:
    """Targets of one file, each checked against the catalogue."""
    doc = read_yaml(path)
    if not isinstance(doc, dict) or "targets" not in doc or set(doc) - _FILE_KEYS:
        raise CatalogueError(
            path,
            None,
            "文件应有 targets 列表（可加 description、region、valid_until）",
            "the file must hold `targets` (and optionally description, region, valid_until)",
        )
    until = doc.get("valid_until")
    if until is not None and not isinstance(until, dt.date):
        raise CatalogueError(path, "valid_until", "应为日期", "must be a date")
    out = []
    for n, raw in enumerate(doc["targets"] or [], start=1):
        entry = f"#{n} {raw.get('indicator', '')}" if isinstance(raw, dict) else f"#{n}"
        try:
            if isinstance(raw, dict):
                raw = {"valid_until": until, **raw, "set_id": path.stem}
            target = Target.model_validate(raw)
        except ValidationError as exc:
            reason = "; ".join(
                f"{'.'.join(str(x) for x in e['loc']) or '(entry)'}: {e['msg']}"
                for e in exc.errors()
            )
            raise CatalogueError(path, entry, f"目标定义无效：{reason}", reason) from None
        if target.indicator not in catalogue:
            raise CatalogueError(
                path,
                entry,
                f"指标 {target.indicator} 不在指标目录中",
                f"indicator {target.indicator!r} is not in the catalogue",
            )
        out.append(target)
    return out


def load(paths: Iterable[Path] | None = None, catalogue: Catalogue | None = None) -> list[Target]:
    """All targets of ``paths`` (default: every shipped ``targets/*.yaml``)."""
    cat = catalogue or catalogue_mod.default()
    files = sorted(TARGETS_DIR.glob("*.yaml")) if paths is None else [Path(p) for p in paths]
    return [t for path in files for t in load_file(path, cat)]


def shipped() -> tuple[Target, ...]:
    """Every shipped target set, for the indicator reference (not for judging)."""
    return _cached_sets(tuple(sorted(TARGETS_DIR.glob("*.yaml"))))


def set_files(home: Path | None = None) -> dict[str, Path]:
    """Target set id → file: the shipped sets and those loaded into ``home``/targets."""
    out = {p.stem: p for p in sorted(TARGETS_DIR.glob("*.yaml"))}
    if home is not None and (home / "targets").is_dir():
        out |= {p.stem: p for p in sorted((home / "targets").glob("*.yaml"))}
    return out


_CACHE: dict[tuple[tuple[Path, int], ...], tuple[Target, ...]] = {}


def _cached_sets(files: tuple[Path, ...]) -> tuple[Target, ...]:
    """Targets of ``files``, re-read only when a file changes (the bulletin asks per row)."""
    key = tuple((p, p.stat().st_mtime_ns) for p in files)
    if key not in _CACHE:
        _CACHE[key] = tuple(load(files))
    return _CACHE[key]


def of_sets(set_ids: Iterable[str], home: Path | None = None) -> tuple[Target, ...]:
    """The targets of the named sets (unknown ids are the deployment check's to report)."""
    files = set_files(home)
    return _cached_sets(tuple(files[s] for s in dict.fromkeys(set_ids) if s in files))


def default() -> tuple[Target, ...]:
    """The targets that judge in the active deployment (:func:`yigai.deployment.active`):
    the union of its target sets. :func:`for_unit` narrows them to one unit's rule."""
    from yigai import deployment

    dep = deployment.active()
    return of_sets(dep.target_sets(), dep.home)


def for_unit(
    org_id: str, ancestors: Iterable[str] = (), kind: str | None = None
) -> tuple[Target, ...]:
    """The targets governing ``org_id`` of ``kind`` (ancestors nearest first)."""
    from yigai import deployment

    dep = deployment.active()
    rule = dep.rule_for(org_id, ancestors, kind)
    return () if rule is None else of_sets(rule.targets, dep.home)


def install(path: Path, home: Path, catalogue: Catalogue | None = None) -> tuple[str, int]:
    """``yigai targets load FILE``: check ``path`` and copy it to ``home``/targets/ (the set
    id is its file stem). All-or-nothing: a bad file changes nothing. Returns (set id, count)."""
    found = load([path], catalogue)
    folder = home / "targets"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.tmp"
    tmp.write_bytes(path.read_bytes())
    tmp.replace(folder / f"{path.stem}.yaml")
    return path.stem, len(found)


def in_force(
    indicator_id: str,
    org_id: str,
    period: Period | str,
    *,
    org_kind: str | None = None,
    targets: Iterable[Target] | None = None,
) -> Target | None:
    """The target in force for ``indicator_id`` at ``org_id`` in ``period`` (module docstring).

    ``org_kind`` (the org unit's kind) lets ``kind:county`` targets apply.
    """
    p = period if isinstance(period, Period) else parse(period)
    pool = [
        t
        for t in (default() if targets is None else targets)
        if t.indicator == indicator_id and t.applies_to(org_id, org_kind) and t.judges(p)
    ]
    if not pool:
        return None
    best = max(t.specificity for t in pool)
    pool = [t for t in pool if t.specificity == best]
    upcoming = [t for t in pool if t.deadline >= p.end]
    if upcoming:
        return min(upcoming, key=lambda t: t.deadline)
    return max(pool, key=lambda t: t.deadline)

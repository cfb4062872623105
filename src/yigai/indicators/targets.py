"""Targets (目标值): what a value should reach, by when, for which org units.

``targets/*.yaml`` hold ``targets: [...]``; each target names an indicator, a scope (an org
id, ``kind:<org kind>`` or ``*``), a value in the indicator's unit (Decimal, never float),
how it compares (``about`` 左右 / ``at_least`` 以上 / ``below`` 以下 …), a deadline, an
optional baseline and the document that set it.

The target **in force** for an indicator × org unit × period (:func:`in_force`): the most
specific scope wins (org id, then ``kind:``, then ``*``); among those, the nearest deadline
on or after the period end (the next milestone); when every deadline has passed, the latest
one stays in force and its deadline is shown so readers see it is overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
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


def load_file(path: Path, catalogue: Catalogue) -> list[Target]:
    """Targets of one file, each checked against the catalogue."""
    doc = read_yaml(path)
    if not isinstance(doc, dict) or "targets" not in doc or set(doc) - {"description", "targets"}:
        raise CatalogueError(
            path,
            None,
            "文件应有 targets 列表（可加 description）",
            "the file must hold `targets` (and optionally `description`)",
        )
    out = []
    for n, raw in enumerate(doc["targets"] or [], start=1):
        entry = f"#{n} {raw.get('indicator', '')}" if isinstance(raw, dict) else f"#{n}"
        try:
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
    """All targets (default: every ``targets/*.yaml`` against the shipped catalogue)."""
    cat = catalogue or catalogue_mod.default()
    files = sorted(TARGETS_DIR.glob("*.yaml")) if paths is None else [Path(p) for p in paths]
    return [t for path in files for t in load_file(path, cat)]


@cache
def default() -> tuple[Target, ...]:
    return tuple(load())


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
        if t.indicator == indicator_id
        and t.applies_to(org_id, org_kind)
        and (t.set_on is None or t.set_on <= p.end)
    ]
    if not pool:
        return None
    best = max(t.specificity for t in pool)
    pool = [t for t in pool if t.specificity == best]
    upcoming = [t for t in pool if t.deadline >= p.end]
    if upcoming:
        return min(upcoming, key=lambda t: t.deadline)
    return max(pool, key=lambda t: t.deadline)

"""The indicator catalogue (指标目录): YAML files loaded strictly into :class:`Indicator`.

Each ``catalogue/*.yaml`` holds ``indicators: [...]``. Loading rejects duplicate YAML keys,
unknown fields, duplicate ids, growth indicators of unknown bases, and filters or measures
on columns the record view does not have — every error names the file and the indicator id,
in Chinese then English. Definitions are corrected in the YAML, never in code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from yigai.indicators import views
from yigai.indicators.model import Indicator, Side
from yigai.params import DecimalLoader

CATALOGUE_DIR = Path(__file__).parent / "catalogue"

_NUMERIC = ("int8", "int16", "int32", "int64")


class CatalogueError(ValueError):
    """A catalogue or targets file that cannot be used; names the file and the entry."""

    def __init__(self, path: Path | str, entry: str | None, zh: str, en: str) -> None:
        where = f"{path}" + (f" [{entry}]" if entry else "")
        super().__init__(f"{where}: {zh} / {en}")
        self.path, self.entry, self.zh, self.en = str(path), entry, zh, en


def read_yaml(path: Path) -> Any:
    """Parse one YAML file strictly; errors name the file and line.

    Duplicate keys are rejected, decimals read as ``Decimal`` (never float) and dates parsed
    by YAML for pydantic (:class:`yigai.params.DecimalLoader`).
    """
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=DecimalLoader)  # a SafeLoader subclass: safe
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for 2024-13-01
        raise CatalogueError(path, None, f"YAML 格式错误：{exc}", f"invalid YAML: {exc}") from None


def _pydantic_reason(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"]) or "(entry)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Catalogue:
    """Indicators in file order, by id; ``files`` records where each was defined."""

    indicators: tuple[Indicator, ...]
    files: dict[str, str]

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def __getitem__(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(f"未知指标 {indicator_id!r} / unknown indicator {indicator_id!r}")

    def __contains__(self, indicator_id: object) -> bool:
        return any(ind.id == indicator_id for ind in self.indicators)

    def select(self, ids: Iterable[str]) -> Catalogue:
        """The named indicators plus the bases their growth rates need."""
        wanted = set(ids)
        for i in list(wanted):
            ind = self[i]
            if ind.kind == "growth" and ind.of:
                wanted.add(ind.of)
        kept = tuple(ind for ind in self.indicators if ind.id in wanted)
        return Catalogue(kept, {k: v for k, v in self.files.items() if k in wanted})


def _check_side(path: Path, ind: Indicator, side: Side, label: str) -> None:
    cols = views.columns()[side.records]
    by = side.attribution or ind.attribution
    attribution_col = "home_unit_id" if by == "resident" else "institution_id"
    if attribution_col not in cols:
        raise CatalogueError(
            path,
            ind.id,
            f"{label} 的记录集 {side.records} 没有归属列 {attribution_col}",
            f"{label}: view {side.records} has no attribution column {attribution_col}",
        )
    named = [c.column for c in (*side.where, *side.then)]
    named += [c for c in (side.per, side.latest) if c is not None]
    for column in named:
        if column not in cols:
            raise CatalogueError(
                path,
                ind.id,
                f"{label} 的筛选列 {column} 不在 {side.records} 中",
                f"{label}: filter column {column!r} is not in view {side.records}",
            )
    names = [c.param for c in (*side.where, *side.then) if c.param]
    for name in [*names, *([side.factor] if side.factor else [])]:
        from yigai.indicators import params  # params imports this module's loader

        try:
            params.get(name)
        except CatalogueError as exc:
            raise CatalogueError(
                path, ind.id, f"{label} 的参数 {name} 无效：{exc.zh}", f"{label} {name}: {exc.en}"
            ) from None
    m = side.measure
    if m.column is not None:
        if m.column not in cols:
            raise CatalogueError(
                path,
                ind.id,
                f"{label} 的度量列 {m.column} 不在 {side.records} 中",
                f"{label}: measure column {m.column!r} is not in view {side.records}",
            )
        if m.kind == "sum" and cols[m.column] not in _NUMERIC and cols[m.column] != "boolean":
            raise CatalogueError(
                path,
                ind.id,
                f"{label} 只能对整数列求和（{m.column} 为 {cols[m.column]}）",
                f"{label}: sum needs an integer column ({m.column} is {cols[m.column]})",
            )


def load_file(path: Path) -> list[Indicator]:
    """The indicators of one catalogue file, each validated (not cross-checked)."""
    doc = read_yaml(path)
    if (
        not isinstance(doc, dict)
        or set(doc) != {"indicators"}
        or not isinstance(doc["indicators"], list)
    ):
        raise CatalogueError(
            path,
            None,
            "文件应只有 indicators 列表",
            "the file must hold exactly one key, `indicators`, with a list",
        )
    out = []
    for n, raw in enumerate(doc["indicators"], start=1):
        entry = raw.get("id", f"#{n}") if isinstance(raw, dict) else f"#{n}"
        try:
            ind = Indicator.model_validate(raw)
        except ValidationError as exc:
            reason = _pydantic_reason(exc)
            raise CatalogueError(path, str(entry), f"指标定义无效：{reason}", reason) from None
        for side, label in ((ind.numerator, "numerator"), (ind.denominator, "denominator")):
            if side is not None:
                _check_side(path, ind, side, label)
        out.append(ind)
    return out


def load(paths: Iterable[Path] | None = None) -> Catalogue:
    """Load and cross-check catalogue files (default: every ``catalogue/*.yaml``)."""
    # The spine (the reform's headline indicators) leads tables and bulletins; then by name.
    files = (
        sorted(CATALOGUE_DIR.glob("*.yaml"), key=lambda f: (f.stem != "spine", f.name))
        if paths is None
        else [Path(p) for p in paths]
    )
    indicators: list[Indicator] = []
    where: dict[str, str] = {}
    for path in files:
        for ind in load_file(path):
            if ind.id in where:
                raise CatalogueError(
                    path,
                    ind.id,
                    f"指标编号重复（已在 {where[ind.id]} 中定义）",
                    f"duplicate indicator id (already defined in {where[ind.id]})",
                )
            where[ind.id] = str(path)
            indicators.append(ind)
    by_id = {i.id: i for i in indicators}
    for ind in indicators:
        if ind.kind == "growth":
            base = by_id.get(ind.of or "")
            if base is None or base.kind != "ratio":
                raise CatalogueError(
                    where[ind.id],
                    ind.id,
                    f"增长率的基础指标 {ind.of} 不存在或不是比率指标",
                    f"growth base {ind.of!r} is unknown or not a ratio indicator",
                )
    return Catalogue(tuple(indicators), where)


@cache
def default() -> Catalogue:
    """The shipped catalogue, loaded once."""
    return load()

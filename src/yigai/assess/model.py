"""Assessment schemes (绩效考核方案) declared in YAML, and the targets they score against.

A scheme says whom it assesses (医共体 or 医疗卫生机构), how often (季度 / 年度), which items
make up the 100 points (指标 or 考核人员评分的手工项), how each item turns a value into points,
the grade bands (合格 / 不合格, or A/B/C/D), how peers are ranked and what follows from a rank
over consecutive periods (表扬 / 通报批评 / 免去负责人职务). Every threshold lives in the YAML,
so a county changes its scheme by editing data, never code.

The loader is strict: unknown keys, duplicate keys, bad numbers and inconsistent weights are
rejected with a bilingual error naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from yigai.indicators.model import Direction
from yigai.orgs.model import InstitutionType, OrgKind
from yigai.params import UniqueKeyLoader
from yigai.periods import Grain

SCHEME_DIR = Path(__file__).parent / "schemes"


class SchemeError(ValueError):
    """A scheme file that cannot be loaded; the message names the file and key."""


class Unit(StrEnum):
    """Display unit of an item's value; values keep the indicator's own unit."""

    PERCENT = "percent"
    PERMILLE = "permille"
    YUAN = "yuan"
    COUNT = "count"
    RATIO = "ratio"
    PER_1000 = "per_1000"
    PER_10000 = "per_10000"
    DAYS = "days"
    POINTS = "points"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AtTarget(_Strict):
    """达标得满分: full marks at or beyond the target, otherwise 0."""

    kind: Literal["at_target"]


class Linear(_Strict):
    """线性计分: 0 at the baseline (or ``floor`` when given), full marks at the target.

    Linear in between and clipped to [0, weight]; for a lower-is-better item the same line
    runs the other way (zero at the higher baseline, full at the lower target).
    """

    kind: Literal["linear"]
    floor: Decimal | None = None


class Band(_Strict):
    """One band: a value that reaches ``reach`` (≥ for higher, ≤ for lower) earns ``points``."""

    reach: Decimal
    points: Decimal = Field(ge=0)


class ThresholdBands(_Strict):
    """分档计分: the points of the best band the value reaches; 0 if it reaches none."""

    kind: Literal["threshold_bands"]
    bands: list[Band] = Field(min_length=1)


class Penalty(_Strict):
    """扣分项: start at the weight, deduct ``per_occurrence`` per occurrence, floor at ``minimum``.

    ``minimum`` may be negative, so an item of weight 0 can take points off the total.
    """

    kind: Literal["penalty"]
    per_occurrence: Decimal = Field(gt=0)
    minimum: Decimal = Decimal(0)


class Entered(_Strict):
    """考核人员评分: the assessor enters the points directly (0 ≤ points ≤ weight)."""

    kind: Literal["entered"]


Rule = Annotated[
    AtTarget | Linear | ThresholdBands | Penalty | Entered, Field(discriminator="kind")
]


class Item(_Strict):
    """One scored item (考核项目). Either an ``indicator`` id or ``manual: true``.

    ``target`` / ``baseline`` here override the targets table (needed for manual items and
    for bands written as fixed values); otherwise they come from the targets given to
    :func:`yigai.assess.assess`.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    indicator: str | None = None
    manual: bool = False
    unit: Unit = Unit.PERCENT
    decimals: int = Field(default=2, ge=0, le=6)
    direction: Direction = Direction.HIGHER
    weight: Decimal = Field(ge=0)
    rule: Rule
    target: Decimal | None = None
    baseline: Decimal | None = None
    source: str
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        if self.manual == (self.indicator is not None):
            raise ValueError(
                "每个考核项须且只能二选一：indicator 或 manual: true / "
                "an item needs exactly one of indicator or manual: true"
            )
        if isinstance(self.rule, Entered) and not self.manual:
            raise ValueError(
                "entered 规则只用于手工评分项 / the entered rule is only for manual items"
            )
        if isinstance(self.rule, ThresholdBands):
            for band in self.rule.bands:
                if band.points > self.weight:
                    raise ValueError(
                        f"分档得分 {band.points} 超过权重 {self.weight} / "
                        f"band points {band.points} exceed the weight {self.weight}"
                    )
        if isinstance(self.rule, Penalty) and self.rule.minimum > self.weight:
            raise ValueError("扣分下限不能高于权重 / the penalty minimum cannot exceed the weight")
        return self


class GradeBand(_Strict):
    """A grade (等次) for totals at or above ``min``; ``passing`` marks 合格."""

    grade: str
    name_en: str
    min: Decimal = Field(ge=0)
    passing: bool


class Ranking(_Strict):
    """Who is ranked against whom (同类同级排名) and how ties are ordered for display.

    Peers share the org kind and every column in ``peers`` (from ``org_units``). Equal totals
    share a rank (1, 1, 3); among them rows are ordered by the points of ``tie_break`` items,
    highest first, then by org id, so the order is reproducible.
    """

    peers: list[Literal["parent_id", "inst_type"]] = ["parent_id"]
    tie_break: list[str] = []


class Commend(_Strict):
    """表扬: the top ``top`` ranks, only if passing when ``require_passing``."""

    top: int = Field(ge=1)
    require_passing: bool = True


class Warn(_Strict):
    """通报批评、限期整改: the last rank, only if failing when ``require_failing``."""

    require_failing: bool = True
    correction_days: int = Field(ge=1)


class RemoveHead(_Strict):
    """建议免去负责人职务: last in ``consecutive_lasts`` consecutive assessment periods, and
    failing in each unless the scheme sets ``require_failing: false`` explicitly (a unit the
    same bulletin calls 合格 is never recommended for removal by default)."""

    consecutive_lasts: int = Field(ge=2)
    require_failing: bool = True


class Consequences(_Strict):
    """考核结果运用. ``min_ranked``: the 末位 consequences (warning, head removal) apply only in
    a peer group ranking at least this many units (a ranking of two names a "last" that is
    also second)."""

    commend: Commend
    warn: Warn
    remove_head: RemoveHead
    min_ranked: int = Field(ge=2)
    source: str


class Scheme(_Strict):
    """An assessment scheme (考核方案)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    source: str
    org_kind: Literal[OrgKind.COMMUNITY, OrgKind.INSTITUTION]
    inst_types: list[InstitutionType] = []
    grain: Literal[Grain.QUARTER, Grain.YEAR]
    full_marks: Decimal = Field(gt=0)
    items: list[Item] = Field(min_length=1)
    grades: list[GradeBand] = Field(min_length=1)
    ranking: Ranking = Ranking()
    consequences: Consequences

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        ids = [i.id for i in self.items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"考核项 id 重复：{dupes} / duplicate item ids: {dupes}")
        total = sum((i.weight for i in self.items), Decimal(0))
        if total != self.full_marks:
            raise ValueError(
                f"各项权重之和 {total} 不等于满分 {self.full_marks} / "
                f"item weights sum to {total}, not full_marks {self.full_marks}"
            )
        if self.inst_types and self.org_kind != OrgKind.INSTITUTION:
            raise ValueError(
                "inst_types 只适用于机构考核 / inst_types applies only to institutions"
            )
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError(
                "等次须按最低分从高到低排列且不重复 / grades must be listed by min, "
                "highest first, without repeats"
            )
        if mins[-1] != 0:
            raise ValueError(
                "最后一个等次的最低分须为 0，使每个总分都有等次 / the last grade must start "
                "at 0 so every total has a grade"
            )
        unknown = [t for t in self.ranking.tie_break if t not in ids]
        if unknown:
            raise ValueError(
                f"排名并列规则引用了不存在的考核项：{unknown} / tie_break names unknown items: "
                f"{unknown}"
            )
        return self

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def grade_of(self, total: Decimal) -> GradeBand:
        """The first band (highest min first) whose ``min`` the total reaches."""
        for band in self.grades:
            if total >= band.min:
                return band
        return self.grades[-1]


class TargetLike(Protocol):
    """What scoring needs from a target; ``yigai.indicators.targets.Target`` satisfies it."""

    indicator: str
    scope: str
    value: Decimal
    deadline: dt.date
    baseline: Decimal | None


@dataclass(frozen=True)
class Target:
    """A target (目标值) for one indicator and org scope, in the indicator's unit.

    ``scope`` is an org id, ``kind:<org kind>`` or ``*``. Mirrors the indicator engine's
    ``Target`` so assessment does not import the engine.
    """

    indicator: str
    scope: str
    value: Decimal
    deadline: dt.date
    baseline: Decimal | None = None
    baseline_period: str | None = None
    source: str = ""


def read_yaml(path: Path, error: type[ValueError] = SchemeError) -> Any:
    """Parse a YAML file strictly; a syntax error or duplicate key names the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"无法读取文件 {path}：{exc} / cannot read {path}: {exc}") from exc
    try:
        # duplicate keys rejected; dates and floats as YAML reads them, for pydantic
        return yaml.load(text, Loader=UniqueKeyLoader)  # a SafeLoader subclass: safe
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for 2024-13-01
        raise error(
            f"文件 {path} 不是有效的 YAML：{exc} / {path} is not valid YAML: {exc}"
        ) from exc


def _location(loc: tuple[Any, ...]) -> str:
    parts = [p.isoformat() if isinstance(p, dt.date) else str(p) for p in loc]
    return ".".join(parts) or "(根 / root)"


def validation_message(path: Path, exc: ValidationError) -> str:
    """One bilingual line per problem, each naming the file and the key path."""
    lines = []
    for err in exc.errors():
        where = _location(err["loc"])
        lines.append(f"文件 {path} 键 {where}：取值无效 / file {path} key {where}: {err['msg']}")
    return "\n".join(lines)


def available_schemes() -> list[str]:
    """Ids of the schemes shipped with yigai."""
    return sorted(p.stem for p in SCHEME_DIR.glob("*.yaml"))


def load_scheme(id_or_path: str | Path) -> Scheme:
    """Load a shipped scheme by id (``community_2020``) or any scheme file by path."""
    path = Path(id_or_path)
    if path.suffix not in {".yaml", ".yml"}:
        path = SCHEME_DIR / f"{id_or_path}.yaml"
        if not path.exists():
            raise SchemeError(
                f"没有考核方案 {id_or_path!r}（可用：{available_schemes()}） / "
                f"no assessment scheme {id_or_path!r} (available: {available_schemes()})"
            )
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise SchemeError(
            f"文件 {path} 顶层须为映射 / file {path}: the top level must be a mapping"
        )
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        raise SchemeError(validation_message(path, exc)) from None
    if path.parent == SCHEME_DIR and scheme.id != path.stem:
        raise SchemeError(
            f"文件 {path} 键 id：应与文件名 {path.stem} 一致 / file {path} key id: must equal "
            f"the file name {path.stem}"
        )
    return scheme

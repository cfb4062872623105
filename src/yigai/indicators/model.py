"""Indicator model (指标定义): what a catalogue entry may say, checked strictly.

An indicator is a numerator over a denominator, each a *measure* (count, sum of a column,
count of distinct values) of one enriched record set after ``where`` filters, attributed to
an org unit by the resident's home institution (属地, ``resident``) or by the institution
that did the work (``institution``). A ``growth`` indicator (同比增长率) is derived from
another indicator's values against the same period one year earlier.

Units fix how ``numerator ÷ denominator`` is scaled and how many decimals are shown:
percent ×100, permille ×1000, yuan (fen ÷ 100), count, ratio, per_1000, per_10000, days.
The units are a contract with yigai.reports (docs/CONTRACTS.md): add one only with it.

A ``reported`` indicator (上报指标) is declared with its definition and source but no formula:
the platform does not hold its data, the engine skips it and :mod:`yigai.aggregates`
supplies its values. ``grains`` restricts an indicator to some period grains (e.g. 规范管理率
is defined over a whole year only).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Direction(StrEnum):
    """指标方向: whether a higher value is better (正向指标) or a lower one (逆向指标)."""

    HIGHER = "higher"
    LOWER = "lower"


class Unit(StrEnum):
    """Units of the indicator catalogue (docs/CONTRACTS.md)."""

    PERCENT = "percent"  # 百分比 %
    PERMILLE = "permille"  # 千分比 ‰
    YUAN = "yuan"  # 元 (numerator in fen)
    COUNT = "count"  # 个 / 人次
    RATIO = "ratio"  # 比值
    PER_1000 = "per_1000"  # 每千人口
    PER_10000 = "per_10000"  # 每万人口
    DAYS = "days"  # 天


#: unit → (scale applied to numerator ÷ denominator, default decimals)
UNIT_SCALE: dict[Unit, tuple[Fraction, int]] = {
    Unit.PERCENT: (Fraction(100), 2),
    Unit.PERMILLE: (Fraction(1000), 2),
    Unit.YUAN: (Fraction(1, 100), 2),
    Unit.COUNT: (Fraction(1), 0),
    Unit.RATIO: (Fraction(1), 2),
    Unit.PER_1000: (Fraction(1000), 2),
    Unit.PER_10000: (Fraction(10000), 2),
    Unit.DAYS: (Fraction(1), 1),
}

OPERATORS = ("in", "not_in", "ne", "gt", "ge", "lt", "le", "is_null")

#: Decimal thresholds (e.g. 7.0 mmol/L) come from the strict YAML loader, never floats.
Scalar = bool | int | Decimal | str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Condition(_Strict):
    """One ``where`` item: ``column`` compared by ``op`` (``eq`` for the ``{col: v}`` form)."""

    column: str
    op: Literal["eq", "in", "not_in", "ne", "gt", "ge", "lt", "le", "is_null"]
    value: Scalar | list[Scalar] | None = None
    #: A dated parameter (``data/params/<name>.yaml``) compared instead of a literal; the
    #: value in force on the row's ``as_of`` date is used (e.g. the reading's date).
    param: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")

    @classmethod
    def parse(cls, item: Any) -> Condition:
        if not isinstance(item, dict) or len(item) != 1:
            raise ValueError(
                "where 的每一项应为只有一个键的映射，如 {in_county: true} / "
                "each where item must be a one-key mapping such as {in_county: true}"
            )
        ((column, spec),) = item.items()
        if isinstance(spec, dict):
            if len(spec) != 1 or next(iter(spec)) not in OPERATORS:
                raise ValueError(
                    f"条件 {column} 的运算符应为 {'|'.join(OPERATORS)} 之一 / "
                    f"condition on {column}: operator must be one of {'|'.join(OPERATORS)}"
                )
            ((op, value),) = spec.items()
            if isinstance(value, dict):
                if set(value) != {"param"} or op not in ("ne", "gt", "ge", "lt", "le"):
                    raise ValueError(
                        f"{column}: 参数比较应为 {{lt: {{param: 名称}}}} 形式 / "
                        f"a parameter comparison looks like {{lt: {{param: name}}}}"
                    )
                return cls(column=column, op=op, param=value["param"])
            if op in ("in", "not_in") and not isinstance(value, list):
                raise ValueError(f"{column}: {op} 需要列表 / {op} needs a list")
            if op == "is_null" and not isinstance(value, bool):
                raise ValueError(f"{column}: is_null 需要 true/false / is_null needs true/false")
            return cls(column=column, op=op, value=value)
        return cls(column=column, op="eq", value=spec)


class Measure(_Strict):
    """``count`` (rows), ``{sum: column}`` or ``{count_distinct: column}``."""

    kind: Literal["count", "sum", "count_distinct"]
    column: str | None = None

    @classmethod
    def parse(cls, item: Any) -> Measure:
        if item == "count":
            return cls(kind="count")
        if isinstance(item, dict) and len(item) == 1:
            ((kind, column),) = item.items()
            if kind in ("sum", "count_distinct") and isinstance(column, str):
                return cls(kind=kind, column=column)
        raise ValueError(
            "measure 应为 count、{sum: 列} 或 {count_distinct: 列} / "
            "measure must be count, {sum: column} or {count_distinct: column}"
        )


def _conditions(v: Any) -> Any:
    if v is None:
        return ()
    if not isinstance(v, list | tuple):
        raise ValueError("where/then 应为列表 / where and then must be lists")
    return tuple(c if isinstance(c, Condition) else Condition.parse(c) for c in v)


class Having(_Strict):
    """Per-entity condition (逐个体条件): the entity's row count in the period compared."""

    op: Literal["ge", "gt", "le", "lt", "eq"]
    value: int = Field(ge=0)

    @classmethod
    def parse(cls, item: Any) -> Having:
        ok = isinstance(item, dict) and set(item) == {"count"} and isinstance(item["count"], dict)
        if ok and len(item["count"]) == 1:
            ((op, value),) = item["count"].items()
            return cls(op=op, value=value)
        raise ValueError(
            "having 应为 {count: {ge: 4}} 的形式 / having must look like {count: {ge: 4}}"
        )


class Side(_Strict):
    """A numerator or denominator (分子 / 分母).

    ``attribution`` overrides the indicator's for this side only (e.g. staff by institution
    over residents by home unit). ``per`` + ``having`` keep only entities (e.g. ``case_id``)
    whose rows in the period satisfy the count condition; ``latest`` keeps, per ``per``
    entity, only its last row in the period by the named date column, among the rows ``where``
    kept; ``then`` filters those latest rows (so a case whose latest reading is uncontrolled is
    not rescued by an earlier one). ``factor`` names a dated parameter (``data/params/<name>.yaml``) the side's integer count
    is multiplied by when the value is computed — the engines still return integers.
    """

    records: Literal[
        "claims",
        "encounters",
        "residents",  # contracts are read through residents.has_contract (one validity rule)
        "staff",
        "resources",  # 机构资源登记: beds, posts, 中医馆 … on the period end
        "referrals",
        "chronic_cases",
        "followups",
        "health_checkups",  # 健康体检 in the period of residents on the period end
        "drug_purchases",  # 药品网上集中采购: purchased and delivered amounts
    ]
    measure: Measure
    where: tuple[Condition, ...] = ()
    attribution: Literal["resident", "institution"] | None = None
    per: str | None = None
    having: Having | None = None
    latest: str | None = None
    then: tuple[Condition, ...] = ()
    factor: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")

    @field_validator("then", mode="before")
    @classmethod
    def _then(cls, v: Any) -> Any:
        return _conditions(v)

    @field_validator("having", mode="before")
    @classmethod
    def _having(cls, v: Any) -> Any:
        return v if v is None or isinstance(v, Having) else Having.parse(v)

    @model_validator(mode="after")
    def _per(self) -> Side:
        if (self.having is not None or self.latest is not None) and self.per is None:
            raise ValueError("having / latest 需要 per（个体列） / having and latest need `per`")
        if self.per is not None and self.having is None and self.latest is None:
            raise ValueError("per 需要 having 或 latest / per needs having or latest")
        if self.then and self.latest is None:
            raise ValueError("then 需要 latest / then needs latest")
        if self.per is not None and self.measure.kind != "count_distinct":
            raise ValueError(
                "per 时度量应为 {count_distinct: 列} / with per, the measure is count_distinct"
            )
        return self

    @field_validator("measure", mode="before")
    @classmethod
    def _measure(cls, v: Any) -> Any:
        return v if isinstance(v, Measure) else Measure.parse(v)

    @field_validator("where", mode="before")
    @classmethod
    def _where(cls, v: Any) -> Any:
        return _conditions(v)


class Indicator(_Strict):
    """One catalogue entry (指标)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    kind: Literal["ratio", "growth", "reported"] = "ratio"
    unit: Unit = Unit.PERCENT
    decimals: int | None = Field(default=None, ge=0, le=6)
    direction: Literal["higher", "lower"]
    attribution: Literal["resident", "institution"] | None = None
    numerator: Side | None = None
    denominator: Side | None = None
    of: str | None = None
    grains: tuple[Literal["year", "quarter", "month"], ...] | None = None
    definition_zh: str
    definition_en: str
    source: str
    working_definition: bool

    @model_validator(mode="after")
    def _shape(self) -> Indicator:
        if self.kind == "growth":
            if not self.of or self.numerator or self.denominator or self.attribution:
                raise ValueError(
                    "增长率指标只需 of（基础指标），不能有分子、分母或归属 / "
                    "a growth indicator takes `of` and no numerator, denominator or attribution"
                )
            if self.unit is not Unit.PERCENT:
                raise ValueError("增长率指标的单位应为 percent / a growth indicator is in percent")
        elif self.kind == "reported":
            if self.of or self.numerator or self.denominator or self.attribution:
                raise ValueError(
                    "上报指标不能有计算公式（分子、分母、归属、of） / "
                    "a reported indicator has no formula (numerator, denominator, attribution, of)"
                )
        elif self.denominator is None and self.unit is Unit.COUNT and self.numerator:
            # A count (例: 转诊人次) has no denominator: the engine reports it over 1.
            if not self.attribution or self.of:
                raise ValueError("计数指标需要 attribution / a count indicator needs attribution")
        elif not (self.numerator and self.denominator and self.attribution) or self.of:
            raise ValueError(
                "比率指标需要 attribution、numerator 和 denominator，不能有 of / "
                "a ratio indicator needs attribution, numerator and denominator, and no `of`"
            )
        return self

    @property
    def scale(self) -> Fraction:
        return UNIT_SCALE[self.unit][0]

    @property
    def places(self) -> int:
        """Decimals shown (小数位数): the unit's default unless the entry sets ``decimals``."""
        return UNIT_SCALE[self.unit][1] if self.decimals is None else self.decimals

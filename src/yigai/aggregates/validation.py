"""Validation of reported rows (上报数据校验): pure functions of rows and parameters.

Rejections (the row is not stored):
- unknown indicator (未知指标), org unit (未知机构) or period (统计周期格式错误或不在范围内);
- a number that is not a number, is negative, has decimals where an integer is due, or money
  with more than 2 decimals in yuan;
- a numerator/denominator indicator missing either side, or a direct-value indicator given
  them; a value that disagrees with numerator ÷ denominator;
- numerator > denominator for a rate (率类指标);
- the same indicator × org unit × period more than once in the file (all occurrences are
  rejected: the file does not say which one is right).

Warnings (the row is stored): a monthly value whose relative change against the previous
month, ``|v − v₀| ÷ |v₀|``, exceeds the threshold (parameter ``month_on_month_jump``). The
change is undefined when the previous value is 0 or missing; no warning is given then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from yigai import periods as P
from yigai.aggregates.errors import Rejection, Warning_
from yigai.aggregates.layout import BY_KEY, MONEY_UNITS
from yigai.aggregates.reading import RawRow
from yigai.aggregates.spec import IndicatorSpec

Key = tuple[str, str, str]  # indicator_id, org_id, period_id
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ReportedRow:
    """A row that passed validation; money is already in fen."""

    row: int
    indicator_id: str
    org_id: str
    period: P.Period
    numerator: int | None
    denominator: int | None
    value: str | None

    @property
    def key(self) -> Key:
        return (self.indicator_id, self.org_id, self.period.id)


def _label(key: str) -> str:
    c = BY_KEY[key]
    return f"{c.zh}({c.key})"


def _is_blank(raw: RawRow) -> bool:
    return all(raw.cells.get(k) is None for k in ("numerator", "denominator", "value"))


def _decimal(text: str) -> Decimal | None:
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def validate(
    file: str,
    rows: list[RawRow],
    catalogue: Mapping[str, IndicatorSpec],
    org_ids: Collection[str],
    allowed_periods: Collection[str] | None = None,
) -> tuple[list[ReportedRow], list[Rejection], int]:
    """Check ``rows``: the rows that pass, the rejections, and how many rows were left blank."""
    rejections: list[Rejection] = []
    passed: list[ReportedRow] = []
    blank = 0
    for raw in rows:
        if _is_blank(raw):
            blank += 1
            continue
        found: list[Rejection] = []

        reject = _collector(file, raw.row, found)

        cells = raw.cells
        indicator_id, org_id, period_text = (
            cells["indicator_id"],
            cells["org_id"],
            cells["period_id"],
        )
        spec = catalogue.get(indicator_id or "")
        if indicator_id is None:
            reject("indicator_id", None, "必填", "required")
        elif spec is None:
            reject("indicator_id", indicator_id, "未知指标编码", "unknown indicator id")
        if org_id is None:
            reject("org_id", None, "必填", "required")
        elif org_id not in org_ids:
            reject("org_id", org_id, "未知机构编码", "unknown org unit id")
        period: P.Period | None = None
        if period_text is None:
            reject("period_id", None, "必填", "required")
        else:
            try:
                period = P.parse(period_text)
            except P.PeriodError:
                reject(
                    "period_id",
                    period_text,
                    "统计周期格式错误（应为 202503、2025Q1 或 2025）",
                    "invalid period: expected YYYYMM, YYYYQn or YYYY",
                )
            if (
                period is not None
                and allowed_periods is not None
                and period.id not in allowed_periods
            ):
                reject(
                    "period_id",
                    period_text,
                    "统计周期不在本次填报范围内",
                    "period not open for reporting",
                )
                period = None
        unit_text = cells["money_unit"] or ""
        money_unit = MONEY_UNITS.get(unit_text.lower())
        if money_unit is None:
            reject(
                "money_unit",
                unit_text,
                "金额单位应为 元(yuan) 或 分(fen)",
                "money unit must be yuan or fen",
            )

        numerator = denominator = None
        value: str | None = None
        if spec is not None:
            if spec.direct:
                for side in ("numerator", "denominator"):
                    if cells[side] is not None:
                        reject(
                            side,
                            cells[side],
                            "该指标直接填报指标值，分子分母应留空",
                            "a direct-value indicator takes the value only",
                        )
                value = _direct_value(spec, cells["value"], reject)
            else:
                numerator = _side(spec, "numerator", cells["numerator"], money_unit, reject)
                denominator = _side(spec, "denominator", cells["denominator"], money_unit, reject)
                if numerator is not None and denominator is not None:
                    if spec.is_rate and numerator > denominator:
                        reject(
                            "numerator",
                            cells["numerator"],
                            f"率类指标分子不得大于分母（{denominator}）",
                            f"numerator exceeds the denominator ({denominator}) of a rate",
                        )
                    value = spec.value_of(numerator, denominator)
                    given = cells["value"]
                    if given is not None:
                        d = _decimal(given)
                        if value is None:
                            reject(
                                "value",
                                given,
                                "分母为0时指标值应留空",
                                "leave the value blank when the denominator is 0",
                            )
                        elif d is None or d != Decimal(value):
                            reject(
                                "value",
                                given,
                                f"与分子÷分母的计算结果 {value} 不一致",
                                f"does not match numerator ÷ denominator = {value}",
                            )
        if found:
            rejections.extend(found)
        else:
            assert indicator_id is not None and org_id is not None and period is not None
            passed.append(
                ReportedRow(raw.row, indicator_id, org_id, period, numerator, denominator, value)
            )

    by_key: dict[Key, list[ReportedRow]] = defaultdict(list)
    for r in passed:
        by_key[r.key].append(r)
    duplicated = {k for k, rs in by_key.items() if len(rs) > 1}
    for key in duplicated:
        rows_of_key = [r.row for r in by_key[key]]
        for r in by_key[key]:
            others = "、".join(str(n) for n in rows_of_key if n != r.row)
            rejections.append(
                Rejection(
                    file,
                    r.row,
                    _label("indicator_id"),
                    "/".join(key),
                    f"同一指标、机构、周期在文件中重复（另见第{others}行）",
                    f"the same indicator, org unit and period repeats in the file (also row {others})",
                )
            )
    passed = [r for r in passed if r.key not in duplicated]
    rejections.sort(key=lambda f: (f.row, f.column))
    return passed, rejections, blank


def _collector(
    file: str, row: int, found: list[Rejection]
) -> Callable[[str, str | None, str, str], None]:
    def reject(column: str, value: str | None, zh: str, en: str) -> None:
        found.append(Rejection(file, row, _label(column), value, zh, en))

    return reject


def _side(
    spec: IndicatorSpec,
    side: str,
    text: str | None,
    money_unit: str | None,
    reject: Callable[[str, str | None, str, str], None],
) -> int | None:
    """One side as an integer (money in fen); None after rejecting it."""
    name_zh = "分子" if side == "numerator" else "分母"
    if text is None:
        reject(side, None, f"{name_zh}必填", f"{side} required")
        return None
    d = _decimal(text.replace(" ", ""))
    if d is None:
        reject(side, text, "不是数字", "not a number")
        return None
    if d < 0:
        reject(side, text, "不得为负数", "must not be negative")
        return None
    money = spec.money_numerator if side == "numerator" else spec.denominator_money
    if money and money_unit == "yuan":
        if d != d.quantize(CENT):
            reject(side, text, "金额（元）最多两位小数", "money in yuan takes at most 2 decimals")
            return None
        return int(d * 100)
    if d != d.to_integral_value():
        unit = "金额（分）" if money else "计数"
        reject(
            side,
            text,
            f"{unit}应为整数",
            f"{'money in fen' if money else 'a count'} must be an integer",
        )
        return None
    return int(d)


def _direct_value(
    spec: IndicatorSpec, text: str | None, reject: Callable[[str, str | None, str, str], None]
) -> str | None:
    if text is None:
        reject(
            "value",
            None,
            "直接填报指标的指标值必填",
            "the value of a direct-value indicator is required",
        )
        return None
    d = _decimal(text)
    if d is None:
        reject("value", text, "不是数字", "not a number")
        return None
    if d < 0 and not spec.signed:
        reject("value", text, "不得为负数", "must not be negative")
        return None
    if d != d.quantize(Decimal(1).scaleb(-spec.places)):
        reject(
            "value",
            text,
            f"小数位数超过该指标的 {spec.places} 位",
            f"more decimals than the indicator's {spec.places}",
        )
        return None
    return spec.value_text(d)


def jump_warnings(
    file: str,
    rows: list[ReportedRow],
    stored: Mapping[Key, str | None],
    threshold_on: Callable[[dt.date], Decimal],
) -> list[Warning_]:
    """环比异常: monthly rows whose value moved more than the threshold from last month.

    Last month's value is taken from the file when it has that row, else from ``stored``.
    """
    in_file = {r.key: r.value for r in rows}
    warnings: list[Warning_] = []
    for r in rows:
        if r.period.grain is not P.Grain.MONTH or r.value is None:
            continue
        previous_key = (r.indicator_id, r.org_id, r.period.previous().id)
        previous = in_file[previous_key] if previous_key in in_file else stored.get(previous_key)
        if previous is None or Decimal(previous) == 0:
            continue
        change = (Decimal(r.value) - Decimal(previous)) / abs(Decimal(previous))
        limit = threshold_on(r.period.start)
        if abs(change) > limit:
            pct = (change * 100).quantize(Decimal("0.1"))
            warnings.append(
                Warning_(
                    file,
                    r.row,
                    _label("value"),
                    r.value,
                    f"较上月（{previous}）变动 {pct}%，超过 ±{limit * 100:.0f}%，请核实",
                    f"changed {pct}% from last month ({previous}), beyond ±{limit * 100:.0f}%: please check",
                )
            )
    return warnings

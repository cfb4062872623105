"""The figures a what-if compares (测算指标), baseline and reform side by side.

By level (医保支付级别, out-of-county included), by institution and for the whole year:
basic-fund spending, patients' out-of-pocket, critical-illness and assistance spending, the
total cost, the claims and the actual reimbursement ratio (实际报销比,
:attr:`yigai.policy.run.ClaimTotals.actual_ratio`); per institution its DIP payment; for the
year the DIP settlement point value, capitation and the two care-seeking rates; by
community its basic-fund spending on its residents and its budget balance (结余 + / 超支 −). Money is integer fen, ratios Decimal (4 places), differences exact.

The two care-seeking rates are read off the settled claims of resident-scheme insured
people (the encounters a what-if can move): 县域内就诊率 = claims inside the home county ÷
claims; 基层就诊率 = claims at village and township level ÷ claims — the catalogue's
``in_county_visit_rate`` and ``primary_visit_rate`` over those claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from yigai.policy.run import ClaimTotals, CommunityBudget, DipInstitution, claim_totals, ratio
from yigai.policy.scheme import LEVEL_ZH, LEVELS

#: metric code → (Chinese, English, kind): kind "fen" (money), "ratio" or "count".
METRICS: dict[str, tuple[str, str, str]] = {
    "fund_fen": ("统筹基金支出", "basic fund paid", "fen"),
    "patient_fen": ("个人负担", "patient out-of-pocket", "fen"),
    "actual_ratio": ("实际报销比", "actual reimbursement ratio", "ratio"),
    "critical_fen": ("大病保险支出", "critical-illness insurance paid", "fen"),
    "assistance_fen": ("医疗救助支出", "medical assistance paid", "fen"),
    "total_cost_fen": ("医疗总费用", "total cost", "fen"),
    "claims": ("结算人次", "claims", "count"),
    "dip_fund_due_fen": ("DIP 基金支付", "DIP fund payment", "fen"),
    "dip_point_value": ("DIP 结算点值（分/点）", "DIP settlement point value (fen/point)", "ratio"),
    "capitation_fen": ("按人头付费", "capitation", "fen"),
    "in_county_rate": ("县域内就诊率", "in-county visit rate", "ratio"),
    "primary_rate": ("基层就诊率", "primary-care visit rate", "ratio"),
    "community_spending_fen": ("居民基金支出", "fund spending on its residents", "fen"),
    "budget_balance_fen": ("预算结余（+）/超支（−）", "budget surplus (+) / overrun (−)", "fen"),
}
#: The claim metrics, shown for every level, institution and the year.
CLAIM_METRICS = (
    "fund_fen",
    "patient_fen",
    "actual_ratio",
    "critical_fen",
    "assistance_fen",
    "total_cost_fen",
    "claims",
)
#: section code → (Chinese, English)
SECTIONS = {
    "total": ("全年合计", "the year"),
    "level": ("按级别", "by level"),
    "institution": ("按机构", "by institution"),
    "community": ("按医共体", "by community"),
}

Value = int | Decimal | None


@dataclass(frozen=True)
class Side:
    """One side of the comparison: the year's claims and the payments computed from them."""

    claims: pa.Table
    dip: tuple[DipInstitution, ...]
    dip_point_value: Decimal | None
    capitation_fen: int
    budgets: tuple[CommunityBudget, ...]


@dataclass(frozen=True)
class Line:
    """One figure, baseline and reform."""

    section: str
    key: str
    name: str
    metric: str
    baseline: Value
    reform: Value

    @property
    def difference(self) -> Value:
        """Reform − baseline (None when either is undefined)."""
        if self.baseline is None or self.reform is None:
            return None
        return self.reform - self.baseline


def lines(baseline: Side, reform: Side, names: Mapping[str, str]) -> list[Line]:
    """Every figure of the comparison, section by section (:data:`SECTIONS`)."""
    out: list[Line] = []
    both = (baseline, reform)
    year = [{"*": claim_totals(s.claims)} for s in both]
    out += _claim_lines("total", [("*", "全县 / county")], year)
    out += [
        Line("total", "*", "全县 / county", metric, *(_year_value(s, metric) for s in both))
        for metric in ("dip_point_value", "capitation_fen", "in_county_rate", "primary_rate")
    ]
    by_level = [_totals_by(s.claims, "level") for s in both]
    levels = [(lv, f"{LEVEL_ZH[lv]} / {lv}") for lv in LEVELS if any(lv in t for t in by_level)]
    out += _claim_lines("level", levels, by_level)
    by_unit = [_totals_by(s.claims, "institution_id") for s in both]
    institutions = [(u, names.get(u, u)) for u in sorted(set(by_unit[0]) | set(by_unit[1]))]
    out += _claim_lines("institution", institutions, by_unit)
    dip = [{r.institution_id: r.fund_due_fen for r in s.dip} for s in both]
    out += [
        Line("institution", u, name, "dip_fund_due_fen", dip[0].get(u), dip[1].get(u))
        for u, name in institutions
        if u in dip[0] or u in dip[1]
    ]
    budgets = [{r.community_id: r for r in s.budgets} for s in both]
    for community in sorted(set(budgets[0]) | set(budgets[1])):
        rows = [b.get(community) for b in budgets]
        name = next(r.name for r in rows if r is not None)
        for metric, attr in (
            ("community_spending_fen", "spending_fen"),
            ("budget_balance_fen", "balance_fen"),
        ):
            values = [None if r is None else getattr(r, attr) for r in rows]
            out.append(Line("community", community, name, metric, *values))
    return out


def _claim_lines(
    section: str,
    keys: Iterable[tuple[str, str]],
    totals: list[dict[str, ClaimTotals]],
) -> list[Line]:
    out = []
    for key, name in keys:
        pair = [t.get(key, _NONE) for t in totals]
        for metric in CLAIM_METRICS:
            out.append(Line(section, key, name, metric, *(_claim_value(t, metric) for t in pair)))
    return out


#: The totals of no claim (a level or institution that one side does not have).
_NONE = ClaimTotals(0, 0, 0, 0, 0, 0, 0, 0, 0)
_SUMMED = (
    "cost_total_fen",
    "eligible_fen",
    "fund_fen",
    "critical_fen",
    "assistance_fen",
    "patient_fen",
    "fund_in",
)


def _totals_by(claims: pa.Table, column: str) -> dict[str, ClaimTotals]:
    """:func:`yigai.policy.run.claim_totals` of each value of ``column``, in one grouped
    pass (an institution at a time would filter the year's claims once per institution)."""
    inside = pc.fill_null(claims["in_county"], False)
    table = claims.select([column, *_SUMMED[:-1]]).append_column(
        "fund_in", pc.if_else(inside, claims["fund_fen"], 0)
    )
    grouped = table.group_by(column).aggregate(
        [(name, "sum") for name in _SUMMED] + [("fund_fen", "count")]
    )
    out = {}
    for row in grouped.to_pylist():
        fund, fund_in = row["fund_fen_sum"], row["fund_in_sum"]
        out[row[column]] = ClaimTotals(
            claims=row["fund_fen_count"],
            total_cost_fen=row["cost_total_fen_sum"],
            eligible_fen=row["eligible_fen_sum"],
            fund_fen=fund,
            critical_fen=row["critical_fen_sum"],
            assistance_fen=row["assistance_fen_sum"],
            patient_fen=row["patient_fen_sum"],
            fund_in_county_fen=fund_in,
            fund_out_of_county_fen=fund - fund_in,
        )
    return out


def _claim_value(totals: object, metric: str) -> Value:
    if metric == "actual_ratio":
        return totals.actual_ratio  # type: ignore[attr-defined]
    return getattr(totals, metric)


def _year_value(side: Side, metric: str) -> Value:
    claims = side.claims
    if metric == "dip_point_value":
        return side.dip_point_value
    if metric == "capitation_fen":
        return side.capitation_fen
    if metric == "in_county_rate":
        inside = pc.sum(pc.cast(pc.fill_null(claims["in_county"], False), pa.int64())).as_py()
        return ratio(int(inside or 0), claims.num_rows)
    primary = pc.is_in(claims["level"], value_set=pa.array(["village", "township"]))
    return ratio(int(pc.sum(pc.cast(primary, pa.int64())).as_py() or 0), claims.num_rows)

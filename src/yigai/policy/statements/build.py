"""Statements from a settlement run (结算单生成): :func:`build_statements` turns a
:class:`yigai.policy.run.SettlementRun` into :class:`Statement` values, pure and in memory.

Every money line is integer fen taken from the run's own tables (nothing is recomputed here,
so a statement always agrees with the printed settlement); figures that are not money are
exact decimal text. Kinds and their lines are listed in :mod:`yigai.policy.statements`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

import pyarrow as pa

from yigai.policy.assessment_release import Release
from yigai.policy.commands import percent
from yigai.policy.run import SettlementRun


@dataclass(frozen=True)
class Line:
    """One line of a statement: money in ``amount_fen`` or an exact figure in ``value``."""

    item: str
    label: str  # Chinese / English
    amount_fen: int | None = None
    value: str | None = None


@dataclass(frozen=True)
class Statement:
    """One statement's content (no version yet: the store gives it one)."""

    statement_id: str
    kind: str
    region: str
    year: int
    month_key: int | None
    subject_id: str
    subject_name: str
    lines: tuple[Line, ...]


def _text(x: int | Decimal | None) -> str | None:
    return None if x is None else str(x)


def _sums(table: pa.Table, keys: list[str], columns: Iterable[str]) -> dict[tuple, dict]:
    """Per ``keys`` group, the sum of each of ``columns`` (and ``rows``, the group size)."""
    if table.num_rows == 0:
        return {}
    columns = list(columns)
    grouped = table.group_by(keys).aggregate([(c, "sum") for c in columns] + [(keys[0], "count")])
    out = {}
    for r in grouped.to_pylist():
        sums = {c: r[f"{c}_sum"] for c in columns}
        sums["rows"] = r[f"{keys[0]}_count"]
        out[tuple(r[k] for k in keys)] = sums
    return out


#: A money line's item code, label and the name its amount is read under.
LineSpec = tuple[str, str, str]


def _money_lines(spec: Iterable[LineSpec], amount: Callable[[str], int]) -> list[Line]:
    """One money line per ``(item, label, name)`` of ``spec``, its amount ``amount(name)``:
    the statements list their lines as data and read the amounts from the run's rows."""
    return [Line(item, label, amount(name)) for item, label, name in spec]


_CLAIM_LINES = (
    ("claims.cost_total_fen", "医疗总费用 / total cost", "cost_total_fen"),
    ("claims.fund_fen", "统筹基金支付（按项目）/ basic fund paid item by item", "fund_fen"),
    ("claims.critical_fen", "大病保险支付 / critical-illness insurance", "critical_fen"),
    ("claims.assistance_fen", "医疗救助支付 / medical assistance", "assistance_fen"),
    ("claims.patient_fen", "个人负担 / patient paid", "patient_fen"),
)


def _month_lines(claims: dict, dip: dict, capitation: dict) -> tuple[Line, ...]:
    lines = [Line("claims.count", "理赔笔数 / claims", value=str(claims.get("rows", 0)))]
    lines += _money_lines(_CLAIM_LINES, lambda col: claims.get(col) or 0)
    lines += [
        Line("dip.cases", "DIP 病例数 / DIP cases", value=str(dip.get("cases") or 0)),
        Line("dip.points", "DIP 分值 / DIP points", value=_text(dip.get("points") or Decimal(0))),
        Line(
            "dip.withheld_fen", "DIP 预留（年终清算）/ DIP withheld", dip.get("withheld_fen") or 0
        ),
        Line(
            "dip.advance_fen", "DIP 月度预拨付 / DIP monthly advance", dip.get("advance_fen") or 0
        ),
        Line(
            "capitation.residents",
            "人头付费人数 / capitation residents",
            value=str(capitation.get("residents") or 0),
        ),
        Line("capitation.amount_fen", "人头付费 / capitation", capitation.get("amount_fen") or 0),
    ]
    return tuple(lines)


def _institution_months(run: SettlementRun, names: Mapping[str, str]) -> list[Statement]:
    claims = _sums(
        run.tables["claims"], ["institution_id", "month"], [c for _, _, c in _CLAIM_LINES]
    )
    empty = pa.table({"institution_id": pa.array([], pa.string())})
    dip = _sums(
        run.tables.get("dip_presettlement", empty),
        ["institution_id", "month"],
        ["cases", "points", "withheld_fen", "advance_fen"],
    )
    capitation = _sums(
        run.tables["capitation"], ["institution_id", "month"], ["residents", "amount_fen"]
    )
    out = []
    for institution, month in sorted(set(claims) | set(dip) | set(capitation)):
        key = (institution, month)
        out.append(
            Statement(
                statement_id=f"{run.region}:{run.year}:institution_month:{institution}:{month}",
                kind="institution_month",
                region=run.region,
                year=run.year,
                month_key=month,
                subject_id=institution,
                subject_name=names.get(institution, institution),
                lines=_month_lines(claims.get(key, {}), dip.get(key, {}), capitation.get(key, {})),
            )
        )
    return out


_DIP_YEAR_LINES = (
    ("dip.fund_due_fen", "DIP 应付 / DIP payment due", "fund_due_fen"),
    ("dip.presettled_fen", "月度预结算 / pre-settled monthly", "presettled_fen"),
    ("dip.withheld_fen", "年内预留 / withheld in the year", "withheld_fen"),
    ("dip.year_end_fen", "年终清算 / year-end payment (−: recovered)", "year_end_fen"),
    ("dip.item_fund_fen", "按项目基金支付 / fund paid item by item", "item_fund_fen"),
    ("dip.balance_fen", "结余(+)超支(−) / balance under DIP", "balance_fen"),
)


def _institution_years(run: SettlementRun) -> list[Statement]:
    out = []
    for r in run.dip:
        lines = (
            Line("dip.cases", "入组病例 / grouped cases", value=str(r.cases)),
            Line("dip.review_cases", "专家评议病例 / cases for review", value=str(r.review_cases)),
            Line("dip.points", "总分值 / points", value=str(r.points)),
            Line(
                "dip.level_coefficient",
                "等级系数 / level coefficient",
                value=_text(r.level_coefficient),
            ),
            Line(
                "dip.settlement_point_value",
                "结算点值（分/分值）/ settlement point value (fen per point)",
                value=_text(run.dip_settlement_point_value),
            ),
            *_money_lines(_DIP_YEAR_LINES, partial(getattr, r)),
        )
        out.append(
            Statement(
                f"{run.region}:{run.year}:institution_year:{r.institution_id}",
                "institution_year",
                run.region,
                run.year,
                None,
                r.institution_id,
                r.name,
                lines,
            )
        )
    return out


def _release_lines(r: Release | None) -> list[Line]:
    """The assessment withholding and its release, with the calculation written out."""
    if r is None:
        return []
    share = percent(r.share)
    withheld = Line(
        "assessment.withheld_fen",
        f"考核预留（预算 × {share}）/ withheld (budget × {share})",
        r.withheld_fen,
    )
    if r.pending:
        return [
            withheld,
            Line("assessment.score", "年度考核总分 / assessment score", value="待考核 / pending"),
        ]
    if r.minimum is None:
        band_zh, band_en = "未达最低档", "below every band"
    else:
        band_zh, band_en = f"≥ {r.minimum} 分档", f"band ≥ {r.minimum}"
    rate = percent(r.rate)
    return [
        withheld,
        Line("assessment.score", "年度考核总分 / assessment score", value=str(r.score)),
        Line(
            "assessment.release_rate",
            f"返还比例（{band_zh}）/ share released ({band_en})",
            value=str(r.rate),
        ),
        Line(
            "assessment.released_fen",
            f"考核返还（预留 × {rate}）/ released (withheld × {rate})",
            r.released_fen,
        ),
        Line(
            "assessment.forfeited_fen",
            "未返还（留基金）/ not released (kept by the fund)",
            r.forfeited_fen,
        ),
    ]


_BUDGET_LINES = (
    ("budget.budget_fen", "年度预算 / budget", "budget_fen"),
    ("budget.spending_fen", "实际支出 / spending", "spending_fen"),
    ("budget.inside_fen", "其中成员单位 / at members", "inside_fen"),
    ("budget.outside_fen", "其中其他机构 / elsewhere", "outside_fen"),
    ("budget.balance_fen", "结余(+)超支(−) / surplus or overrun", "balance_fen"),
    ("budget.retained_fen", "结余留用 / surplus kept", "retained_fen"),
    ("budget.returned_fen", "结余返还基金 / surplus returned", "returned_fen"),
    ("budget.fund_shared_fen", "基金分担超支 / overrun shared by the fund", "fund_shared_fen"),
    (
        "budget.community_borne_fen",
        "医共体承担超支 / overrun borne by the community",
        "community_borne_fen",
    ),
    ("budget.settlement_fen", "医共体结算 / community settlement", "settlement_fen"),
)


def _community_years(run: SettlementRun) -> list[Statement]:
    out = []
    for c in run.budgets:
        lines = _money_lines(_BUDGET_LINES, partial(getattr, c))
        lines += _release_lines(c.release)
        if c.staff_reward_fen is not None:
            lines.append(
                Line(
                    "budget.staff_reward_fen",
                    "结余留用中的绩效奖励 / staff reward from the kept surplus",
                    c.staff_reward_fen,
                )
            )
        lines += [
            Line(
                f"member:{m.institution_id}",
                f"分配至 {m.name}（数值：分配依据，元）/ share to {m.name} (value: split key, yuan)",
                m.settlement_fen,
                value=str(Decimal(m.key_value).scaleb(-2)),
            )
            for m in c.members
        ]
        out.append(
            Statement(
                f"{run.region}:{run.year}:community_year:{c.community_id}",
                "community_year",
                run.region,
                run.year,
                None,
                c.community_id,
                c.name,
                tuple(lines),
            )
        )
    return out


_TOTAL_LINES = (
    ("claims.cost_total_fen", "医疗总费用 / total cost", "total_cost_fen"),
    ("claims.eligible_fen", "政策范围内费用 / policy-scope cost", "eligible_fen"),
    ("claims.fund_fen", "统筹基金支付 / basic fund paid", "fund_fen"),
    ("claims.fund_in_county_fen", "其中县域内 / inside the county", "fund_in_county_fen"),
    ("claims.fund_out_of_county_fen", "其中县域外 / outside the county", "fund_out_of_county_fen"),
    ("claims.critical_fen", "大病保险支付 / critical-illness insurance", "critical_fen"),
    ("claims.assistance_fen", "医疗救助支付 / medical assistance", "assistance_fen"),
    ("claims.patient_fen", "个人负担 / patient paid", "patient_fen"),
)
_BUDGET_SUM_LINES = (
    ("budget.budget_fen", "医共体预算合计 / community budgets", "budget_fen"),
    ("budget.spending_fen", "医共体支出合计 / community spending", "spending_fen"),
    ("budget.settlement_fen", "医共体结算合计 / community settlements", "settlement_fen"),
)


def _region_year(run: SettlementRun) -> Statement:
    t = run.totals
    lines = (
        Line("claims.count", "理赔笔数 / claims", value=str(t.claims)),
        *_money_lines(_TOTAL_LINES, partial(getattr, t)),
        Line("claims.actual_ratio", "实际报销比 / actual ratio", value=_text(t.actual_ratio)),
        Line(
            "claims.policy_scope_ratio",
            "政策范围内报销比 / policy-scope ratio",
            value=_text(t.policy_scope_ratio),
        ),
        Line("dip.fund_fen", "DIP 基金 / DIP fund", run.dip_fund_fen),
        Line(
            "dip.budget_point_value",
            "预算点值 / budget point value",
            value=_text(run.dip_budget_point_value),
        ),
        Line(
            "dip.settlement_point_value",
            "结算点值 / settlement point value",
            value=_text(run.dip_settlement_point_value),
        ),
        Line(
            "dip.fund_due_fen",
            "DIP 应付合计 / DIP due, all institutions",
            sum(r.fund_due_fen for r in run.dip),
        ),
        Line("capitation.amount_fen", "人头付费合计 / capitation total", run.capitation_fen),
        *_money_lines(_BUDGET_SUM_LINES, lambda name: sum(getattr(c, name) for c in run.budgets)),
    )
    return Statement(
        f"{run.region}:{run.year}:region_year:{run.region}",
        "region_year",
        run.region,
        run.year,
        None,
        run.region,
        run.region,
        lines,
    )


def build_statements(run: SettlementRun, names: Mapping[str, str]) -> list[Statement]:
    """Every statement of ``run`` (``names``: org id → name for the month statements)."""
    return [
        *_institution_months(run, names),
        *_institution_years(run),
        *_community_years(run),
        _region_year(run),
    ]

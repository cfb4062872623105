"""DIP point values, monthly pre-settlement and year-end settlement (点值、月度预结算、年度清算).

Source for the point values: 国家医疗保障按病种分值付费（DIP）技术规范（医保办发〔2020〕50号）
via 恒健知行《按病种分值付费（DIP）技术规范的核心概念》:

- 预算点值 (budget point value, set at the start of the year) =
  weighted mean yearly inpatient total cost (1:2:7) ÷ Σ(RW × cases).
- 结算点值 (settlement point value, set at year-end) =
  (fund available for DIP ÷ reimbursement ratio) ÷ Σ points of the year.

Both are fen per point, rounded half up to ``point_value_decimals`` places.

Payment (domain notes §4): an institution's DIP amount = its settled points × point value,
of which the basic fund pays what the patient and other funds (critical-illness insurance,
medical assistance) did not: ``fund_due = gross − other_paid``.

Monthly pre-settlement (yigai working rule; the monthly basis and the withheld share are local
rules): each month, per institution, ``due = fen(points × budget point value) − other_paid``;
``withheld = fen(due × withhold_share)`` (nothing withheld from a negative month);
``advance = due − withheld`` is paid now. At year-end ``year_end = fund_due − Σ advances``:
the withheld money is thereby returned, or recovered when the year's point value is lower.

Cases that match no group (``case_type`` ``ungrouped``, 不能入组) are left out of every DIP
amount — neither points nor what others paid — because they are settled after expert review
(特病单议) outside this computation; they count in ``review_cases``.

Rounding: ``fen`` is half up to the fen; gross amounts are rounded once per institution
(or institution-month), never per case.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pyarrow as pa

from yigai.policy.dip._common import fen, input_error, quantize, require_columns
from yigai.policy.dip.catalogue import DipCatalogue
from yigai.policy.dip.parameters import DipParams
from yigai.policy.dip.scoring import POINTS

POINT_VALUE = pa.decimal128(30, 10)

PRESETTLEMENT_SCHEMA = pa.schema(
    [
        ("institution_id", pa.string()),
        ("month", pa.int32()),
        ("cases", pa.int64()),
        ("points", POINTS),
        ("point_value", POINT_VALUE),
        ("gross_fen", pa.int64()),
        ("other_paid_fen", pa.int64()),
        ("due_fen", pa.int64()),
        ("withheld_fen", pa.int64()),
        ("advance_fen", pa.int64()),
    ]
)

SETTLEMENT_SCHEMA = pa.schema(
    [
        ("institution_id", pa.string()),
        ("level", pa.string()),
        ("cases", pa.int64()),
        ("review_cases", pa.int64()),
        ("points", POINTS),
        ("point_value", POINT_VALUE),
        ("gross_fen", pa.int64()),
        ("other_paid_fen", pa.int64()),
        ("fund_due_fen", pa.int64()),
        ("advanced_fen", pa.int64()),
        ("withheld_fen", pa.int64()),
        ("year_end_fen", pa.int64()),
    ]
)


def budget_point_value(catalogue: DipCatalogue, params: DipParams) -> Decimal:
    """预算点值 in fen per point: ``T ÷ Σ(RW × n̄)`` of the catalogue's base years."""
    total = catalogue.weighted_points_total
    if total <= 0:
        raise ValueError(
            "目录总分值为 0，无法计算预算点值 / catalogue has no points: no budget point value"
        )
    return quantize(catalogue.weighted_total_cost_fen / total, params.point_value_decimals)


def settlement_point_value(
    fund_available_fen: int, total_points: Decimal, params: DipParams
) -> Decimal:
    """结算点值 in fen per point: ``(fund ÷ reimbursement ratio) ÷ Σ points``."""
    if (
        isinstance(fund_available_fen, bool)
        or not isinstance(fund_available_fen, int)
        or fund_available_fen < 0
    ):
        raise ValueError(
            "可用于 DIP 的基金须为非负整数分 / fund available must be whole non-negative fen"
        )
    if total_points <= 0:
        raise ValueError(
            "当年总分值为 0，无法计算结算点值 / no points this year: no settlement point value"
        )
    return quantize(
        Decimal(fund_available_fen) / params.reimbursement_ratio / total_points,
        params.point_value_decimals,
    )


def _rows(scored: pa.Table, *, need_other: bool) -> list[dict[str, object]]:
    require_columns(
        scored,
        "scored",
        ("institution_id", "month", "points", "other_paid_fen", "review", "level", "case_type"),
    )
    rows = scored.to_pylist()
    for index, row in enumerate(rows):
        if not row["institution_id"]:
            raise input_error(
                "scored", "institution_id", "缺少机构", "institution missing", index + 1
            )
        if need_other and row["other_paid_fen"] is None:
            raise input_error(
                "scored",
                "other_paid_fen",
                "缺少理赔结果（评分时请提供 claims）",
                "no claim result: score with claims",
                index + 1,
            )
    return rows


def monthly_presettlement(scored: pa.Table, point_value: Decimal, params: DipParams) -> pa.Table:
    """Monthly pre-settlement per institution × month at ``point_value`` (the budget point value)."""
    groups: dict[tuple[str, int], list[dict[str, object]]] = defaultdict(list)
    for row in _rows(scored, need_other=True):
        if row["case_type"] == "ungrouped":
            continue
        groups[(str(row["institution_id"]), int(row["month"]))].append(row)  # type: ignore[call-overload]
    out: dict[str, list[object]] = {name: [] for name in PRESETTLEMENT_SCHEMA.names}
    for (institution, month), rows in sorted(groups.items()):
        points = sum((r["points"] for r in rows), Decimal(0))  # type: ignore[misc]
        gross = fen(points * point_value)
        other = sum(int(r["other_paid_fen"]) for r in rows)  # type: ignore[call-overload]
        due = gross - other
        withheld = fen(Decimal(due) * params.withhold_share) if due > 0 else 0
        for name, value in (
            ("institution_id", institution),
            ("month", month),
            ("cases", len(rows)),
            ("points", points),
            ("point_value", point_value),
            ("gross_fen", gross),
            ("other_paid_fen", other),
            ("due_fen", due),
            ("withheld_fen", withheld),
            ("advance_fen", due - withheld),
        ):
            out[name].append(value)
    return pa.table(out, schema=PRESETTLEMENT_SCHEMA)


def settle_year(
    scored: pa.Table,
    fund_available_fen: int,
    params: DipParams,
    *,
    presettlement: pa.Table | None = None,
) -> pa.Table:
    """Year-end DIP settlement per institution (schema :data:`SETTLEMENT_SCHEMA`).

    ``scored`` is the year's :func:`~yigai.policy.dip.scoring.score_cases` output (with
    claims); ``presettlement`` the months already advanced (:func:`monthly_presettlement`).
    """
    rows = _rows(scored, need_other=True)
    total = sum((r["points"] for r in rows), Decimal(0))  # type: ignore[misc]
    value = settlement_point_value(fund_available_fen, total, params)
    advanced: dict[str, int] = defaultdict(int)
    withheld: dict[str, int] = defaultdict(int)
    if presettlement is not None:
        require_columns(
            presettlement, "presettlement", ("institution_id", "advance_fen", "withheld_fen")
        )
        for row in presettlement.to_pylist():
            advanced[row["institution_id"]] += row["advance_fen"]
            withheld[row["institution_id"]] += row["withheld_fen"]
    by_institution: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        by_institution[str(row["institution_id"])].append(row)
    out: dict[str, list[object]] = {name: [] for name in SETTLEMENT_SCHEMA.names}
    for institution in sorted(set(by_institution) | set(advanced)):
        everything = by_institution.get(institution, [])
        mine = [r for r in everything if r["case_type"] != "ungrouped"]
        points = sum((r["points"] for r in mine), Decimal(0))  # type: ignore[misc]
        gross = fen(points * value)
        other = sum(int(r["other_paid_fen"]) for r in mine)  # type: ignore[call-overload]
        due = gross - other
        latest = max(everything, key=lambda r: r["month"])["level"] if everything else None  # type: ignore[arg-type,return-value]
        for name, v in (
            ("institution_id", institution),
            ("level", latest),
            ("cases", len(mine)),
            ("review_cases", sum(1 for r in everything if r["review"])),
            ("points", points),
            ("point_value", value),
            ("gross_fen", gross),
            ("other_paid_fen", other),
            ("fund_due_fen", due),
            ("advanced_fen", advanced[institution]),
            ("withheld_fen", withheld[institution]),
            ("year_end_fen", due - advanced[institution]),
        ):
            out[name].append(v)
    return pa.table(out, schema=SETTLEMENT_SCHEMA)

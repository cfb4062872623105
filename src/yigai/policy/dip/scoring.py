"""Scoring inpatient cases against the DIP catalogue (病例入组与结算分值).

Source: 国家医疗保障按病种分值付费（DIP）技术规范（医保办发〔2020〕50号）, via the secondary
sources named in :mod:`yigai.policy.dip.catalogue`.

For each inpatient case:

- **Group**: its core combination, else its comprehensive group (ICD-10 category ×
  treatment type); a case matching neither is ``ungrouped`` — 0 points, sent to review.
- **Cost ratio** ``r = case cost ÷ reference mean``, the reference mean being the group's mean
  at the case's institution level in the latest base year (else the group mean ``m_i``).
- **Outlier coefficient** (偏差病例校正系数): ``r < low_cost_ratio`` (费用超低) → ``r``;
  ``r > high_cost_ratio`` (费用超高) → ``(r − high_cost_ratio) + high_cost_addend``;
  otherwise 1. The coefficient is rounded half up to ``points_decimals`` places.
  ``r > review_ratio`` (极端异常, 5×) sets ``review`` for expert review; the case keeps its
  computed points until the review decides otherwise.
- **结算分值 points** = RW × outlier coefficient × level coefficient (等级系数) ×
  auxiliary coefficient (辅助目录系数, column ``aux_coefficient`` when present, else 1),
  rounded half up to ``points_decimals`` places.

When ``claims`` (adjudicated claims with ``encounter_id`` and ``fund_fen``) are given, each
case carries ``fund_fen`` (paid by the basic fund) and ``other_paid_fen`` = total cost −
``fund_fen`` (patient, critical-illness insurance, medical assistance), which the year-end
settlement subtracts.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pyarrow as pa

from yigai.policy.dip._common import fund_error, input_error, quantize, require_columns
from yigai.policy.dip.catalogue import DipCatalogue, read_cases
from yigai.policy.dip.parameters import DipParams

#: Arrow type of every points and coefficient column (30 digits, 10 after the point).
POINTS = pa.decimal128(30, 10)

SCORED_SCHEMA = pa.schema(
    [
        ("encounter_id", pa.string()),
        ("institution_id", pa.string()),
        ("level", pa.string()),
        ("month", pa.int32()),
        ("group_id", pa.string()),
        ("group_kind", pa.string()),
        ("cost_total_fen", pa.int64()),
        ("reference_mean_fen", pa.decimal128(24, 2)),
        ("cost_ratio", pa.decimal128(24, 4)),  # display only: rounded half up to 4 places
        ("case_type", pa.string()),  # normal | low | high | ungrouped
        ("review", pa.bool_()),
        ("base_points", POINTS),
        ("outlier_coefficient", POINTS),
        ("level_coefficient", POINTS),
        ("aux_coefficient", POINTS),
        ("points", POINTS),
        ("fund_fen", pa.int64()),
        ("other_paid_fen", pa.int64()),
    ]
)


def _fund_by_encounter(claims: pa.Table) -> dict[str, int]:
    require_columns(claims, "claims", ("encounter_id", "fund_fen"))
    out: dict[str, int] = {}
    for index, record in enumerate(claims.select(["encounter_id", "fund_fen"]).to_pylist()):
        fund = record["fund_fen"]
        if not isinstance(fund, int) or fund < 0:
            raise fund_error(index + 1)
        key = record["encounter_id"]
        if key in out:
            raise input_error(
                "claims",
                "encounter_id",
                f"重复的就诊流水号 {key!r}",
                f"duplicate encounter id {key!r}",
                index + 1,
            )
        out[key] = fund
    return out


def _aux(value: object, row: int) -> Decimal:
    if value is None:
        return Decimal(1)
    try:
        aux = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise input_error(
            "cases", "aux_coefficient", f"不是数值 {value!r}", f"not a number {value!r}", row
        ) from None
    if isinstance(value, float) or not aux.is_finite() or aux <= 0:
        raise input_error(
            "cases",
            "aux_coefficient",
            "辅助目录系数须为正的精确数值（非浮点）",
            "must be a positive exact number (not float)",
            row,
        )
    return aux


def score_cases(
    cases: pa.Table,
    catalogue: DipCatalogue,
    params: DipParams,
    *,
    claims: pa.Table | None = None,
    org_units: pa.Table | None = None,
) -> pa.Table:
    """Settlement points of each inpatient case (schema :data:`SCORED_SCHEMA`)."""
    fund = _fund_by_encounter(claims) if claims is not None else None
    d = params.points_decimals
    out: dict[str, list[object]] = {name: [] for name in SCORED_SCHEMA.names}
    for case in read_cases(cases, "cases", org_units):
        group = catalogue.match(case.record["diagnosis_code"], case.procedure)
        level_coef = params.level_coefficient(case.level)
        aux = _aux(case.record.get("aux_coefficient"), case.row)
        if group is None:
            ref = ratio = None
            case_type, review, base, coef, points = (
                "ungrouped",
                True,
                Decimal(0),
                Decimal(0),
                Decimal(0),
            )
        else:
            ref = group.reference_mean(case.level)
            ratio = Decimal(case.cost_fen) / ref if ref > 0 else None
            coef, case_type = Decimal(1), "normal"
            if ratio is not None and ratio < params.low_cost_ratio:
                coef, case_type = quantize(ratio, d), "low"
            elif ratio is not None and ratio > params.high_cost_ratio:
                coef = quantize(ratio - params.high_cost_ratio + params.high_cost_addend, d)
                case_type = "high"
            review = ratio is not None and ratio > params.review_ratio
            base = group.points
            points = quantize(base * coef * level_coef * aux, d)
        fund_fen = other = None
        if fund is not None:
            fund_fen = fund.get(case.encounter_id or "")
            if fund_fen is None:
                raise input_error(
                    "cases",
                    "encounter_id",
                    f"{case.encounter_id!r} 没有理赔结果",
                    "no adjudicated claim",
                    case.row,
                )
            if fund_fen > case.cost_fen:
                raise input_error(
                    "claims",
                    "fund_fen",
                    f"{case.encounter_id!r} 基金支付超过总费用",
                    "fund pays more than the total cost",
                    None,
                )
            other = case.cost_fen - fund_fen
        values = {
            "encounter_id": case.encounter_id,
            "institution_id": case.institution_id,
            "level": case.level,
            "month": case.month,
            "group_id": group.group_id if group else None,
            "group_kind": group.kind.value if group else None,
            "cost_total_fen": case.cost_fen,
            "reference_mean_fen": ref,
            "cost_ratio": quantize(ratio, 4) if ratio is not None else None,
            "case_type": case_type,
            "review": review,
            "base_points": quantize(base, 10),
            "outlier_coefficient": quantize(coef, 10),
            "level_coefficient": quantize(level_coef, 10),
            "aux_coefficient": quantize(aux, 10),
            "points": quantize(points, 10),
            "fund_fen": fund_fen,
            "other_paid_fen": other,
        }
        for name, value in values.items():
            out[name].append(value)
    return pa.table(out, schema=SCORED_SCHEMA)

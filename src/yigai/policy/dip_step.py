"""The DIP step of a settlement run (按病种分值付费): one year's in-scope cases, per institution.

- **DIP scope**: inpatient claims inside the resident's home county (``in_county``): the
  county's designated hospitals, which the county's insurance bureau settles by DIP; stays
  outside the county are paid under the out-of-county rules and are not scored here.
- **DIP base years** (基准年): the years before ``year`` that hold encounters in the warehouse,
  the latest ones, at most as many as there are base-year weights (1:2:7 → three). A county in
  its first year has no earlier data, so the year's own cases are its base (the catalogue and
  the budget point value then describe the same cases that are settled) — what a first-year
  county does when it builds its catalogue from current cases.
- Ungrouped cases (不能入组) go to expert review and are outside every DIP amount.
- **DIP balance** per institution (结余/超支): its DIP fund payment minus what the fund paid
  on its grouped cases item by item; positive means DIP pays it more than item-by-item
  adjudication did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from yigai.periods import Period
from yigai.policy.dip import (
    DipParams,
    budget_point_value,
    build_catalogue,
    monthly_presettlement,
    score_cases,
    settle_year,
)
from yigai.policy.dip._common import quantize
from yigai.policy.settle import settle_claims
from yigai.warehouse import Warehouse


@dataclass(frozen=True)
class DipInstitution:
    """One institution's DIP year (all money integer fen)."""

    institution_id: str
    name: str
    level: str | None
    cases: int  # grouped cases paid by points
    review_cases: int  # cases sent to expert review (ungrouped or extreme cost)
    points: Decimal
    item_fund_fen: int  # what the fund paid on its grouped cases item by item
    fund_due_fen: int  # its DIP payment from the fund for the year
    presettled_fen: int  # advanced by monthly pre-settlement
    withheld_fen: int  # withheld during the year, settled at year-end
    year_end_fen: int  # paid (+) or recovered (−) at year-end
    #: 等级系数 its points were multiplied by (``payment.dip_level_coefficients``; 1 = none)
    level_coefficient: Decimal | None = None

    @property
    def balance_fen(self) -> int:
        """DIP payment − item-by-item fund payment: 结余 (+) or 超支 (−) under DIP."""
        return self.fund_due_fen - self.item_fund_fen


@dataclass(frozen=True)
class DipResult:
    """The DIP year: its base years, fund, point values, institutions and detail tables."""

    base_years: tuple[int, ...]
    fund_fen: int
    budget_point_value: Decimal | None
    settlement_point_value: Decimal | None
    rows: tuple[DipInstitution, ...]
    tables: dict[str, pa.Table]


def _encounter_years(wh: Warehouse) -> set[int]:
    return {m // 100 for b in wh.batches("encounters") for m in b.months if m}


#: Tables the DIP step reads from the warehouse, kept across the two sides of a what-if
#: (they do not depend on the parameters): ``("codes", year)`` the encounters' diagnosis and
#: procedure codes, ``("base", year)`` a base year's cases from its stored claims.
DipMemo = dict[tuple[str, int], pa.Table]


def _codes(wh: Warehouse, year: int, memo: DipMemo) -> pa.Table:
    """The diagnosis and procedure codes of ``year``'s inpatient encounters (the only ones
    DIP scores: the lookup's hash is then a tenth of the year's encounters)."""
    if ("codes", year) not in memo:
        codes = wh.read(
            "encounters",
            months=Period.year(year).month_keys(),
            columns=["encounter_id", "care_type", "diagnosis_code", "procedure_code"],
        )
        codes = codes.filter(pc.equal(codes["care_type"], "inpatient"))
        memo["codes", year] = codes.drop_columns(["care_type"])
    return memo["codes", year]


#: The claim columns DIP's cases are made of.
_CASE_COLUMNS = ["encounter_id", "institution_id", "level", "event_date", "month", "cost_total_fen"]
#: … and those that choose them: a base year's claims are read with these only.
_SCOPE_COLUMNS = [*_CASE_COLUMNS, "care_type", "in_county"]


def _dip_cases(wh: Warehouse, claims: pa.Table, year: int, memo: DipMemo) -> pa.Table:
    """In-scope inpatient cases of ``claims`` with their diagnosis and procedure codes."""
    scope = claims.filter(
        pc.and_(
            pc.equal(claims["care_type"], "inpatient"),
            pc.fill_null(claims["in_county"], False),
        )
    )
    cases = scope.select(_CASE_COLUMNS)
    # each case's codes (null: no encounter row), looked up rather than joined: a hash of the
    # year's encounter ids is a fraction of the cost of a join over them
    codes = _codes(wh, year, memo)
    at = pc.index_in(cases["encounter_id"], value_set=codes["encounter_id"])
    for name in ("diagnosis_code", "procedure_code"):
        cases = cases.append_column(name, codes[name].take(at))
    return cases.sort_by("encounter_id")


def _base_cases(
    wh: Warehouse, year: int, region: str, root: Path | None, memo: DipMemo
) -> pa.Table:
    """The cases of base year ``year``: from its stored claims when that year was settled
    (kept in ``memo``), else from claims adjudicated under ``root``'s parameters."""
    if ("base", year) in memo:
        return memo["base", year]
    stored = wh.read("claims", months=Period.year(year).month_keys(), columns=_SCOPE_COLUMNS)
    if not stored.num_rows:
        return _dip_cases(wh, settle_claims(wh, year, region, root=root), year, memo)
    memo["base", year] = _dip_cases(wh, stored, year, memo)
    return memo["base", year]


def dip_payments(
    wh: Warehouse,
    year: int,
    region: str,
    claims: pa.Table,
    names: Mapping[str, str],
    root: Path | None,
    fund: int,
    memo: DipMemo | None = None,
) -> DipResult:
    """The DIP year of ``claims`` with ``fund`` fen available (module docstring); ``memo``
    keeps what it reads for another call on the same warehouse (:data:`DipMemo`)."""
    memo = {} if memo is None else memo
    params = DipParams.load(region, dt.date(year, 1, 1), root=root)
    cases = _dip_cases(wh, claims, year, memo)
    if cases.num_rows == 0:
        return DipResult((), 0, None, None, (), {})
    earlier = sorted(y for y in _encounter_years(wh) if y < year)
    base_years = tuple(earlier[-len(params.base_year_weights) :])
    base_cases = [_base_cases(wh, y, region, root, memo) for y in base_years]
    if not base_years or sum(t.num_rows for t in base_cases) == 0:
        base_years, base_cases = (year,), [cases]
    catalogue = build_catalogue(pa.concat_tables(base_cases), params, base_years=base_years)
    budget_pv = budget_point_value(catalogue, params)
    # Only the cases' own claims: scoring reads them row by row.
    own = claims.filter(pc.is_in(claims["encounter_id"], value_set=cases["encounter_id"]))
    scored = score_cases(cases, catalogue, params, claims=own)
    grouped = scored.filter(pc.not_equal(scored["case_type"], "ungrouped"))
    item_fund: dict[str, int] = {}
    for row in grouped.select(["institution_id", "fund_fen"]).to_pylist():
        item_fund[row["institution_id"]] = item_fund.get(row["institution_id"], 0) + row["fund_fen"]
    months = monthly_presettlement(scored, budget_pv, params)
    settled = settle_year(scored, fund, params, presettlement=months)
    rows = tuple(
        DipInstitution(
            institution_id=r["institution_id"],
            name=names.get(r["institution_id"], r["institution_id"]),
            level=r["level"],
            cases=r["cases"],
            review_cases=r["review_cases"],
            points=r["points"],
            item_fund_fen=item_fund.get(r["institution_id"], 0),
            fund_due_fen=r["fund_due_fen"],
            presettled_fen=r["advanced_fen"],
            withheld_fen=r["withheld_fen"],
            year_end_fen=r["year_end_fen"],
            level_coefficient=None if r["level"] is None else params.level_coefficient(r["level"]),
        )
        for r in settled.to_pylist()
    )
    # Arrow stores the value at scale 10; shown at the rule's own precision (same number).
    point_value = (
        quantize(settled["point_value"][0].as_py(), params.point_value_decimals)
        if settled.num_rows
        else None
    )
    return DipResult(
        base_years=base_years,
        fund_fen=fund,
        budget_point_value=budget_pv,
        settlement_point_value=point_value,
        rows=rows,
        tables={
            "dip_catalogue": catalogue.to_table(),
            "dip_scored": scored,
            "dip_presettlement": months,
            "dip_settlement": settled,
        },
    )

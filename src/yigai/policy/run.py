"""年度医保结算运行 (``yigai settle``): one insurance year of a region, warehouse in, figures out.

:func:`settle` runs, in order, over a :class:`yigai.warehouse.Warehouse`:

1. **Claims** (理赔): :func:`yigai.policy.settle.settle_claims` adjudicates every
   encounter of the year under its person's scheme on the date (城乡居民医保 or 职工医保);
   the claims not yet stored are committed to the
   ``claims`` record set as one batch (see *Writing* below).
2. **DIP** (按病种分值付费) for the year's inpatient claims in scope, monthly pre-settlement
   at the budget point value and year-end settlement per institution
   (:mod:`yigai.policy.dip`).
3. **Capitation** (门诊统筹按人头付费, :mod:`yigai.policy.capitation`).
4. **Community global budgets** (医共体总额付费, 结余留用、合理超支分担, split to member
   institutions; :mod:`yigai.policy.budget`), with the share withheld pending the annual
   assessment and released by the score (:mod:`yigai.policy.assessment_release`).

Every figure of the run is computed from the year's claims **as stored** in the warehouse
(the record of what the fund paid). When stored claims differ from what the parameters in force
now give (parameters edited after an earlier run), the stored ones are kept — nothing stored is
replaced — and :attr:`SettlementRun.claims_differing` counts them so the user can see it.

Working definitions (yigai rules where the sources are silent; each stated so it can be
corrected):

- **Writing** (幂等写入): the batch id is ``settle-<region>-<year>-<fingerprint>``, the
  fingerprint being SHA-256 of the parameter files of the region's schemes (paths and bytes)
  and the ids of
  the input batches (encounters of the year's months, residents, org units, community members,
  referrals). A committed batch id is never written again; of a new batch only claims whose
  ``encounter_id`` is not stored yet are written, so re-running the same year duplicates and
  replaces nothing. Rows are checked against the ``claims`` row rules before anything is
  written.
- **DIP scope**: inpatient claims inside the resident's home county (``in_county``): the
  county's designated hospitals, which the county's insurance bureau settles by DIP; stays
  outside the county are paid under the out-of-county rules and are not scored here.
- **DIP base years** (基准年): the years before ``year`` that hold encounters in the warehouse,
  the latest ones, at most as many as there are base-year weights (1:2:7 → three). A county in
  its first year has no earlier data, so the year's own cases are its base (the catalogue and
  the budget point value then describe the same cases that are settled) — what a first-year
  county does when it builds its catalogue from current cases.
- **Settlement inputs** (结算输入, issue 15 §1): the fund available for DIP (``payment.dip_fund``,
  the pooling region's DIP fund for the year) and each community's global budget
  (``payment.community_budgets``, community id → yuan) are dated parameters in force on
  1 January of the year, set by the insurance bureau; nothing is derived from spending. A
  missing one stops the run before anything is written, naming the parameter (and the
  community; :mod:`yigai.policy.inputs`). The ``dip_fund_fen`` and ``budgets`` arguments
  replace them (what-if runs).
  Parameters whose file marks them 示范参数 (demo values) are listed in
  :attr:`SettlementRun.demo_parameters` so every print of the figures can say so.
  Ungrouped cases (不能入组) go to expert review and are outside every DIP amount.
- **DIP balance** per institution (结余/超支): its DIP fund payment minus what the fund paid
  on its grouped cases item by item; positive means DIP pays it more than item-by-item
  adjudication did.
- **Community budgets** are settled for every community with members on 1 January.
- The three payment methods are computed side by side from the same claims; how a county
  nets them into one cash flow is a local rule not modelled here.

Ratios (实际报销比 and 政策范围内报销比): ``(fund + critical-illness + assistance) ÷ total
cost`` and ``… ÷ eligible cost``, rounded half up to :data:`RATIO_PLACES` decimal places
(0.6523 = 65.23%); None when the denominator is 0. Money is integer fen throughout.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import MappingProxyType

import pyarrow as pa
import pyarrow.compute as pc

from yigai.periods import Period
from yigai.policy.adjudication import SPLIT_COLUMNS
from yigai.policy.assessment_release import (
    Release,
    ReleaseInputError,
    ReleaseRule,
    release,
    staff_reward,
)
from yigai.policy.budget import BudgetParams
from yigai.policy.budget import settle_community_budgets as _settle_budgets
from yigai.policy.capitation import CapitationParams, capitation_payments
from yigai.policy.claims import CLAIMS
from yigai.policy.dip import (
    DipParams,
    budget_point_value,
    build_catalogue,
    monthly_presettlement,
    score_cases,
    settle_year,
)
from yigai.policy.dip._common import quantize
from yigai.policy.inputs import (
    DIP_FUND,
    INPUT_PARAMETERS,
    SettlementError,
    community_budgets_of,
    settlement_input,
)
from yigai.policy.params import DEFAULT_ROOT, demo_parameters, scheme_regions
from yigai.policy.settle import settle_claims, settle_claims_explained
from yigai.records.versions import read_in_force
from yigai.warehouse import Warehouse

#: Decimal places of the reimbursement ratios (a share: 4 places = hundredths of a percent).
RATIO_PLACES = 4

#: ``(description, done, total)``, as :data:`yigai.console.ProgressFn`.
Progress = Callable[[str, int, int | None], None]

_INPUTS = ("residents", "org_units", "community_members", "referrals")
#: Columns whose stored value must equal the recomputed one for a claim to count as unchanged.
_COMPARED = (
    "person_id",
    "institution_id",
    "care_type",
    "level",
    "in_county",
    "cost_total_fen",
    *SPLIT_COLUMNS,
    "scheme_region",
    "scheme_version",
)
_STEPS = (
    "理赔结算 / adjudicating claims",
    "按病种分值付费 / DIP",
    "按人头付费 / capitation",
    "医共体总额预算 / community budgets",
)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class ClaimTotals:
    """Sums over a set of claims (integer fen) and the two reimbursement ratios."""

    claims: int
    total_cost_fen: int
    eligible_fen: int
    fund_fen: int
    critical_fen: int
    assistance_fen: int
    patient_fen: int
    fund_in_county_fen: int
    fund_out_of_county_fen: int

    @property
    def insurance_paid_fen(self) -> int:
        """What the fund, critical-illness insurance and medical assistance paid together."""
        return self.fund_fen + self.critical_fen + self.assistance_fen

    @property
    def actual_ratio(self) -> Decimal | None:
        """实际报销比: insurance paid ÷ total cost."""
        return ratio(self.insurance_paid_fen, self.total_cost_fen)

    @property
    def policy_scope_ratio(self) -> Decimal | None:
        """政策范围内报销比: basic fund paid ÷ eligible (policy-scope) cost, without
        critical-illness insurance and assistance — the catalogue's
        ``policy_scope_reimbursement_rate``, so the settlement and the bulletin agree."""
        return ratio(self.fund_fen, self.eligible_fen)


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
class MemberShare:
    """A member institution's part of its community's budget settlement."""

    institution_id: str
    name: str
    key_value: int  # fund spending (fen) on the community's residents at this member
    settlement_fen: int


@dataclass(frozen=True)
class CommunityBudget:
    """One community's global-budget year (all money integer fen)."""

    community_id: str
    name: str
    budget_fen: int
    spending_fen: int  # basic fund paid on the community's residents, anywhere
    inside_fen: int  # … at member institutions
    outside_fen: int  # … elsewhere
    retained_fen: int  # surplus kept by the community (结余留用)
    returned_fen: int  # surplus returned to the fund
    fund_shared_fen: int  # overrun paid by the fund (合理超支分担)
    community_borne_fen: int  # overrun borne by the community
    members: tuple[MemberShare, ...]
    #: the share withheld pending the assessment and what the score released (None: the
    #: plan withholds nothing; :mod:`yigai.policy.assessment_release`)
    release: Release | None = None
    #: the kept surplus's staff-reward part (None: the plan sets no share)
    staff_reward_fen: int | None = None

    @property
    def balance_fen(self) -> int:
        """Budget − spending: surplus (+) or overrun (−)."""
        return self.budget_fen - self.spending_fen

    @property
    def settlement_fen(self) -> int:
        """What the community gains (+) or loses (−): retained − borne; split to members."""
        return self.retained_fen - self.community_borne_fen


@dataclass(frozen=True)
class SettlementRun:
    """The result of :func:`settle` for one region and year."""

    year: int
    region: str
    batch_id: str
    claims_written: int  # claims committed by this run (0 on a re-run)
    claims_differing: int  # stored claims that the current parameters would settle otherwise
    totals: ClaimTotals
    dip_base_years: tuple[int, ...]
    dip_fund_fen: int
    dip_budget_point_value: Decimal | None  # fen per point
    dip_settlement_point_value: Decimal | None  # fen per point
    dip: tuple[DipInstitution, ...]
    capitation_fen: int
    budgets: tuple[CommunityBudget, ...]
    #: the detail tables behind the rows above (pyarrow), for reports and checks
    tables: Mapping[str, pa.Table] = field(default_factory=dict, compare=False, repr=False)
    #: the year's encounters that gave no claim: (encounter id, reason code of
    #: :data:`yigai.policy.settle.DROPPED_REASONS`), so the user can see why
    dropped: tuple[tuple[str, str], ...] = ()
    #: settlement inputs of the run that are demonstration values (示范参数), by parameter name
    demo_parameters: tuple[str, ...] = ()
    #: the input batches the run read (:func:`input_batches`)
    input_batches: tuple[str, ...] = ()


# ---------------------------------------------------------------- pure pieces


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """``numerator ÷ denominator`` rounded half up to :data:`RATIO_PLACES`; None for 0."""
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal(1).scaleb(-RATIO_PLACES), rounding=ROUND_HALF_UP
    )


def claim_totals(claims: pa.Table) -> ClaimTotals:
    """Sum a ``claims`` table (columns of :data:`yigai.policy.claims.CLAIMS`)."""

    def total(name: str, rows: pa.Table | None = None) -> int:
        value = pc.sum((claims if rows is None else rows)[name]).as_py()
        return int(value or 0)

    inside = claims.filter(pc.fill_null(claims["in_county"], False))
    fund = total("fund_fen")
    fund_inside = total("fund_fen", inside)
    return ClaimTotals(
        claims=claims.num_rows,
        total_cost_fen=total("cost_total_fen"),
        eligible_fen=total("eligible_fen"),
        fund_fen=fund,
        critical_fen=total("critical_fen"),
        assistance_fen=total("assistance_fen"),
        patient_fen=total("patient_fen"),
        fund_in_county_fen=fund_inside,
        fund_out_of_county_fen=fund - fund_inside,
    )


def batch_fingerprint(wh: Warehouse, year: int, region: str, root: Path | None = None) -> str:
    """SHA-256 of the region's parameter files and the input batches of ``year`` (hex)."""
    digest = hashlib.sha256(f"yigai-settle-v1\0{region}\0{year}\0".encode())
    # every scheme's folder: the resident region's and, when present, its employee one
    for scheme_region in scheme_regions(region, root=root).values():
        folder = (root or DEFAULT_ROOT) / scheme_region
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{scheme_region}/".encode())
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for batch in input_batches(wh, year):
        digest.update(f"{batch}\0".encode())
    return digest.hexdigest()


def input_batches(wh: Warehouse, year: int) -> list[str]:
    """The input batches a settlement of ``year`` reads, as ``record_set:batch_id``: the
    encounters of the year's months and every batch of the registries it uses."""
    months = set(Period.year(year).month_keys())
    out = [f"encounters:{b.id}" for b in wh.batches("encounters") if months & set(b.months)]
    for name in _INPUTS:
        out += [f"{name}:{b.id}" for b in wh.batches(name)]
    return out


# ---------------------------------------------------------------- the run


def settle(
    wh: Warehouse,
    year: int,
    region: str,
    *,
    progress: Progress | None = None,
    root: Path | None = None,
    dip_fund_fen: int | None = None,
    budgets: Mapping[str, int] | None = None,
    scores: Mapping[str, Decimal | None] | None = None,
) -> SettlementRun:
    """Settle ``year`` of ``region`` over warehouse ``wh`` (see the module docstring).

    ``dip_fund_fen`` overrides the fund available for DIP, ``budgets`` (community id → fen)
    the community budgets given by the insurance bureau; ``root`` is another parameter folder.
    ``scores`` (community id → annual assessment total, None while provisional) release the
    share of the budget withheld pending the assessment; a community without one is pending.
    """
    report = progress or (lambda description, done, total: None)
    months = Period.year(year).month_keys()
    # The commit log answers "any encounters this year?" without handing out (and auditing)
    # files of personal data.
    if not any(set(months) & set(b.months) for b in wh.batches("encounters")):
        raise SettlementError(
            f"数据仓库中没有 {year} 年的就诊记录，无法结算 / "
            f"the warehouse holds no encounters for {year}: nothing to settle"
        )
    # Inputs first: a missing one must stop the run before any claim is written.
    dip_fund = (
        settlement_input(region, year, DIP_FUND, root) if dip_fund_fen is None else dip_fund_fen
    )
    members = wh.read("community_members")
    community_budgets = community_budgets_of(region, year, members, budgets, root)
    try:
        release_rule = ReleaseRule.load(region, year, root=root)
    except ReleaseInputError as exc:
        raise SettlementError(str(exc)) from None

    step = _STEPS[0]
    report(step, 0, 3)
    computed, dropped = settle_claims_explained(wh, year, region, root=root)
    if computed.num_rows == 0:
        raise SettlementError(
            f"{year} 年没有可结算的参保人就诊，无法结算 / "
            f"no encounters of insured people to settle in {year}: nothing to settle"
        )
    report(step, 1, 3)
    batch_id = f"settle-{region}-{year}-{batch_fingerprint(wh, year, region, root)[:32]}"
    written = _write_claims(wh, computed, batch_id, region, year)
    report(step, 2, 3)
    stored = wh.read("claims", months=months)
    stored = stored.filter(pc.is_in(stored["encounter_id"], value_set=computed["encounter_id"]))
    differing = _differing(stored, computed)
    totals = claim_totals(stored)
    report(step, 3, 3)

    orgs = read_in_force(wh, "org_units", Period.year(year).end)
    names = dict(zip(orgs["org_id"].to_pylist(), orgs["name"].to_pylist(), strict=True))

    step = _STEPS[1]
    report(step, 0, 1)
    dip = _dip(wh, year, region, stored, names, root, dip_fund)
    report(step, 1, 1)

    step = _STEPS[2]
    report(step, 0, 1)
    residents = read_in_force(wh, "residents", Period.year(year).end)
    capitation = capitation_payments(
        residents,
        year,
        CapitationParams.load(region, root=root),
        contracts=read_in_force(wh, "contracts", Period.year(year).end),
        members=members,
    )
    report(step, 1, 1)

    step = _STEPS[3]
    report(step, 0, 1)
    community_rows, budget_tables = _budgets(
        year, region, stored, residents, members, names, community_budgets, root
    )
    community_rows = tuple(
        _assessed(row, release_rule, scores or {}, region, year, root) for row in community_rows
    )
    report(step, 1, 1)

    return SettlementRun(
        year=year,
        region=region,
        batch_id=batch_id,
        claims_written=written,
        claims_differing=differing,
        dropped=tuple(dropped),
        demo_parameters=tuple(demo_parameters(region, INPUT_PARAMETERS, root=root)),
        input_batches=tuple(input_batches(wh, year)),
        totals=totals,
        dip_base_years=dip.base_years,
        dip_fund_fen=dip.fund_fen,
        dip_budget_point_value=dip.budget_point_value,
        dip_settlement_point_value=dip.settlement_point_value,
        dip=dip.rows,
        capitation_fen=int(pc.sum(capitation["amount_fen"]).as_py() or 0),
        budgets=community_rows,
        tables=MappingProxyType(
            {
                "claims": stored,
                "capitation": capitation,
                **dip.tables,
                **budget_tables,
            }
        ),
    )


def _write_claims(wh: Warehouse, computed: pa.Table, batch_id: str, region: str, year: int) -> int:
    """Commit the computed claims not stored yet as batch ``batch_id``; rows written."""
    with wh.lock():
        if wh.has_batch(batch_id):
            return 0
        months = Period.year(year).month_keys()
        stored_ids = wh.read("claims", months=months, columns=["encounter_id"])
        new = computed.filter(
            pc.invert(pc.is_in(computed["encounter_id"], value_set=stored_ids["encounter_id"]))
        )
        if new.num_rows == 0:
            return 0
        for check in CLAIMS.checks:
            bad = pc.fill_null(check.bad_rows(new), True)
            if pc.any(bad).as_py():
                encounter = new.filter(bad)["encounter_id"][0].as_py()
                raise SettlementError(
                    f"理赔结果未通过校验，未写入任何记录：就诊 {encounter} 列 {check.column}："
                    f"{check.zh} / claims failed a check, nothing written: encounter "
                    f"{encounter} column {check.column}: {check.en}"
                )
        wh.commit("claims", new, batch_id, f"settle:{region}:{year}")
        return new.num_rows


def _differing(stored: pa.Table, computed: pa.Table) -> int:
    """Stored claims whose compared columns differ from the recomputed ones."""
    left = stored.select(["encounter_id", *_COMPARED]).to_pandas()
    right = computed.select(["encounter_id", *_COMPARED]).to_pandas()
    both = left.merge(right, on="encounter_id", suffixes=("_s", "_c"))
    same = None
    for name in _COMPARED:
        equal = both[f"{name}_s"].eq(both[f"{name}_c"]) | (
            both[f"{name}_s"].isna() & both[f"{name}_c"].isna()
        )
        same = equal if same is None else same & equal
    return 0 if same is None else int((~same).sum())


# ---------------------------------------------------------------- DIP


@dataclass(frozen=True)
class _DipResult:
    base_years: tuple[int, ...]
    fund_fen: int
    budget_point_value: Decimal | None
    settlement_point_value: Decimal | None
    rows: tuple[DipInstitution, ...]
    tables: dict[str, pa.Table]


def _encounter_years(wh: Warehouse) -> set[int]:
    return {m // 100 for b in wh.batches("encounters") for m in b.months if m}


def _dip_cases(wh: Warehouse, claims: pa.Table, year: int) -> pa.Table:
    """In-scope inpatient cases of ``claims`` with their diagnosis and procedure codes."""
    scope = claims.filter(
        pc.and_(
            pc.equal(claims["care_type"], "inpatient"),
            pc.fill_null(claims["in_county"], False),
        )
    )
    codes = wh.read(
        "encounters",
        months=Period.year(year).month_keys(),
        columns=["encounter_id", "diagnosis_code", "procedure_code"],
    )
    cases = scope.select(
        ["encounter_id", "institution_id", "level", "event_date", "month", "cost_total_fen"]
    ).join(codes, "encounter_id", join_type="left outer")
    return cases.sort_by("encounter_id")


def _claims_of(wh: Warehouse, year: int, region: str, root: Path | None) -> pa.Table:
    """The claims of another year: stored ones when that year was settled, else adjudicated."""
    stored = wh.read("claims", months=Period.year(year).month_keys())
    return stored if stored.num_rows else settle_claims(wh, year, region, root=root)


def _dip(
    wh: Warehouse,
    year: int,
    region: str,
    claims: pa.Table,
    names: Mapping[str, str],
    root: Path | None,
    fund: int,
) -> _DipResult:
    params = DipParams.load(region, dt.date(year, 1, 1), root=root)
    cases = _dip_cases(wh, claims, year)
    if cases.num_rows == 0:
        return _DipResult((), 0, None, None, (), {})
    earlier = sorted(y for y in _encounter_years(wh) if y < year)
    base_years = tuple(earlier[-len(params.base_year_weights) :])
    base_cases = [_dip_cases(wh, _claims_of(wh, y, region, root), y) for y in base_years]
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
    return _DipResult(
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


# ---------------------------------------------------------------- community budgets


def _spending_columns(claims: pa.Table) -> pa.Table:
    # The budget rule reads claims row by row; the columns it needs keep that cheap.
    return claims.select(["person_id", "institution_id", "fund_fen", "month"])


def _budgets(
    year: int,
    region: str,
    claims: pa.Table,
    residents: pa.Table,
    members: pa.Table,
    names: Mapping[str, str],
    budgets: Mapping[str, int],
    root: Path | None,
) -> tuple[tuple[CommunityBudget, ...], dict[str, pa.Table]]:
    params = BudgetParams.load(region, dt.date(year, 1, 1), root=root)
    communities, splits = _settle_budgets(
        budgets, _spending_columns(claims), residents, members, year, params
    )
    by_community: dict[str, list[MemberShare]] = {}
    for r in splits.to_pylist():
        by_community.setdefault(r["community_id"], []).append(
            MemberShare(
                institution_id=r["institution_id"],
                name=names.get(r["institution_id"], r["institution_id"]),
                key_value=r["key_value"],
                settlement_fen=r["settlement_fen"],
            )
        )
    rows = tuple(
        CommunityBudget(
            community_id=r["community_id"],
            name=names.get(r["community_id"], r["community_id"]),
            budget_fen=r["budget_fen"],
            spending_fen=r["actual_fen"],
            inside_fen=r["inside_fen"],
            outside_fen=r["outside_fen"],
            retained_fen=r["retained_fen"],
            returned_fen=r["returned_fen"],
            fund_shared_fen=r["fund_shared_fen"],
            community_borne_fen=r["community_borne_fen"],
            members=tuple(by_community.get(r["community_id"], ())),
        )
        for r in communities.to_pylist()
    )
    return rows, {"budget_communities": communities, "budget_members": splits}


def _assessed(
    row: CommunityBudget,
    rule: ReleaseRule | None,
    scores: Mapping[str, Decimal | None],
    region: str,
    year: int,
    root: Path | None,
) -> CommunityBudget:
    """``row`` with its assessment withholding and release and its staff-reward part."""
    score = scores.get(row.community_id)
    return dataclasses.replace(
        row,
        release=None if rule is None else release(row.budget_fen, score, rule),
        staff_reward_fen=staff_reward(row.retained_fen, region, year, root=root),
    )

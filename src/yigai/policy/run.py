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

- **Writing** (幂等写入) and the ratios: :mod:`yigai.policy.stored_claims`.
- **DIP scope, base years and balance**: :mod:`yigai.policy.dip_step`.
- **Settlement inputs** (结算输入, issue 15 §1): the fund available for DIP (``payment.dip_fund``,
  the pooling region's DIP fund for the year) and each community's global budget
  (``payment.community_budgets``, community id → yuan) are dated parameters in force on
  1 January of the year, set by the insurance bureau; nothing is derived from spending. A
  missing one stops the run before anything is written, naming the parameter (and the
  community; :mod:`yigai.policy.inputs`). The ``dip_fund_fen`` and ``budgets`` arguments
  replace them (what-if runs).
  Parameters whose file marks them 示范参数 (demo values) are listed in
  :attr:`SettlementRun.demo_parameters` so every print of the figures can say so.
- **Community budgets**: :mod:`yigai.policy.budget_step`; the payments from a claims
  table, shared with the what-if: :func:`yigai.policy.payments.payments`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import pyarrow as pa

from yigai.periods import Period
from yigai.policy.budget_step import CommunityBudget, MemberShare, assessed
from yigai.policy.dip_step import DipInstitution
from yigai.policy.inputs import INPUT_PARAMETERS, SettlementError
from yigai.policy.params import demo_parameters
from yigai.policy.payments import (
    Progress,
    Registries,
    SettlementInputs,
    payments,
    release_rule,
)
from yigai.policy.settle import ClaimsEngine, settle_claims_explained
from yigai.policy.stored_claims import (
    RATIO_PLACES,
    ClaimTotals,
    batch_fingerprint,
    claim_totals,
    differing,
    input_batches,
    ratio,
    read_stored,
    write_claims,
)
from yigai.warehouse import Warehouse

# Re-exported: callers import the result types and helpers from the run module.
__all__ = [
    "RATIO_PLACES",
    "ClaimTotals",
    "CommunityBudget",
    "DipInstitution",
    "MemberShare",
    "SettlementError",
    "SettlementRun",
    "batch_fingerprint",
    "claim_totals",
    "input_batches",
    "ratio",
    "settle",
    "with_scores",
]

_CLAIMS_STEP = "理赔结算 / adjudicating claims"


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
    claims: ClaimsEngine = settle_claims_explained,
) -> SettlementRun:
    """Settle ``year`` of ``region`` over warehouse ``wh`` (see the module docstring).

    ``dip_fund_fen`` overrides the fund available for DIP, ``budgets`` (community id → fen)
    the community budgets given by the insurance bureau; ``root`` is another parameter folder.
    ``scores`` (community id → annual assessment total, None while provisional) release the
    share of the budget withheld pending the assessment; a community without one is pending.
    ``claims`` builds and adjudicates the year's claims (on Spark:
    :func:`yigai.policy.spark_claims.spark_claims`).
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
    registries = Registries.of(wh, year)
    inputs = SettlementInputs.load(
        region, year, registries.members, root, dip_fund_fen=dip_fund_fen, budgets=budgets
    )

    step = _CLAIMS_STEP
    report(step, 0, 3)
    computed, dropped = claims(wh, year, region, root=root)
    if computed.num_rows == 0:
        raise SettlementError(
            f"{year} 年没有可结算的参保人就诊，无法结算 / "
            f"no encounters of insured people to settle in {year}: nothing to settle"
        )
    report(step, 1, 3)
    batch_id = f"settle-{region}-{year}-{batch_fingerprint(wh, year, region, root)[:32]}"
    written = write_claims(wh, computed, batch_id, region, year)
    report(step, 2, 3)
    ids = computed["encounter_id"]
    # Every claim just computed was stored as computed: none can differ, and the year's
    # claims need not be held twice (computed and read back) from here on.
    claims_differing = 0 if written == computed.num_rows else None
    if claims_differing == 0:
        del computed
    stored = read_stored(wh, year, ids)
    if claims_differing is None:
        claims_differing = differing(stored, computed)
    report(step, 3, 3)

    paid = payments(
        wh, year, region, stored, inputs, registries, root=root, scores=scores, progress=report
    )

    return SettlementRun(
        year=year,
        region=region,
        batch_id=batch_id,
        claims_written=written,
        claims_differing=claims_differing,
        dropped=tuple(dropped),
        demo_parameters=tuple(demo_parameters(region, INPUT_PARAMETERS, root=root)),
        input_batches=tuple(input_batches(wh, year)),
        totals=claim_totals(stored),
        dip_base_years=paid.dip.base_years,
        dip_fund_fen=paid.dip.fund_fen,
        dip_budget_point_value=paid.dip.budget_point_value,
        dip_settlement_point_value=paid.dip.settlement_point_value,
        dip=paid.dip.rows,
        capitation_fen=paid.capitation_fen,
        budgets=paid.budgets,
        tables=MappingProxyType({"claims": stored, "capitation": paid.capitation, **paid.tables}),
    )


def with_scores(
    run: SettlementRun, scores: Mapping[str, Decimal | None], *, root: Path | None = None
) -> SettlementRun:
    """``run`` with the budget shares withheld pending assessment released by ``scores``:
    what :func:`settle` of the same year with those scores gives, without settling it again
    (the release reads each community's budget, its score and the rule; nothing the claims,
    DIP or capitation decide). ``root`` is the parameter folder the run used."""
    rule = release_rule(run.region, run.year, root)
    budgets = tuple(assessed(row, rule, scores, run.region, run.year, root) for row in run.budgets)
    return dataclasses.replace(run, budgets=budgets)

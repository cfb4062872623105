"""Payments from a year's claims (DIP, capitation, community budgets): what both
``yigai settle`` (:func:`yigai.policy.run.settle`, over the stored claims) and the what-if
(:mod:`yigai.policy.whatif.resettle`, over claims re-settled in memory) compute.

:func:`payments` reads the claims table it is given and the year's inputs
(:class:`SettlementInputs`: the bureau's DIP fund and community budgets, the assessment
release rule) and registries (:class:`Registries`); it writes nothing. The three payment
methods are computed side by side from the same claims; how a county nets them into one cash
flow is a local rule not modelled here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from yigai.periods import Period
from yigai.policy.assessment_release import ReleaseInputError, ReleaseRule
from yigai.policy.budget_step import CommunityBudget, assessed, community_budget_rows
from yigai.policy.capitation import CapitationParams, capitation_payments
from yigai.policy.dip_step import DipMemo, DipResult, dip_payments
from yigai.policy.inputs import DIP_FUND, SettlementError, community_budgets_of, settlement_input
from yigai.records.versions import read_in_force
from yigai.warehouse import Warehouse

#: ``(description, done, total)``, as :data:`yigai.console.ProgressFn`.
Progress = Callable[[str, int, int | None], None]

STEPS = (
    "按病种分值付费 / DIP",
    "按人头付费 / capitation",
    "医共体总额预算 / community budgets",
)


@dataclass(frozen=True)
class Registries:
    """What the payments read from the warehouse besides claims, in force at the year end."""

    names: dict[str, str]  # org id → name
    residents: pa.Table
    members: pa.Table  # community_members, every version (dated rows)
    contracts: pa.Table

    @classmethod
    def of(cls, wh: Warehouse, year: int) -> Registries:
        end = Period.year(year).end
        orgs = read_in_force(wh, "org_units", end)
        return cls(
            names=dict(zip(orgs["org_id"].to_pylist(), orgs["name"].to_pylist(), strict=True)),
            residents=read_in_force(wh, "residents", end),
            members=wh.read("community_members"),
            contracts=read_in_force(wh, "contracts", end),
        )


@dataclass(frozen=True)
class SettlementInputs:
    """The year's inputs set by the bureau (:mod:`yigai.policy.inputs`)."""

    dip_fund_fen: int
    budgets: Mapping[str, int]  # community id → fen
    release_rule: ReleaseRule | None  # None: the plan withholds nothing pending assessment

    @classmethod
    def load(
        cls,
        region: str,
        year: int,
        members: pa.Table,
        root: Path | None = None,
        *,
        dip_fund_fen: int | None = None,
        budgets: Mapping[str, int] | None = None,
    ) -> SettlementInputs:
        """The inputs in force on 1 January; ``dip_fund_fen`` and ``budgets`` replace the
        parameters (what-if runs). A missing one raises :class:`SettlementError`."""
        fund = (
            settlement_input(region, year, DIP_FUND, root) if dip_fund_fen is None else dip_fund_fen
        )
        rule = release_rule(region, year, root)
        return cls(fund, community_budgets_of(region, year, members, budgets, root), rule)


def release_rule(region: str, year: int, root: Path | None = None) -> ReleaseRule | None:
    """The year's rule for the budget share withheld pending assessment (None: none is
    withheld); a broken rule raises :class:`SettlementError`."""
    try:
        return ReleaseRule.load(region, year, root=root)
    except ReleaseInputError as exc:
        raise SettlementError(str(exc)) from None


@dataclass(frozen=True)
class Payments:
    """The payments computed from one claims table."""

    dip: DipResult
    capitation: pa.Table  # capitation_payments rows; ``amount_fen`` per institution
    budgets: tuple[CommunityBudget, ...]
    tables: dict[str, pa.Table]  # DIP and budget detail tables

    @property
    def capitation_fen(self) -> int:
        return int(pc.sum(self.capitation["amount_fen"]).as_py() or 0)


def capitation_of(region: str, year: int, registries: Registries, root: Path | None) -> pa.Table:
    """门诊统筹按人头付费 for ``year``: it reads no claim, only residents and contracts."""
    return capitation_payments(
        registries.residents,
        year,
        CapitationParams.load(region, root=root),
        contracts=registries.contracts,
        members=registries.members,
    )


def payments(
    wh: Warehouse,
    year: int,
    region: str,
    claims: pa.Table,
    inputs: SettlementInputs,
    registries: Registries,
    *,
    root: Path | None = None,
    scores: Mapping[str, Decimal | None] | None = None,
    capitation: pa.Table | None = None,
    progress: Progress | None = None,
    memo: DipMemo | None = None,
) -> Payments:
    """DIP, capitation and community budgets of ``year`` from ``claims`` under the
    parameters of ``root``. ``scores`` (community id → annual assessment total, None while
    provisional) release the withheld budget share; a community without one is pending.
    ``capitation`` is a capitation table already computed under the same rates (reused);
    ``memo`` keeps what DIP reads from the warehouse for another call (:data:`DipMemo`)."""
    report = progress or (lambda description, done, total: None)
    report(STEPS[0], 0, 1)
    dip = dip_payments(wh, year, region, claims, registries.names, root, inputs.dip_fund_fen, memo)
    report(STEPS[0], 1, 1)
    report(STEPS[1], 0, 1)
    if capitation is None:
        capitation = capitation_of(region, year, registries, root)
    report(STEPS[1], 1, 1)
    report(STEPS[2], 0, 1)
    rows, budget_tables = community_budget_rows(
        year,
        region,
        claims,
        registries.residents,
        registries.members,
        registries.names,
        inputs.budgets,
        root,
    )
    rows = tuple(
        assessed(row, inputs.release_rule, scores or {}, region, year, root) for row in rows
    )
    report(STEPS[2], 1, 1)
    return Payments(
        dip=dip, capitation=capitation, budgets=rows, tables={**dip.tables, **budget_tables}
    )

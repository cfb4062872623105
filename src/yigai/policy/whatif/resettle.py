"""Re-settle a year under a reform, in memory (政策测算): nothing is written to the warehouse.

:func:`whatif` compares two sides of one year (:mod:`yigai.policy.whatif.figures`):

- **baseline**: the year's claims as stored by ``yigai settle`` (the record of what the fund
  paid), and the DIP, capitation and community-budget figures computed from them with the
  parameters as they are — what ``yigai settle`` reports;
- **reform**: the year's encounters settled again by the same path
  (:func:`yigai.policy.settle.settle_claims_explained`, the vectorised adjudication) under
  the region's parameters with the reform applied to the year
  (:func:`yigai.policy.whatif.reform.applied`), after the care-seeking shifts
  (:mod:`yigai.policy.whatif.scenario`), and the same payments computed from those claims.

Both sides hold every scheme ``yigai settle`` settles (城乡居民医保 under ``region``, 职工医保
under ``<region>_employee`` where it exists); the reform changes ``region``'s parameters.
With an empty reform and no shift the two sides are equal to the fen, unless the parameter
files changed after the year was settled (then ``yigai settle`` reports differing claims too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from yigai.params import ParameterError
from yigai.periods import Period
from yigai.policy.capitation import CapitationParams
from yigai.policy.dip_step import DipMemo
from yigai.policy.params import scheme_regions
from yigai.policy.payments import Registries, SettlementInputs, payments
from yigai.policy.settle import settle_claims_explained
from yigai.policy.whatif.figures import Line, Side, lines
from yigai.policy.whatif.reform import Reform, ReformError, applied
from yigai.policy.whatif.scenario import Shift, mover
from yigai.warehouse import Warehouse

#: Claim columns compared as plain text (the warehouse may hand them back dictionary-encoded).
_TEXT = ("institution_id", "care_type", "level")


@dataclass(frozen=True)
class WhatIf:
    """The comparison of one year: the reform, the shifts and every figure (:class:`Line`)."""

    year: int
    region: str
    reform: Reform
    shifts: tuple[Shift, ...]
    lines: tuple[Line, ...]
    moved: int = 0  # encounters the shifts moved
    sides: tuple[Side, Side] | None = field(default=None, compare=False, repr=False)


def whatif(
    wh: Warehouse,
    year: int,
    region: str,
    reform: Reform,
    shifts: Sequence[Shift] = (),
    *,
    root: Path | None = None,
) -> WhatIf:
    """Compare the stored settlement of ``year`` with the reform's (module docstring)."""
    # one chunk per column: every figure and payment passes over the baseline's claims
    stored = wh.read("claims", months=Period.year(year).month_keys()).combine_chunks()
    if stored.num_rows == 0:
        raise ReformError(
            f"{year} 年尚未结算，没有基线；请先运行 yigai settle --year {year}",
            f"{year} has not been settled: no baseline; run yigai settle --year {year} first",
        )
    regions = set(scheme_regions(region, root=root).values())  # resident and employee
    settled_under = sorted(set(pc.unique(stored["scheme_region"]).to_pylist()) - regions)
    if settled_under:  # the baseline must be the same region's scheme, or nothing compares
        raise ReformError(
            f"{year} 年已按 {settled_under[0]} 的待遇方案结算，不是 {region}；请用 --region "
            f"{settled_under[0]}",
            f"{year} was settled under {settled_under[0]}'s scheme, not {region}; use "
            f"--region {settled_under[0]}",
        )
    context = _Context.of(wh, year)
    baseline = _side(wh, year, region, stored, context, root)
    moved: list[str] = []
    with applied(reform, region, year, root=root) as reform_root:
        try:
            claims, _ = settle_claims_explained(
                wh, year, region, root=reform_root, adjust=mover(shifts, moved) if shifts else None
            )
            reformed = _side(wh, year, region, claims, context, reform_root)
        except ParameterError as exc:  # a reform that breaks a rule of the parameters
            raise ReformError(
                f"方案“{reform.name}”不符合参数规则：{exc.key}：{exc.zh}",
                f"reform {reform.name!r} breaks a parameter rule: {exc.key}: {exc.en}",
            ) from None
    return WhatIf(
        year=year,
        region=region,
        reform=reform,
        shifts=tuple(shifts),
        lines=tuple(lines(baseline, reformed, context.names)),
        moved=len(moved),
        sides=(baseline, reformed),
    )


@dataclass(frozen=True)
class _Context:
    """What both sides read from the warehouse once: registries at the year end."""

    registries: Registries
    #: capitation by its parameters: it reads no claim, so a reform that leaves its rates
    #: alone reuses the baseline's
    capitation: dict[CapitationParams, pa.Table] = field(default_factory=dict)
    #: what DIP reads from the warehouse (diagnosis codes, base years' cases): read once
    dip: DipMemo = field(default_factory=dict)

    @property
    def names(self) -> dict[str, str]:
        return self.registries.names

    @classmethod
    def of(cls, wh: Warehouse, year: int) -> _Context:
        return cls(registries=Registries.of(wh, year))


def _side(
    wh: Warehouse, year: int, region: str, claims: pa.Table, c: _Context, root: Path | None
) -> Side:
    """The payments of ``claims`` as ``yigai settle`` computes them
    (:func:`yigai.policy.payments.payments`), under the parameters of ``root`` (the release
    of budget shares withheld pending assessment is not compared: the balance is)."""
    claims = _plain(claims)
    inputs = SettlementInputs.load(region, year, c.registries.members, root)
    rates = CapitationParams.load(region, root=root)
    paid = payments(
        wh,
        year,
        region,
        claims,
        inputs,
        c.registries,
        root=root,
        capitation=c.capitation.get(rates),
        memo=c.dip,
    )
    c.capitation[rates] = paid.capitation
    return Side(
        claims=claims,
        dip=paid.dip.rows,
        dip_point_value=paid.dip.settlement_point_value,
        capitation_fen=paid.capitation_fen,
        budgets=paid.budgets,
    )


def _plain(claims: pa.Table) -> pa.Table:
    for name in _TEXT:
        at = claims.schema.get_field_index(name)
        claims = claims.set_column(at, name, claims[name].cast(pa.string()))
    return claims

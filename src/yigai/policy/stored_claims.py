"""The year's claims as a settlement run stores and sums them (理赔写入与汇总).

- **Writing** (幂等写入, :func:`write_claims`): the batch id is
  ``settle-<region>-<year>-<fingerprint>``, the fingerprint (:func:`batch_fingerprint`) being
  SHA-256 of the parameter files of the region's schemes (paths and bytes) and the ids of the
  input batches (encounters of the year's months, residents, org units, community members,
  referrals). A committed batch id is never written again; of a new batch only claims whose
  ``encounter_id`` is not stored yet are written, so re-running the same year duplicates and
  replaces nothing. Rows are checked against the ``claims`` row rules before anything is
  written.
- **Differing** (:func:`differing`): stored claims that the parameters in force now would
  settle otherwise; the stored ones are kept and counted.
- **Ratios** (实际报销比 and 政策范围内报销比): ``(fund + critical-illness + assistance) ÷ total
  cost`` and ``… ÷ eligible cost``, rounded half up to :data:`RATIO_PLACES` decimal places
  (0.6523 = 65.23%); None when the denominator is 0. Money is integer fen throughout.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from yigai.periods import Period
from yigai.policy.adjudication import SPLIT_COLUMNS
from yigai.policy.claims import CLAIMS
from yigai.policy.inputs import SettlementError
from yigai.policy.params import DEFAULT_ROOT, scheme_regions
from yigai.warehouse import Warehouse

#: Decimal places of the reimbursement ratios (a share: 4 places = hundredths of a percent).
RATIO_PLACES = 4

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


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """``numerator ÷ denominator`` rounded half up to :data:`RATIO_PLACES`; None for 0."""
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal(1).scaleb(-RATIO_PLACES), rounding=ROUND_HALF_UP
    )


def claim_totals(claims: pa.Table) -> ClaimTotals:
    """Sum a ``claims`` table (columns of :data:`yigai.policy.claims.CLAIMS`)."""

    def total(name: str) -> int:
        return int(pc.sum(claims[name]).as_py() or 0)

    # the one column summed, not the rows: a year's claims are not copied to add them up
    inside = pc.filter(claims["fund_fen"], pc.fill_null(claims["in_county"], False))
    fund = total("fund_fen")
    fund_inside = int(pc.sum(inside).as_py() or 0)
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


def write_claims(wh: Warehouse, computed: pa.Table, batch_id: str, region: str, year: int) -> int:
    """Commit the computed claims not stored yet as batch ``batch_id``; rows written."""
    with wh.lock():
        if wh.has_batch(batch_id):
            return 0
        months = Period.year(year).month_keys()
        stored_ids = wh.read("claims", months=months, columns=["encounter_id"])
        new = computed  # a first run: no copy of a year's claims just to drop none of them
        if stored_ids.num_rows:
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


def read_stored(wh: Warehouse, year: int, encounter_ids: pa.ChunkedArray) -> pa.Table:
    """The stored claims of ``year`` for ``encounter_ids`` (all stored: call it after
    :func:`write_claims`), one chunk per column (not one per
    month file: the sums, lookups and takes of the payments pass over it several times). The
    columns are combined one at a time, each chunked one dropped as its copy is made, so a
    year's claims are held once, not twice, while they are."""
    table = wh.read("claims", months=Period.year(year).month_keys())
    # After :func:`write_claims` every id asked for is stored (once: the claims' key), so as
    # many stored rows as ids are exactly those claims and need no look-up.
    if table.num_rows != len(encounter_ids):
        table = table.filter(pc.is_in(table["encounter_id"], value_set=encounter_ids))
    combined: dict[str, pa.Array] = {}
    schema = table.schema
    for name in schema.names:
        combined[name] = table[name].combine_chunks()
        table = table.drop_columns([name])
    return pa.table(combined, schema=schema)


def differing(stored: pa.Table, computed: pa.Table) -> int:
    """Stored claims whose compared columns differ from the recomputed ones (two nulls are
    equal), column by column over the claims both hold."""
    at = pc.index_in(computed["encounter_id"], value_set=stored["encounter_id"])
    both = pc.is_valid(at)
    rows = at.filter(both)
    same = None
    for name in _COMPARED:
        old, new = _plain(stored[name]).take(rows), _plain(computed[name]).filter(both)
        equal = pc.or_kleene(pc.equal(old, new), pc.and_(pc.is_null(old), pc.is_null(new)))
        equal = pc.fill_null(equal, False)
        same = equal if same is None else pc.and_(same, equal)
    return 0 if same is None else len(rows) - int(pc.sum(same.cast(pa.int64())).as_py() or 0)


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary-encoded column (as the warehouse may hand back) as its values."""
    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column

"""The claim build of a settlement, column by column (理赔构建): encounters in, the
adjudication's input out (:func:`yigai.policy.settle.settle_claims_explained`).

The rules are those of :mod:`yigai.policy.settle` (scheme on the date, dropped encounters,
home county, level, referral links); this module computes them with Arrow and numpy over
whole columns, so a county-year of half a million encounters builds in about a second
rather than in pandas merges and per-value lookups. Only the referral links, which concern
the few inpatient admissions that came by referral, are worked out in pandas
(:func:`yigai.policy.settle._link_referrals`, shared with the discharge desk's replay).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from yigai.orgs.model import OrgKind
from yigai.policy.claim_order import one_array
from yigai.policy.scheme import OUT_OF_COUNTY
from yigai.records.fields import RETIRED_REASON, VERSION_FROM
from yigai.records.versions import VERSION_TO, spans

#: The encounter columns that place a stay and link its referral (the claim's money columns
#: come on top: :data:`yigai.policy.settle.ENCOUNTER_COLUMNS`).
STAY_COLUMNS = [
    "encounter_id",
    "person_id",
    "institution_id",
    "care_type",
    "visit_date",
    "discharge_date",
    "event_date",
    "referral_id",
]

_LOCAL_LEVELS = pa.array(["village", "township", "county"])
#: The columns the care-seeking scenarios change (``adjust`` of the settlement).
ADJUSTABLE = (
    "encounter_id",
    "institution_id",
    "care_type",
    "level",
    "in_county",
    "cost_total_fen",
    "out_of_scope_fen",
    "referred_from",
    "referral_in_community",
)


def _days(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Dates as int64 days since 1970-01-01 (null: a day before every span, matching none)."""
    days = pc.fill_null(column.cast(pa.date32()).cast(pa.int32()), np.iinfo(np.int32).min)
    return days.to_numpy().astype(np.int64)


def _positions(values: pa.ChunkedArray | pa.Array, keys: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Each value's row in ``keys`` (its first), −1 when absent."""
    at = pc.index_in(values, value_set=keys)
    return pc.fill_null(at, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def scheme_on_date(wh: Any, encounters: pa.Table, registry: pa.Table) -> pa.ChunkedArray:
    """Each encounter's scheme: its person's registry version in force on ``event_date``,
    else their year-end one (``registry``: a person registered after the encounter), else
    null (unknown person). Versions of one person never overlap (:func:`spans`), so at most
    one is in force on a day."""
    versions = spans(
        wh.read("residents", columns=["person_id", "scheme", VERSION_FROM, RETIRED_REASON]),
        ("person_id",),
    )
    person = pc.dictionary_encode(versions["person_id"]).combine_chunks()
    code = person.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    wanted = _positions(encounters["person_id"], person.dictionary)
    order = np.argsort(code, kind="stable")
    lo = np.searchsorted(code[order], wanted, side="left")
    hi = np.where(wanted < 0, lo, np.searchsorted(code[order], wanted, side="right"))
    start, end = _days(versions[VERSION_FROM]), _days(versions[VERSION_TO])
    day = _days(encounters["event_date"])
    found = np.full(len(wanted), -1, dtype=np.int64)
    # the k-th version of each person in turn: most persons have one, so few passes
    for k in range(int((hi - lo).max(initial=0))):
        rows = np.flatnonzero((lo + k < hi) & (found < 0))
        version = order[lo[rows] + k]
        covers = (start[version] <= day[rows]) & (day[rows] <= end[version])
        found[rows[covers]] = version[covers]
    on_date = versions["scheme"].take(pa.array(found, mask=found < 0))
    at = _positions(encounters["person_id"], registry["person_id"])
    at_year_end = registry["scheme"].take(pa.array(at, mask=at < 0))
    return pc.coalesce(on_date, at_year_end)


def dropped(
    encounters: pa.Table, scheme: pa.ChunkedArray, registry: pa.Table, schemes: Sequence[str]
) -> list[tuple[str, str]]:
    """The encounters left out (unknown person, uninsured, or a scheme without parameters),
    each with the code of its reason, in encounter-id order."""
    out = pc.invert(pc.fill_null(pc.is_in(scheme, value_set=pa.array(list(schemes))), False))
    ids = encounters["encounter_id"].filter(out)
    if len(ids) == 0:
        return []
    known = pc.is_in(encounters["person_id"].filter(out), value_set=registry["person_id"])
    uninsured = pc.fill_null(pc.equal(scheme.filter(out), "none"), False)
    reasons = np.where(
        ~known.to_numpy(zero_copy_only=False),
        "unknown_person",
        np.where(uninsured.to_numpy(zero_copy_only=False), "uninsured", "not_resident_scheme"),
    )
    return sorted(zip(ids.to_pylist(), reasons.tolist(), strict=True))


def placed(enc: pa.Table, home_unit: pa.ChunkedArray, orgs: pa.Table) -> dict[str, pa.Array]:
    """``in_county`` and ``level`` of each encounter (:mod:`yigai.policy.settle`):
    ``home_unit`` is its person's home unit; ``orgs`` the units at the year end."""
    unit = _positions(home_unit, orgs["org_id"])
    unit_kind = orgs["kind"].take(pa.array(unit, mask=unit < 0))
    unit_parent = orgs["parent_id"].take(pa.array(unit, mask=unit < 0))
    # a home unit that is a county is its own county; otherwise the county is its parent
    home_county = pc.if_else(
        pc.fill_null(pc.equal(unit_kind, OrgKind.COUNTY.value), False), home_unit, unit_parent
    )
    inst = _positions(enc["institution_id"], orgs["org_id"])
    inst_at = pa.array(inst, mask=inst < 0)
    inst_level = orgs["level"].take(inst_at)
    if inst_level.null_count:
        first = int(np.flatnonzero(pc.is_null(inst_level).to_numpy(zero_copy_only=False))[0])
        bad = enc["encounter_id"][first].as_py()
        raise ValueError(
            f"就诊 {bad} 的机构没有医保支付级别 / encounter {bad}: institution has no policy level"
        )
    in_county = pc.fill_null(pc.equal(orgs["parent_id"].take(inst_at), home_county), False)
    away = pc.and_(pc.invert(in_county), pc.is_in(inst_level, value_set=_LOCAL_LEVELS))
    level = pc.if_else(away, OUT_OF_COUNTY, inst_level)
    return {"in_county": one_array(in_county), "level": one_array(level.cast(pa.string()))}


def referral_links(
    enc: pa.Table,
    referrals: pa.Table,
    members: pa.Table,
    window_on: Callable[[Any], int],
    link: Callable[..., None],
) -> dict[str, pa.Array]:
    """``referred_from`` and ``referral_in_community`` of every encounter: ``link`` (the
    settlement's rule, :func:`yigai.policy.settle._link_referrals`) is run on the inpatient
    encounters only — it links inpatient admissions to inpatient stays and nothing else."""
    n = enc.num_rows
    inpatient = pc.equal(enc["care_type"], "inpatient").to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(inpatient)
    referred_from = np.full(n, None, dtype=object)
    in_community = np.zeros(n, dtype=bool)
    if rows.size:
        stays = enc.select(STAY_COLUMNS).take(pa.array(rows)).to_pandas()
        link(stays, referrals.to_pandas(), members.to_pandas(), window_on)
        referred_from[rows] = stays["referred_from"].to_numpy(dtype=object, na_value=None)
        in_community[rows] = stays["referral_in_community"].to_numpy(dtype=bool)
    return {
        "referred_from": pa.array(referred_from, pa.string(), from_pandas=True),
        "referral_in_community": pa.array(in_community),
    }


def adjusted(table: pa.Table, adjust: Callable[[pd.DataFrame], pd.DataFrame]) -> pa.Table:
    """``table`` after ``adjust`` (a care-seeking scenario) changed its :data:`ADJUSTABLE`
    columns; only those go through pandas."""
    frame = table.select(list(ADJUSTABLE)).to_pandas()
    out = adjust(frame)
    if len(out) != table.num_rows:
        raise ValueError("情景调整不得增删就诊 / adjust must keep every encounter")
    for name in ADJUSTABLE:
        at = table.schema.get_field_index(name)
        column = pa.array(out[name], table.schema.field(name).type, from_pandas=True)
        table = table.set_column(at, table.schema.field(name), column)
    return table

"""A person-year's claims settled by the batch (``yigai settle``), as the desk replays them.

The warehouse's ``claims`` record set holds each claim's split as paid; the inputs the rules
need besides (out-of-scope cost, the referral and the in-community referral link of a stay)
come from the person's ``encounters`` of the year, linked exactly as the batch links them
(:func:`yigai.policy.settle._link_referrals`), so the replay sees the same stays.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from yigai.periods import Period
from yigai.policy.adjudication import SPLIT_COLUMNS, ClaimInput
from yigai.policy.discharge import SettledClaim
from yigai.policy.scheme import SchemeBook
from yigai.policy.settle import ENCOUNTER_COLUMNS, _link_referrals

_PURPOSE = "即时结算 / settlement at discharge"
# the batch's encounter columns but the cost (the claim's stored split carries its own)
_ENCOUNTER_COLUMNS = [c for c in ENCOUNTER_COLUMNS if c != "cost_total_fen"]


def warehouse_history(
    wh: Any, person_id: str, year: int, groups: frozenset[str], book: SchemeBook
) -> list[SettledClaim]:
    """The claims of ``person_id`` in ``year`` stored in the warehouse ``wh``. A person's
    population groups are one fact of the year (the discharging claim's ``groups``); ``book``:
    the region's schemes (their episode window links the stays as the batch does).

    The caller has checked the user's scope (the service's principal), so these are the
    platform's own reads (``scoped=False``), audited in the warehouse with their purpose."""
    months = Period.year(year).month_keys()
    mine = pc.field("person_id") == person_id
    claims = wh.read("claims", months=months, where=mine, scoped=False, purpose=_PURPOSE)
    if claims.num_rows == 0:
        return []
    enc = wh.read(
        "encounters",
        months=months,
        columns=_ENCOUNTER_COLUMNS,
        where=mine,
        scoped=False,
        purpose=_PURPOSE,
    ).to_pandas()
    # only the referrals the person's encounters came with
    ids = enc["referral_id"].dropna().unique().tolist()
    referrals = wh.read(
        "referrals",
        columns=["referral_id", "from_institution_id", "to_institution_id", "from_encounter_id"],
        where=pc.field("referral_id").isin(pa.array(ids, pa.string())),
        scoped=False,
        purpose=_PURPOSE,
    ).to_pandas()
    members = wh.read("community_members", scoped=False).to_pandas()
    _link_referrals(enc, referrals, members, lambda d: book.at(d).referral_episode_days)
    by_id = enc.set_index("encounter_id")
    out = []
    for row in claims.to_pylist():
        e = by_id.loc[row["encounter_id"]]
        claim = ClaimInput(
            encounter_id=row["encounter_id"],
            person_id=person_id,
            event_date=row["event_date"],
            care_type=row["care_type"],
            level=row["level"],
            in_county=row["in_county"],
            cost_total_fen=row["cost_total_fen"],
            out_of_scope_fen=int(e["out_of_scope_fen"]),
            referred=bool(pd.notna(e["referral_id"])),
            referred_from=e["referred_from"] if pd.notna(e["referred_from"]) else None,
            referral_in_community=bool(e["referral_in_community"]),
            groups=groups,
        )
        split = {c: row[c] for c in SPLIT_COLUMNS}
        out.append(SettledClaim(claim, split, "warehouse"))
    return out

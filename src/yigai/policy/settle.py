"""Settle a year's encounters into claims (年度医保结算): warehouse in, ``claims`` table out.

``settle_claims(wh, year, region)`` reads from the warehouse (docs/CONTRACTS.md):

- ``encounters`` of the year's months;
- ``residents``: each encounter is settled under the scheme its person is insured in on the
  encounter's date (the registry version in force on ``event_date``; the year-end version when
  none is): 城乡居民医保 (``resident``) under ``region``'s parameters, 职工医保
  (``employee``) under ``<region>_employee``'s when the region has that folder
  (:func:`yigai.policy.params.scheme_regions`); encounters of the uninsured (``none``) or of a
  scheme without parameters are left out, with the reason. Their ``grp_*`` flags give the
  medical-assistance groups;
- ``org_units``: an institution's policy ``level`` and its county (``parent_id``); a
  resident's home county is the parent of their ``home_unit_id`` (or the unit itself when it
  is a county);
- ``community_members`` and ``referrals``: links between stays for the in-community referral
  deductible rule (:mod:`yigai.policy.referral_deductible`).

Working definitions used to build each claim:

- ``in_county``: the institution's county is the resident's home county.
- ``level``: the institution's policy level; an institution of village, township or county
  level in another county is ``out_of_county`` (city and province hospitals keep their level).
- ``referred``: the encounter came with a referral (``referral_id`` is set).
- ``referred_from``: for an admission that came with a referral, the earlier stay it
  continues (同一次住院, seed 002). The episode window is the dated parameter
  ``inpatient.referral_episode_days`` in force on the admission's event date (1: the earlier
  stay ended on the admission day or the day before). When the referral names the stay it
  leaves (``from_encounter_id``), that stay of the same person is linked whatever its dates
  within the window: admitted no later than this admission and discharged at most the window
  before it (a discharge recorded after the transfer day still links). Otherwise the
  same person's latest stay at the referral's ``from_institution_id`` that ended within the
  window (on or before the admission day) is linked.
- ``referral_in_community``: the referral's two institutions belong to the same community on
  the admission day (membership valid from ``valid_from`` up to the day before ``valid_to``).

The claims are built column by column (:mod:`yigai.policy.claim_build`), adjudicated by
:func:`yigai.policy.vectorised.adjudicate_table` and returned with the ``claims`` record
schema ``CLAIMS.arrow_schema()`` (including ``month``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from yigai import access
from yigai.periods import Period
from yigai.policy import claim_build
from yigai.policy.adjudication import SPLIT_COLUMNS
from yigai.policy.claim_build import STAY_COLUMNS
from yigai.policy.claims import CLAIMS
from yigai.policy.params import scheme_regions
from yigai.policy.scheme import SchemeBook
from yigai.policy.vectorised import REQUIRED, adjudicate_table
from yigai.records.schemas import POPULATION_GROUPS
from yigai.records.versions import read_in_force

#: Adjudicates one scheme's claim table (``adjudicate_table(table, scheme_region, root=)``).
Adjudicator = Callable[..., pa.Table]
#: Settles a year's claims (``(wh, year, region, root=)`` → claims, dropped encounters):
#: :func:`settle_claims_explained`, or on Spark :func:`yigai.policy.spark_claims.spark_claims`.
ClaimsEngine = Callable[..., tuple[pa.Table, list[tuple[str, str]]]]
#: The encounter columns the batch reads to build claims (the desk's replay reads them too).
ENCOUNTER_COLUMNS = [*STAY_COLUMNS, "cost_total_fen", "out_of_scope_fen"]

#: Why an encounter of the year gives no claim: reason code → Chinese / English.
DROPPED_REASONS = {
    "not_resident_scheme": (
        "参保人所属险种在本地区没有待遇参数",
        "the person's insurance scheme has no parameters in this region",
    ),
    "uninsured": ("就诊当日未参保", "the person was not insured on the day"),
    "unknown_person": (
        "居民登记中没有该人（年末在册）",
        "the person is not in the residents registry at the year end",
    ),
}


def settle_claims(wh: Any, year: int, region: str, *, root: Path | None = None) -> pa.Table:
    """The ``claims`` of ``year``: every insured person's encounter adjudicated under the
    parameters of their scheme in ``region`` (``wh`` is a :class:`yigai.warehouse.Warehouse`). Settlement covers
    every resident of the region, so it needs a grant to all data (:mod:`yigai.access`)."""
    return settle_claims_explained(wh, year, region, root=root)[0]


def settle_claims_explained(
    wh: Any,
    year: int,
    region: str,
    *,
    root: Path | None = None,
    adjust: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    adjudicate: Adjudicator = adjudicate_table,
) -> tuple[pa.Table, list[tuple[str, str]]]:
    """:func:`settle_claims`, with the year's encounters that gave no claim, each with the
    code of its reason (:data:`DROPPED_REASONS`), in encounter-id order. ``adjust`` changes
    the encounters as built (level, county, referral links) before adjudication: what-if
    care-seeking scenarios (:mod:`yigai.policy.whatif.scenario`); it is given and returns
    the columns :data:`yigai.policy.claim_build.ADJUSTABLE`, one row per encounter, in
    order. ``adjudicate`` runs the
    kernel on one scheme's claims (same contract as :func:`adjudicate_table`): on Spark,
    :func:`yigai.policy.spark_settle.spark_adjudicator`."""
    access.require_all(wh.root, "医保结算 / settlement")
    return claims_of(wh, year, region, root=root, adjust=adjust, adjudicate=adjudicate)


def claims_of(
    wh: Any,
    year: int,
    region: str,
    *,
    root: Path | None = None,
    adjust: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    adjudicate: Adjudicator = adjudicate_table,
) -> tuple[pa.Table, list[tuple[str, str]]]:
    """The body of :func:`settle_claims_explained`, the grant already checked: ``wh`` is
    anything with the warehouse's ``read(name, months=, columns=)`` — the warehouse, or on a
    Spark worker one group of persons' records (:class:`yigai.policy.spark_claims.GroupRecords`)."""
    # one chunk per column: the month files' chunks would make every take and lookup
    # below (and the kernel's) gather across dozens of pieces
    encounters = wh.read(
        "encounters", months=Period.year(year).month_keys(), columns=ENCOUNTER_COLUMNS
    ).combine_chunks()
    group_columns = [f"grp_{code}" for code, _, _ in POPULATION_GROUPS]
    # Registries as they stood at the year end: one version per resident and unit.
    year_end = Period.year(year).end
    residents = read_in_force(
        wh, "residents", year_end, ["person_id", "home_unit_id", "scheme", *group_columns]
    )
    orgs = read_in_force(wh, "org_units", year_end, ["org_id", "parent_id", "kind", "level"])
    members = wh.read("community_members")
    referrals = wh.read(
        "referrals",
        columns=["referral_id", "from_institution_id", "to_institution_id", "from_encounter_id"],
    )

    schemes = scheme_regions(region, root=root)
    scheme = claim_build.scheme_on_date(wh, encounters, residents)
    dropped = claim_build.dropped(encounters, scheme, residents, list(schemes))
    # kept: a scheme settled here, and the person in the year-end registry (their groups)
    person = pc.index_in(encounters["person_id"], value_set=residents["person_id"])
    keep = pc.and_(
        pc.fill_null(pc.is_in(scheme, value_set=pa.array(list(schemes))), False),
        pc.is_valid(person),
    )
    enc, scheme, person = encounters.filter(keep), scheme.filter(keep), person.filter(keep)
    if enc.num_rows == 0:
        return CLAIMS.arrow_schema().empty_table(), dropped
    registry = residents.take(person)
    book = SchemeBook(region, root=root)
    columns = {
        **{name: enc[name] for name in ENCOUNTER_COLUMNS},
        **claim_build.placed(enc, registry["home_unit_id"], orgs),
        "referred": pc.is_valid(enc["referral_id"]),
        **claim_build.referral_links(
            enc, referrals, members, lambda d: book.at(d).referral_episode_days, _link_referrals
        ),
        **{name: pc.fill_null(registry[name].cast(pa.bool_()), False) for name in group_columns},
    }
    table = pa.table(columns)
    if adjust is not None:
        table = claim_build.adjusted(table, adjust)
    inputs = table.select(
        [*REQUIRED, "referred", "referred_from", "referral_in_community", *group_columns]
    )
    scheme_of = scheme.to_numpy(zero_copy_only=False)
    settled = pa.concat_tables(
        [
            _adjudicated(inputs, scheme_of == code, scheme_region, root, adjudicate)
            for code, scheme_region in schemes.items()
            if (scheme_of == code).any()
        ]
    )
    return _claims(settled, table), dropped


def _claims(settled: pa.Table, built: pa.Table) -> pa.Table:
    """The ``claims`` rows: the kernel's results (in claim order) with the encounter's
    institution, care type, level and county flag as built."""
    order = pc.index_in(settled["encounter_id"], value_set=built["encounter_id"])
    extra = built.select(["institution_id", "care_type", "level", "in_county"]).take(order)
    dates = settled["event_date"]
    columns = {
        "encounter_id": settled["encounter_id"],
        "person_id": settled["person_id"],
        "institution_id": extra["institution_id"],
        "event_date": dates,
        "year": pc.year(dates).cast(pa.int64()),
        "care_type": extra["care_type"],
        "level": extra["level"],
        "in_county": extra["in_county"],
        **{
            name: settled[name]
            for name in ("cost_total_fen", *SPLIT_COLUMNS, "scheme_region", "scheme_version")
        },
        "month": pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates)).cast(pa.int32()),
    }
    return _as_stored(columns, settled.num_rows)


def _as_stored(columns: dict[str, Any], rows: int) -> pa.Table:
    """``columns`` as a table of the ``claims`` schema; a stored column the settlement does
    not compute (the person key, which the warehouse assigns when it stores rows) is null."""
    schema = CLAIMS.arrow_schema()
    return pa.table(
        {f.name: columns[f.name] if f.name in columns else pa.nulls(rows, f.type) for f in schema}
    ).cast(schema)


def _adjudicated(
    table: pa.Table,
    rows: np.ndarray,
    scheme_region: str,
    root: Path | None,
    adjudicate: Adjudicator = adjudicate_table,
) -> pa.Table:
    """The ``rows`` of ``table`` adjudicated under ``scheme_region``, which is recorded."""
    settled = adjudicate(table.filter(pa.array(rows)), scheme_region, root=root)
    return settled.append_column(
        "scheme_region", pa.array([scheme_region] * settled.num_rows, pa.string())
    )


def _link_referrals(
    enc: pd.DataFrame,
    referrals: pd.DataFrame,
    members: pd.DataFrame,
    window_on: Callable[[dt.date], int],
) -> None:
    """Add ``referred_from`` and ``referral_in_community`` to admissions that came by referral;
    ``window_on(day)``: the episode window in days in force on ``day`` (module docstring)."""
    enc["referred_from"] = None
    enc["referral_in_community"] = False
    admissions = enc[(enc["care_type"] == "inpatient") & enc["referral_id"].notna()]
    if admissions.empty or referrals.empty:
        return
    adm = admissions[["encounter_id", "person_id", "visit_date", "event_date", "referral_id"]]
    adm = adm.merge(referrals, on="referral_id", how="inner")
    windows = {day: window_on(day) for day in adm["event_date"].unique()}
    adm["window"] = pd.to_timedelta(adm["event_date"].map(windows), unit="D")
    stays = enc.loc[
        enc["care_type"] == "inpatient",
        ["encounter_id", "person_id", "institution_id", "visit_date", "discharge_date"],
    ].rename(
        columns={
            "encounter_id": "from_encounter",
            "institution_id": "stay_institution_id",
            "visit_date": "from_visit",
        }
    )
    named = adm["from_encounter_id"].notna()
    # a referral that names the stay it leaves: that stay, whatever its dates in the window
    by_name = adm[named].merge(
        stays, left_on=["person_id", "from_encounter_id"], right_on=["person_id", "from_encounter"]
    )
    by_name = by_name[
        (pd.to_datetime(by_name["from_visit"]) <= pd.to_datetime(by_name["visit_date"]))
        & (_gap(by_name) <= by_name["window"])
    ]
    # otherwise: a stay at the referring institution that ended within the window
    by_place = adm[~named].merge(
        stays,
        left_on=["person_id", "from_institution_id"],
        right_on=["person_id", "stay_institution_id"],
    )
    gap = _gap(by_place)
    by_place = by_place[(gap >= pd.Timedelta(0)) & (gap <= by_place["window"])]
    cand = pd.concat([by_name, by_place])
    cand = cand[cand["from_encounter"] != cand["encounter_id"]]
    cand = cand.sort_values(["encounter_id", "discharge_date", "from_encounter"]).drop_duplicates(
        "encounter_id", keep="last"
    )
    if cand.empty:
        return
    cand["in_community"] = cand["encounter_id"].isin(_in_one_community(cand, members))
    linked = cand.set_index("encounter_id")
    enc["referred_from"] = (
        enc["encounter_id"].map(linked["from_encounter"]).where(lambda s: s.notna(), None)
    )
    enc["referral_in_community"] = (
        enc["encounter_id"].map(linked["in_community"]).fillna(False).astype(bool)
    )


def _gap(links: pd.DataFrame) -> pd.Series:
    """Days from the earlier stay's discharge to the admission (negative: recorded after it)."""
    return pd.to_datetime(links["visit_date"]) - pd.to_datetime(links["discharge_date"])


def _in_one_community(cand: pd.DataFrame, members: pd.DataFrame) -> set[str]:
    """Admissions whose referral's two institutions share a community on the admission day."""
    if members.empty:
        return set()
    m = members[["community_id", "institution_id", "valid_from", "valid_to"]]
    links = cand[["encounter_id", "from_institution_id", "to_institution_id", "visit_date"]]
    for end in ("from", "to"):
        side = m.rename(
            columns={
                "institution_id": f"{end}_institution_id",
                "valid_from": "vf",
                "valid_to": "vt",
            }
        )
        keys = [f"{end}_institution_id"] + (["community_id"] if end == "to" else [])
        links = links.merge(side, on=keys, how="inner")
        day = pd.to_datetime(links["visit_date"])
        valid = (pd.to_datetime(links["vf"]) <= day) & (
            links["vt"].isna() | (day < pd.to_datetime(links["vt"]))
        )
        links = links[valid].drop(columns=["vf", "vt"])
    return set(links["encounter_id"])

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

The claims are adjudicated by :func:`yigai.policy.adjudication_vectorised.adjudicate_table`
and returned with exactly ``CLAIMS.arrow_schema()`` (including ``month``).
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
from yigai.orgs.model import OrgKind
from yigai.periods import Period
from yigai.policy.adjudication_vectorised import REQUIRED, adjudicate_table
from yigai.policy.claims import CLAIMS
from yigai.policy.params import scheme_regions
from yigai.policy.scheme import OUT_OF_COUNTY, SchemeBook
from yigai.records.fields import RETIRED_REASON, VERSION_FROM
from yigai.records.schemas import POPULATION_GROUPS
from yigai.records.versions import VERSION_TO, read_in_force, spans

_LOCAL_LEVELS = ("village", "township", "county")
#: Adjudicates one scheme's claim table (``adjudicate_table(table, scheme_region, root=)``).
Adjudicator = Callable[..., pa.Table]
#: The encounter columns the batch reads to build claims (the desk's replay reads them too).
ENCOUNTER_COLUMNS = [
    "encounter_id",
    "person_id",
    "institution_id",
    "care_type",
    "visit_date",
    "discharge_date",
    "event_date",
    "referral_id",
    "cost_total_fen",
    "out_of_scope_fen",
]


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
    care-seeking scenarios (:mod:`yigai.policy.whatif.scenario`). ``adjudicate`` runs the
    kernel on one scheme's claims (same contract as :func:`adjudicate_table`): on Spark,
    :func:`yigai.policy.spark_settle.spark_adjudicator`."""
    access.require_all(wh.root, "医保结算 / settlement")
    encounters = wh.read(
        "encounters", months=Period.year(year).month_keys(), columns=ENCOUNTER_COLUMNS
    )
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

    enc = encounters.to_pandas()
    registry = residents.to_pandas()
    schemes = scheme_regions(region, root=root)
    enc["scheme"] = _scheme_on_date(wh, enc, registry)
    dropped = _dropped(enc, registry, schemes)
    res = registry.drop(columns="scheme")
    enc = enc[enc["scheme"].isin(list(schemes))].merge(res, on="person_id", how="inner")
    if enc.empty:
        return CLAIMS.arrow_schema().empty_table(), dropped

    org = orgs.to_pandas().set_index("org_id")
    home_county = _county_of(res["home_unit_id"], org)
    enc["home_county"] = enc["person_id"].map(dict(zip(res["person_id"], home_county, strict=True)))
    enc["inst_county"] = enc["institution_id"].map(org["parent_id"])
    inst_level = enc["institution_id"].map(org["level"])
    if inst_level.isna().any():
        bad = enc.loc[inst_level.isna(), "encounter_id"].iloc[0]
        raise ValueError(
            f"就诊 {bad} 的机构没有医保支付级别 / encounter {bad}: institution has no policy level"
        )
    enc["in_county"] = (enc["inst_county"] == enc["home_county"]).fillna(False).astype(bool)
    enc["level"] = np.where(
        ~enc["in_county"] & inst_level.isin(_LOCAL_LEVELS), OUT_OF_COUNTY, inst_level
    )
    enc["referred"] = enc["referral_id"].notna()
    book = SchemeBook(region, root=root)
    _link_referrals(
        enc, referrals.to_pandas(), members.to_pandas(), lambda d: book.at(d).referral_episode_days
    )

    if adjust is not None:
        enc = adjust(enc)
    table = pa.Table.from_pandas(
        enc[
            [
                *REQUIRED,
                "referred",
                "referred_from",
                "referral_in_community",
                *group_columns,
            ]
        ],
        preserve_index=False,
    )
    table = table.set_column(
        table.schema.get_field_index("event_date"),
        "event_date",
        table["event_date"].cast(pa.date32()),
    )
    for name in group_columns:
        table = table.set_column(
            table.schema.get_field_index(name), name, table[name].cast(pa.bool_()).fill_null(False)
        )
    scheme_of = enc["scheme"].to_numpy()
    settled = pa.concat_tables(
        [
            _adjudicated(table, scheme_of == scheme, scheme_region, root, adjudicate)
            for scheme, scheme_region in schemes.items()
            if (scheme_of == scheme).any()
        ]
    )

    extra = pa.Table.from_pandas(
        enc[["encounter_id", "institution_id", "care_type", "level", "in_county"]],
        preserve_index=False,
    )
    order = pc.index_in(settled["encounter_id"], value_set=extra["encounter_id"])
    extra = extra.take(order)
    dates = settled["event_date"]
    year_col = pc.year(dates).cast(pa.int64())
    month = pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates)).cast(pa.int32())
    columns = {
        "encounter_id": settled["encounter_id"],
        "person_id": settled["person_id"],
        "institution_id": extra["institution_id"],
        "event_date": dates,
        "year": year_col,
        "care_type": extra["care_type"],
        "level": extra["level"],
        "in_county": extra["in_county"],
        "cost_total_fen": settled["cost_total_fen"],
        "eligible_fen": settled["eligible_fen"],
        "deductible_fen": settled["deductible_fen"],
        "fund_fen": settled["fund_fen"],
        "critical_fen": settled["critical_fen"],
        "assistance_fen": settled["assistance_fen"],
        "patient_fen": settled["patient_fen"],
        "scheme_region": settled["scheme_region"],
        "scheme_version": settled["scheme_version"],
        "month": month,
    }
    return pa.table(columns).cast(CLAIMS.arrow_schema()), dropped


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


def _scheme_on_date(wh: Any, enc: pd.DataFrame, registry: pd.DataFrame) -> pd.Series:
    """Each encounter's scheme: the person's registry version in force on ``event_date``, else
    their year-end one (a person registered after the encounter), else none (unknown)."""
    versions = spans(
        wh.read("residents", columns=["person_id", "scheme", VERSION_FROM, RETIRED_REASON]),
        ("person_id",),
    ).to_pandas()
    links = enc[["encounter_id", "person_id", "event_date"]].merge(versions, on="person_id")
    day = pd.to_datetime(links["event_date"])
    links = links[
        (pd.to_datetime(links[VERSION_FROM]) <= day) & (day <= pd.to_datetime(links[VERSION_TO]))
    ]
    on_date = enc["encounter_id"].map(
        links.drop_duplicates("encounter_id").set_index("encounter_id")["scheme"]
    )
    year_end = enc["person_id"].map(registry.set_index("person_id")["scheme"])
    return on_date.fillna(year_end)


def _dropped(
    enc: pd.DataFrame, registry: pd.DataFrame, schemes: dict[str, str]
) -> list[tuple[str, str]]:
    """The encounters left out (unknown person, uninsured, or a scheme without parameters),
    each with the code of its reason."""
    out = enc.loc[~enc["scheme"].isin(list(schemes)), ["encounter_id", "person_id", "scheme"]]
    known = out["person_id"].isin(registry["person_id"])
    reasons = np.where(
        ~known,
        "unknown_person",
        np.where(out["scheme"] == "none", "uninsured", "not_resident_scheme"),
    )
    return sorted(zip(out["encounter_id"].tolist(), reasons.tolist(), strict=True))


def _county_of(units: pd.Series, org: pd.DataFrame) -> pd.Series:
    kind = units.map(org["kind"])
    parent = units.map(org["parent_id"])
    return pd.Series(np.where(kind == OrgKind.COUNTY.value, units, parent), index=units.index)


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

"""Enriched record views (统计视图) in Ibis: record sets joined to periods and org attributes.

Every view has ``period_id``, ``grain`` and ``as_of`` (the date used for dated community
membership) plus the columns indicators filter on. Two shapes:

* **events** (``encounters``, ``claims``, ``referrals``, ``followups``, ``drug_purchases``):
  the builder gives one
  row per record with its ``month`` key and ``as_of`` (the record's own date);
  :func:`in_periods` then gives one row per record per period that contains it (a March visit
  counts in 202503, 2025Q1 and 2025). The compiler delays that join until after it has
  aggregated additive measures per unit × day, so the expansion touches thousands of rows.
* **stocks** (``residents``, ``staff``, ``resources``, ``chronic_cases``): a record counts in a
  period if it is active **at the period end** (时点数); ``as_of`` is the period end. A record leaving on
  the period end (``left_on``, ``closed_on``) is gone by then and not counted; a contract's
  ``valid_to`` is its last valid day, so one ending on the period end is valid there (the
  residents' ``has_contract``). docs/indicators.md, tests/indicators/test_period_ends.py.
  ``health_checkups`` is stock-shaped too: the check-ups in the period of the residents on its
  end (:func:`health_checkups`).

Attribution columns: ``home_unit_id`` (the resident's home institution, 属地) and
``institution_id`` (the institution that did the work). This module builds expressions only;
it never imports a backend.

Registries are read as they stood on the date measured (:func:`in_force`, one rule for both
engines): a stock uses the version in force at the period end, an event the home and
institution in force on its own date, a chronic case those on its ``managed_from``. A resident
who moved, an institution renamed or re-parented, a contract ended early are new versions
(:mod:`yigai.records.versions`), so each period is measured against the registry of its day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

from yigai.orgs.model import PRIMARY_TYPES, InstitutionType
from yigai.records import schemas
from yigai.records.fields import VERSION_FROM
from yigai.records.versions import VERSION_TO

#: 公立医院: hospital types counted by 预约转诊占比. The county MCH hospital and CDC are
#: specialist public-health institutions in health statistics, not hospitals.
HOSPITAL_TYPES = (
    InstitutionType.COUNTY_GENERAL.value,
    InstitutionType.COUNTY_TCM.value,
    InstitutionType.CITY_HOSPITAL.value,
    InstitutionType.PROVINCE_HOSPITAL.value,
)

#: 重点人群: residents aged 65+ or 0–6, or in any of these groups.
KEY_GROUPS = (
    "hypertension",
    "diabetes",
    "severe_mental",
    "tuberculosis",
    "disabled",
    "poverty",
    "special_family",
    "pregnant",
)

Tables = Mapping[str, ir.Table]


def _periods(t: Tables) -> ir.Table:
    return t["periods"]


def _events(records: ir.Table, t: Tables, date_col: str) -> ir.Table:
    """An event's ``as_of`` is its own date; :func:`in_periods` places it in periods."""
    return records.mutate(as_of=records[date_col])


def in_periods(records: ir.Table, t: Tables) -> ir.Table:
    """One row per event × period containing its month (a March visit: 202503, Q1, year)."""
    return records.join(t["period_months"], "month")


def build(name: str, t: Tables) -> ir.Table:
    """The full view ``name``: every row carries ``period_id``, ``grain`` and ``as_of``."""
    view = BUILDERS[name](t)
    return in_periods(view, t) if name in EVENT_VIEWS else view


def _active_at_end(
    records: ir.Table,
    t: Tables,
    start_col: str,
    end_col: str | None,
    inclusive_end: bool,
    periods: ir.Table | None = None,
) -> ir.Table:
    """Stock records active at the period end: started on or before it and not ended by then.

    ``end_col`` is the day a record stops (``left_on``, ``closed_on``: gone that day, so one
    ending ON the period end is not counted) or, with ``inclusive_end``, its last valid day
    (a contract's ``valid_to``: counted on it). ``periods`` (default: the periods table) may
    be any table with ``period_end``.
    """
    p = _periods(t) if periods is None else periods
    preds = [records[start_col] <= p.period_end]
    if end_col is not None:
        stop = records[end_col]
        still = stop >= p.period_end if inclusive_end else stop > p.period_end
        preds.append(stop.isnull() | still)
    joined = records.join(p, preds)
    return joined.mutate(as_of=joined.period_end)


def in_force(records: ir.Table, day: ir.DateValue) -> ir.BooleanValue:
    """The version of a registry row in force on ``day`` (:mod:`yigai.records.versions`):
    the engine hands registries over with each version's last day, ``version_to``, and
    without retired versions."""
    return (records[VERSION_FROM] <= day) & (records[VERSION_TO] >= day)


def _homes(t: Tables) -> ir.Table:
    r = t["residents"]
    return r.select(
        _home_person=r.person_key,
        _home_from=r[VERSION_FROM],
        _home_to=r[VERSION_TO],
        home_unit_id=r.home_unit_id,
        home_scheme=r.scheme,
    )


def _with_home(records: ir.Table, t: Tables, day: str, home: bool = True) -> ir.Table:
    """``records`` with the home of their person as registered on their ``day`` column;
    unchanged when ``home`` is false (a query that reads no home column skips the join)."""
    if not home:
        return records
    h = _homes(t)
    on = records[day]
    # On the integer person key, not the 32-character pseudonym: the costliest join of a view.
    preds = [records.person_key == h._home_person, h._home_from <= on, h._home_to >= on]
    return records.left_join(h, preds).drop("_home_person", "_home_from", "_home_to")


def _inst_attrs(t: Tables, prefix: str) -> ir.Table:
    o, c = t["org_units"], t["org_county"]
    joined = o.left_join(c, o.org_id == c.org_id)
    return joined.select(
        **{
            f"_{prefix}_org": joined.org_id,
            f"_{prefix}_from": joined[VERSION_FROM],
            f"_{prefix}_to": joined[VERSION_TO],
            f"{prefix}_type": joined.inst_type,
            f"{prefix}_level": joined.level,
            f"{prefix}_ownership": joined.ownership,
            f"{prefix}_county_id": joined.county_id,
        }
    )


def _with_inst(records: ir.Table, t: Tables, prefix: str, org: str, day: str) -> ir.Table:
    """``records`` with the attributes of the institution in column ``org`` as registered
    on their ``day`` column, as ``{prefix}_type`` etc."""
    i = _inst_attrs(t, prefix)
    on = records[day]
    preds = [records[org] == i[f"_{prefix}_org"], i[f"_{prefix}_from"] <= on]
    preds.append(i[f"_{prefix}_to"] >= on)
    return records.left_join(i, preds).drop(*(f"_{prefix}_{c}" for c in ("org", "from", "to")))


def encounters(t: Tables, home: bool = True) -> ir.Table:
    """就诊: one row per encounter × period, with institution and home attributes.

    ``drug_fen`` = western drugs + Chinese patent medicines; herbal pieces (中药饮片) are
    excluded, as 药占比 targets of the period exclude them.
    """
    e = _with_home(t["encounters"], t, "event_date", home)
    e = _with_inst(e, t, "inst", "institution_id", "event_date")
    if home:
        c = t["org_county"]
        home_c = c.select(_home_org=c.org_id, home_county_id=c.county_id)
        e = e.left_join(home_c, e.home_unit_id == home_c._home_org).drop("_home_org")
        e = e.mutate(in_county=(e.inst_county_id == e.home_county_id).fill_null(False))
    e = e.mutate(
        is_primary=e.inst_type.isin([x.value for x in PRIMARY_TYPES]).fill_null(False),
        is_public_hospital=(
            (e.inst_ownership == "public") & e.inst_type.isin(HOSPITAL_TYPES)
        ).fill_null(False),
        is_outpatient=e.care_type.isin(["outpatient", "emergency"]),
        is_inpatient=e.care_type == "inpatient",
        drug_fen=e.cost_drug_western_fen + e.cost_drug_patent_fen,
        # 药品收入 in the national monitoring set's 百元医疗收入中药品收入 includes herbal pieces.
        drug_all_fen=e.cost_drug_western_fen + e.cost_drug_patent_fen + e.cost_herbal_fen,
        # 医疗服务收入: medical revenue less drugs (incl. herbal pieces), materials,
        # examinations and laboratory tests — the usual reform-monitoring definition.
        service_income_fen=e.cost_total_fen
        - e.cost_drug_western_fen
        - e.cost_drug_patent_fen
        - e.cost_herbal_fen
        - e.cost_material_fen
        - e.cost_exam_fen
        - e.cost_lab_fen,
    )
    return _events(e, t, "event_date")


def _age_at(birth_ym: ir.DateValue, day: ir.DateValue) -> ir.IntegerValue:
    """Completed years on ``day`` (周岁) from the birth year-month only (the day is not
    stored): the birthday is taken as the last day of the birth month. Period ends are month
    ends, where this is exact; on other days it never overstates an age (docs/indicators.md)."""
    month_end = (day + ibis.interval(days=1)).month() != day.month()
    before_birthday = (day.month() < birth_ym.month()) | (
        (day.month() == birth_ym.month()) & ~month_end
    )
    return day.year() - birth_ym.year() - ibis.ifelse(before_birthday, 1, 0)


def _contract_masks(t: Tables) -> ir.Table:
    """Per person, the period ends on which they hold a family-doctor contract (家庭医生签约),
    as the OR of the ends' ``end_mask`` bits: the one contract-validity rule. ``valid_to``
    (到期日期) is the last valid day, so a contract ending on the period end still counts there.

    One row per person, not per person × period: the residents join it once and test their
    period's bit, instead of joining one row per resident × period on string keys.
    """
    p = _periods(t)
    ends = p.select(p.period_end, p.end_mask).distinct()  # a quarter ends with its 3rd month
    c = _active_at_end(t["contracts"], t, "valid_from", "valid_to", True, periods=ends)
    c = c.filter(in_force(c, c.period_end))  # a contract ended early: its corrected version
    # OR, not a sum: two contracts valid on one end set its bit once.
    return c.group_by(_c_person=c.person_key).aggregate(_c_mask=_bit_or(c.end_mask))


@ibis.udf.agg.builtin(name="bit_or")
def _bit_or(x: dt.int64) -> dt.int64:  # type: ignore[empty-body]
    """Bitwise OR of a group's integers: ``bit_or`` in DuckDB and Spark SQL alike."""


def _residents_at_end(r: ir.Table, t: Tables) -> ir.Table:
    """Residents (versions of ``r``) registered on the period end and not left, as the
    version in force that day, with ``age`` (completed years) on it: the one rule for who
    is a 常住居民 of a period and how old."""
    r = _active_at_end(r, t, "registered_on", "left_on", inclusive_end=False)
    r = r.filter(in_force(r, r.period_end))
    return r.mutate(age=_age_at(r.birth_ym, r.period_end))


def residents(t: Tables) -> ir.Table:
    """常住居民: residents registered on the period end and not left (时点数).

    ``age`` is completed years at the period end; ``key_population`` (重点人群) is age ≥ 65
    or ≤ 6, or any group flag in :data:`KEY_GROUPS`; ``has_contract`` is a family-doctor
    contract valid on the period end; ``has_health_record`` (建档) a record opened on or before
    the period end, ``has_electronic_record`` (电子建档) such a record flagged electronic.
    """
    r = t["residents"]
    # Each person's contract ends, joined once per resident version before the periods.
    cm = _contract_masks(t)
    r = r.left_join(cm, r.person_key == cm._c_person).drop("_c_person")
    r = r.mutate(institution_id=r.home_unit_id, home_scheme=r.scheme)
    r = _residents_at_end(r, t)
    flag = (r.age >= 65) | (r.age <= 6)
    for g in KEY_GROUPS:
        flag = flag | r[f"grp_{g}"].fill_null(False)
    rec = r.health_record_on.notnull() & (r.health_record_on <= r.period_end)
    r = r.mutate(
        key_population=flag,
        has_health_record=rec,
        has_electronic_record=rec & r.health_record_electronic.fill_null(False),
    )
    has = (r._c_mask & r.end_mask) != 0
    return r.mutate(has_contract=has.fill_null(False)).drop("_c_mask")


def staff(t: Tables) -> ir.Table:
    """卫生人员: staff in post on the period end, with their institution's type.

    ``is_primary`` marks staff of 基层医疗卫生机构 (including village clinics, so 乡村医生
    count among 基层卫生人员).
    """
    s = _active_at_end(t["staff"], t, "joined_on", "left_on", inclusive_end=False)
    s = s.filter(in_force(s, s.period_end))
    s = _with_inst(s, t, "inst", "institution_id", "period_end")
    return s.mutate(is_primary=s.inst_type.isin([x.value for x in PRIMARY_TYPES]).fill_null(False))


def claims(t: Tables, home: bool = True) -> ir.Table:
    """医保结算: adjudicated claims by month of the statistics date.

    ``reimbursed_fen`` = 统筹基金 + 大病保险 + 医疗救助 (all third-party payments, the common
    definition of 实际报销); ``in_county`` is the adjudication's own flag; ``is_primary`` is
    the treating institution's type.
    """
    c = _with_home(t["claims"], t, "event_date", home)
    c = _with_inst(c, t, "inst", "institution_id", "event_date")
    c = c.mutate(
        is_primary=c.inst_type.isin([x.value for x in PRIMARY_TYPES]).fill_null(False),
        is_outpatient=c.care_type.isin(["outpatient", "emergency"]),
        is_inpatient=c.care_type == "inpatient",
        reimbursed_fen=c.fund_fen + c.critical_fen + c.assistance_fen,
    )
    return _events(c, t, "event_date")


def referrals(t: Tables, home: bool = True) -> ir.Table:
    """双向转诊: referrals by request month, attributed to the referring institution."""
    r = _with_home(t["referrals"], t, "requested_on", home)
    r = r.mutate(institution_id=r.from_institution_id)
    r = _with_inst(r, t, "from", "from_institution_id", "requested_on")
    r = _with_inst(r, t, "to", "to_institution_id", "requested_on")
    return _events(r, t, "requested_on")


def chronic_cases(t: Tables, home: bool = True) -> ir.Table:
    """慢病管理档案: cases under management on the period end.

    ``is_primary``: the managing institution is a 基层医疗卫生机构.
    """
    c = _with_home(t["chronic_cases"], t, "managed_from", home)
    c = _with_inst(c, t, "inst", "institution_id", "managed_from")
    c = c.mutate(is_primary=c.inst_type.isin([x.value for x in PRIMARY_TYPES]).fill_null(False))
    return _active_at_end(c, t, "managed_from", "closed_on", inclusive_end=False)


def followups(t: Tables, home: bool = True) -> ir.Table:
    """慢病随访: follow-ups by month of the follow-up date.

    ``face_to_face`` (面对面随访) is a clinic or home visit; a phone call is not.
    """
    f = _with_home(t["followups"], t, "followup_date", home)
    f = f.mutate(face_to_face=f["mode"].isin(["clinic", "home"]))
    return _events(f, t, "followup_date")


def resources(t: Tables) -> ir.Table:
    """机构资源登记: each institution's resources as registered on the period end (时点数).

    A version is a stock from its ``version_from`` to its ``version_to``, so the version in
    force on the period end is the one row per institution and period. ``inst_type`` and
    ``inst_ownership`` come from the institution's org-unit version on that day.
    """
    r = _active_at_end(t["resources"], t, VERSION_FROM, VERSION_TO, inclusive_end=True)
    r = r.mutate(institution_id=r.org_id)
    r = _with_inst(r, t, "inst", "institution_id", "period_end")
    return r.mutate(is_primary=r.inst_type.isin([x.value for x in PRIMARY_TYPES]).fill_null(False))


def health_checkups(t: Tables) -> ir.Table:
    """健康体检: check-ups in the period of people who are residents on the period end.

    One row per check-up × period whose days contain its date (not by month: a period is
    its own ``period_start`` … ``period_end``), joined to the person's resident version on
    the period end, which gives ``age`` (completed years then, :func:`_age_at`) and
    ``home_unit_id``. A check-up of someone who left before the period end, or who is no
    resident, is dropped: numerator and denominator of a rate over 65+ residents count the
    same people. ``as_of`` is the period end, as for a stock.
    """
    h, p = t["health_checkups"], _periods(t)
    h = h.join(p, [h.checkup_date >= p.period_start, h.checkup_date <= p.period_end])
    r = _residents_at_end(t["residents"], t)
    r = r.select(
        _r_person=r.person_key,  # the integer person key, as every join on persons
        _r_period=r.period_id,
        home_unit_id=r.home_unit_id,
        home_scheme=r.scheme,
        age=r.age,
    )
    j = h.join(r, [h.person_key == r._r_person, h.period_id == r._r_period])
    return j.mutate(as_of=j.period_end).drop("_r_person", "_r_period")


def drug_purchases(t: Tables) -> ir.Table:
    """药品网上集中采购: orders by month of the order date, with the purchasing institution's
    type on that day (``is_primary``: a 基层医疗卫生机构)."""
    d = _with_inst(t["drug_purchases"], t, "inst", "institution_id", "order_date")
    d = d.mutate(is_primary=d.inst_type.isin([x.value for x in PRIMARY_TYPES]).fill_null(False))
    return _events(d, t, "order_date")


#: Stock views (时点数): their rows depend on the period's end only (``period_end``,
#: ``end_mask``), so additive sides count them once per distinct end
#: (:func:`yigai.indicators.compiler.compile_batch`).
STOCK_VIEWS = frozenset({"residents", "staff", "chronic_cases", "resources"})

#: Views whose rows are dated events, placed in periods by month (not stocks at period end).
EVENT_VIEWS = frozenset({"claims", "encounters", "referrals", "followups", "drug_purchases"})

BUILDERS: dict[str, Callable[..., ir.Table]] = {
    "claims": claims,
    "encounters": encounters,
    "residents": residents,
    "staff": staff,
    "resources": resources,
    "referrals": referrals,
    "chronic_cases": chronic_cases,
    "followups": followups,
    "health_checkups": health_checkups,
    "drug_purchases": drug_purchases,
}

_HOME = frozenset({"home_unit_id", "home_scheme"})
#: Per view that joins residents' homes (:func:`_with_home`), the columns that come from it.
HOME_COLUMNS: dict[str, frozenset[str]] = {
    "encounters": _HOME | {"home_county_id", "in_county"},
    "claims": _HOME,
    "referrals": _HOME,
    "chronic_cases": _HOME,
    "followups": _HOME,
}


def lean(name: str, t: Tables, reads: frozenset[str]) -> ir.Table:
    """The view ``name`` for a query that reads only the columns ``reads``: without the join
    to the residents registry when it reads none of the home columns. That join is the
    costliest of an event view (every event matched on its person), and SQL engines keep a
    left join whose columns nobody reads."""
    if name in HOME_COLUMNS and not reads & HOME_COLUMNS[name]:
        return BUILDERS[name](t, home=False)
    return BUILDERS[name](t)


#: The record sets each view reads, besides the org units and community members every
#: computation reads for its hierarchy.
VIEW_SOURCES: dict[str, tuple[str, ...]] = {
    "encounters": ("encounters", "residents"),
    "claims": ("claims", "residents"),
    "referrals": ("referrals", "residents"),
    "followups": ("followups", "residents"),
    "chronic_cases": ("chronic_cases", "residents"),
    "residents": ("residents", "contracts"),
    "staff": ("staff",),
    "resources": ("resources",),
    "health_checkups": ("health_checkups", "residents"),
    "drug_purchases": ("drug_purchases",),
}


def record_sets(view_names: set[str]) -> frozenset[str]:
    """The record sets the views ``view_names`` read, the hierarchy's included."""
    out = {"org_units", "community_members"}
    for name in view_names:
        out.update(VIEW_SOURCES[name])
    return frozenset(out)


#: Derived tables the engine provides next to the record sets.
DERIVED_SCHEMAS: dict[str, dict[str, str]] = {
    "org_county": {"org_id": "string", "county_id": "string"},
    "closure": {
        "descendant_id": "string",
        "ancestor_id": "string",
        "ancestor_kind": "string",
        "depth": "int32",
        "valid_from": "date",
        "valid_to": "date",
    },
    "periods": {
        "period_id": "string",
        "grain": "string",
        "period_start": "date",
        "period_end": "date",
        "end_mask": "int64",
    },
    "period_months": {"period_id": "string", "grain": "string", "month": "int32"},
}


def _given_schema(name: str) -> pa.Schema:
    """The schema the engine hands a record set over in: a versioned registry's versions
    carry ``version_to`` (:func:`yigai.records.versions.spans`)."""
    schema = schemas.get(name).arrow_schema()
    if schemas.get(name).versioned:
        schema = schema.append(pa.field(VERSION_TO, pa.date32()))
    return schema


def unbound_tables() -> dict[str, ir.Table]:
    """Backend-free tables with the stored schemas, to check catalogue columns at load time."""
    out: dict[str, ir.Table] = {
        rs.name: ibis.table(ibis.schema(_given_schema(rs.name)), name=rs.name) for rs in schemas.ALL
    }
    out.update({name: ibis.table(s, name=name) for name, s in DERIVED_SCHEMAS.items()})
    return out


@cache
def columns() -> dict[str, dict[str, str]]:
    """View name → column → Ibis type name, as the compiler will see them."""
    t = unbound_tables()
    return {
        name: {col: str(dtype) for col, dtype in build(name, t).schema().items()}
        for name in BUILDERS
    }

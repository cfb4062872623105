"""Every ``where``/``then`` condition of the shipped catalogue decides some fixture value.

A condition the fixtures never exercise can be deleted, or written wrongly, without any test
noticing. :func:`test_every_catalogue_condition_changes_some_value` removes each condition of
each catalogue entry in turn and requires at least one (unit, period) numerator or
denominator to change; so a new condition needs a case here (or in conftest.py) too.

The conftest region leaves some conditions unexercised; county **K3** (under city C) adds
one case for each, in May 2025 (stocks from before 2025), without touching K1 or K2, so the
hand-computed tests of the other files stay true. ``CASES`` gives each condition's value
with it and without it, worked out by hand from this table::

    K3 ─┬─ H3 county general hospital (public)   T3 township centre   V3 village clinic
    residents (home V3): q1 44 uninsured · q2 74 (key: 65+) · q3 44 employee · q4 44 ·
                         q5, q6 children of a special family (key)
    contracts n3: q3 (not a key person), n5: q5; both valid all 2025
    staff: t1 T3 doctor junior secondary · t2 T3 nurse senior bachelor ·
           t3 H3 doctor senior master · t4 H3 public health
    resources: T3 10 posts, no 中医馆, not upgraded · V3 not standardised, no essential-drug
               flag · H3 with every flag ticked (中医馆, standardised, upgraded, essential
               drugs: counted for no type)
    check-ups  y1 q2 (74) periodic 05-10 · y2 q1 (44) elderly_annual 05-11, both at T3
    encounters  a1 q1 H3 inpatient  05-10              (uninsured)
                a2 q2 H3 inpatient  05-12 appointment  (a booked admission)
                a3 q2 T3 outpatient 05-06 appointment  claim: fund 500, in county
                a4 q3 H3 outpatient 05-07 TCM
                a5 q3 T3 inpatient  05-20 TCM
                a6 x9 T3 outpatient 05-08              claim: fund 1000, out of county
    referrals   g1 q2 down H3→V3 05-15 completed · g2 q1 down H3→V3 05-16 rejected ·
                g3 q3 up H3→CH 05-17 rejected
    cases (V3)  j1 q1 diabetes · j2 q2 hypertension · j3 q3 hypertension ·
                j4 q3 diabetes · j5 q4 hypertension · j6 q2 severe mental disorder ·
                j7 q2 tuberculosis (q2 is flagged for both)
    follow-ups (2025; BP sbp/dbp, glucose G)
        j1  clinic 02-10, 04-10, 07-10, 10-10, each 120/70 G 6.0
        j2  clinic 03-05 130/80 · clinic 06-05 132/82 · phone 09-05 · clinic 11-05 —/80
        j3  clinic 04-15 130/95 G 6.5
        j4  clinic 02-20 G 6.0 · clinic 05-20 G 6.2 · clinic 08-20 G 6.4 · phone 11-20
        j5  clinic 04-25 125/80 · clinic 05-25 130/—
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from conftest import (
    PERIODS,
    D,
    chronic_cases,
    claims,
    contracts,
    encounter,
    followups,
    health_checkups,
    like,
    org_units,
    referrals,
    region,
    residents,
    staff,
)
from yigai.indicators import catalogue, compute
from yigai.indicators.catalogue import Catalogue
from yigai.indicators.model import Indicator

pytestmark = pytest.mark.xdist_group("k3_conditions")

K3_PERIODS = (*PERIODS, "202505")

_CASE = {"j1": ("q1", "diabetes"), "j2": ("q2", "hypertension"), "j3": ("q3", "hypertension"),
         "j4": ("q3", "diabetes"), "j5": ("q4", "hypertension")}  # fmt: skip


def _followups() -> list[dict[str, Any]]:
    bp = {"sbp": 120, "dbp": 70, "fasting_glucose": 6.0}
    rows = [
        *[("j1", D(2025, m, 10), "clinic", bp) for m in (2, 4, 7, 10)],
        ("j2", D(2025, 3, 5), "clinic", {"sbp": 130, "dbp": 80}),
        ("j2", D(2025, 6, 5), "clinic", {"sbp": 132, "dbp": 82}),
        ("j2", D(2025, 9, 5), "phone", {}),
        ("j2", D(2025, 11, 5), "clinic", {"dbp": 80}),  # systolic not recorded
        ("j3", D(2025, 4, 15), "clinic", {"sbp": 130, "dbp": 95, "fasting_glucose": 6.5}),
        *[("j4", D(2025, m, 20), "clinic", {"fasting_glucose": g})
          for m, g in ((2, 6.0), (5, 6.2), (8, 6.4))],
        ("j4", D(2025, 11, 20), "phone", {}),  # glucose not reported
        ("j5", D(2025, 4, 25), "clinic", {"sbp": 125, "dbp": 80}),
        ("j5", D(2025, 5, 25), "clinic", {"sbp": 130}),  # diastolic not recorded
    ]  # fmt: skip
    out = []
    for n, (case, day, mode, readings) in enumerate(rows, start=1):
        person, disease = _CASE[case]
        reading = {"sbp": None, "dbp": None, "fasting_glucose": None, **readings}
        out.append(
            like(followups(), "u1", followup_id=f"v{n}", case_id=case, person_id=person,
                 disease=disease, institution_id="V3", followup_date=day, mode=mode, **reading)
        )  # fmt: skip
    return out


def _claim(enc: dict[str, Any], fund: int, in_county: bool, level: str) -> dict[str, Any]:
    total = enc["cost_total_fen"]
    return like(
        claims(), "e1", encounter_id=enc["encounter_id"], person_id=enc["person_id"],
        institution_id=enc["institution_id"], event_date=enc["event_date"], year=2025,
        care_type=enc["care_type"], level=level, in_county=in_county, cost_total_fen=total,
        eligible_fen=total, deductible_fen=0, fund_fen=fund, critical_fen=0, assistance_fen=0,
        patient_fen=total - fund, month=enc["month"],
    )  # fmt: skip


def k3_region() -> dict[str, pa.Table]:
    """The conftest region plus county K3 (module docstring)."""
    o = org_units()
    orgs = [
        like(o, "K2", org_id="K3", name="K3 名称"),
        like(o, "H1", org_id="H3", parent_id="K3", name="H3 名称"),
        like(o, "T1", org_id="T3", parent_id="K3", name="T3 名称"),
        like(o, "V1", org_id="V3", parent_id="K3", name="V3 名称"),
    ]
    r = residents()  # r5: born 1980, no group flag, uninsured; r1: born 1950
    people = [
        like(r, "r5", person_id="q1", home_unit_id="V3"),
        like(
            r,
            "r1",
            person_id="q2",
            home_unit_id="V3",
            grp_severe_mental=True,
            grp_tuberculosis=True,
        ),
        like(r, "r5", person_id="q3", home_unit_id="V3", scheme="employee"),
        like(r, "r5", person_id="q4", home_unit_id="V3", scheme="resident"),
        # r4: a child born 2021; q5 and q6 are children of a special family
        like(r, "r4", person_id="q5", home_unit_id="V3", grp_special_family=True),
        like(r, "r4", person_id="q6", home_unit_id="V3", grp_special_family=True),
    ]
    s = staff()  # s3 T1 doctor, s2 T1 nurse, s8 H1 doctor
    # t1 is the one primary doctor (no college degree); the nurse t2 and the hospital doctor
    # t3 are senior and graduates, so they count only if `profession` / `is_primary` go.
    workers = [
        like(s, "s3", staff_id="t1", institution_id="T3", education="secondary"),
        like(s, "s2", staff_id="t2", institution_id="T3", title="senior", education="bachelor"),
        like(s, "s8", staff_id="t3", institution_id="H3", title="senior", education="master"),
        like(s, "s9", staff_id="t4", institution_id="H3", profession="public_health"),
    ]
    flags = {"tcm_clinic": True, "standard_clinic": True, "upgraded_centre": True}
    flags["essential_drugs"] = True
    registered = [
        {"org_id": "T3", "beds": 10, "posts": 10, "tcm_clinic": False, "upgraded_centre": False},
        {"org_id": "V3", "beds": 0, "standard_clinic": False},
        {"org_id": "H3", "beds": 100, "posts": 120, **flags},
    ]
    E = encounter
    # a1 uninsured admission; a2 booked admission; a3 booked at a township centre; a4 TCM at
    # the hospital; a5 TCM admission at a township centre; a6 a visitor from another county.
    visits = [
        E("a1", "q1", "H3", "inpatient", D(2025, 5, 10), other=10000),
        E("a2", "q2", "H3", "inpatient", D(2025, 5, 12), "appointment", other=20000),
        E("a3", "q2", "T3", "outpatient", D(2025, 5, 6), "appointment", other=1000),
        E("a4", "q3", "H3", "outpatient", D(2025, 5, 7), other=1000) | {"is_tcm": True},
        E("a5", "q3", "T3", "inpatient", D(2025, 5, 20), other=5000) | {"is_tcm": True},
        E("a6", "x9", "T3", "outpatient", D(2025, 5, 8), other=2000),
    ]
    by_id = {v["encounter_id"]: v for v in visits}
    bills = [_claim(by_id["a3"], 500, True, "township"),
             _claim(by_id["a6"], 1000, False, "out_of_county")]  # fmt: skip
    # g2 rejected: a down-referral asked for but not done.
    sent = [
        like(referrals(), "f2", referral_id=rid, person_id=who, from_institution_id="H3",
             to_institution_id="V3", requested_on=D(2025, 5, day), status=status)
        for rid, who, day, status in (("g1", "q2", 15, "completed"), ("g2", "q1", 16, "rejected"))
    ]  # fmt: skip
    # g3: an up-referral to the city hospital, rejected (out of county only if done).
    sent.append(
        like(referrals(), "f1", referral_id="g3", person_id="q3", from_institution_id="H3",
             to_institution_id="CH", requested_on=D(2025, 5, 17), status="rejected")
    )  # fmt: skip
    cases = [
        like(chronic_cases(), "k1", case_id=cid, person_id=who, disease=disease,
             institution_id="V3")
        for cid, (who, disease) in [*_CASE.items(), ("j6", ("q2", "severe_mental")),
                                    ("j7", ("q2", "tuberculosis"))]
    ]  # fmt: skip
    # q3 signs but is not a key person (44, no group flag).
    signed = [
        like(contracts(), "c3", contract_id=cid, person_id=who, institution_id="V3")
        for cid, who in (("n3", "q3"), ("n5", "q5"))
    ]
    # y1: a periodic check-up of q2 (74), not the elderly service; y2: the elderly service
    # recorded for q1, who is 44.
    checkups = [
        like(health_checkups(), "h1", checkup_id=cid, person_id=who, kind=kind,
             institution_id="T3", checkup_date=D(2025, 5, day))
        for cid, who, kind, day in (("y1", "q2", "periodic", 10), ("y2", "q1", "elderly_annual", 11))
    ]  # fmt: skip
    tables = region()
    extra = {
        "org_units": orgs,
        "residents": people,
        "staff": workers,
        "resources": registered,
        "encounters": visits,
        "claims": bills,
        "referrals": sent,
        "chronic_cases": cases,
        "followups": _followups(),
        "contracts": signed,
        "health_checkups": checkups,
    }
    for name, rows in extra.items():
        added = pa.Table.from_pylist(rows, tables[name].schema)
        tables[name] = pa.concat_tables([tables[name], added])
    return tables


def without(ind: Indicator, side: str, part: str, k: int) -> Indicator:
    """``ind`` with the ``k``-th condition of its ``side``'s ``part`` (where/then) removed."""
    s = getattr(ind, side)
    conds = getattr(s, part)
    cond = conds[k]
    return ind.model_copy(
        update={
            "id": f"{ind.id}__{side}_{part}_{cond.column}",
            side: s.model_copy(update={part: conds[:k] + conds[k + 1 :]}),
        }
    )


def mutants(cat: Catalogue) -> list[Indicator]:
    """One copy of every computed entry per condition, with that condition removed."""
    out = []
    for ind in cat:
        if ind.kind != "ratio":
            continue
        for side in ("numerator", "denominator"):
            s = getattr(ind, side)
            for part in ("where", "then") if s is not None else ():
                out += [without(ind, side, part, k) for k in range(len(getattr(s, part)))]
    assert len({m.id for m in out}) == len(out), "two conditions on one column of one side"
    return out


Pairs = dict[str, dict[tuple[str, str], tuple[int, int]]]


@pytest.fixture(scope="module")
def probe() -> Pairs:
    """indicator or mutant id → (org, period) → (numerator, denominator), in one run: the
    planner computes each distinct side once, so the hundred mutants cost one pass per view."""
    cat = catalogue.default()
    entries = tuple(i for i in cat if i.kind == "ratio") + tuple(mutants(cat))
    result = compute(k3_region(), K3_PERIODS, catalogue=Catalogue(entries, {}))
    out: Pairs = {}
    for r in result.to_pylist():
        out.setdefault(r["indicator_id"], {})[r["org_id"], r["period_id"]] = (
            r["numerator"],
            r["denominator"],
        )
    return out


def test_every_catalogue_condition_changes_some_value(probe: Pairs) -> None:
    ms = mutants(catalogue.default())
    assert len(ms) > 90
    idle = [m.id for m in ms if probe.get(m.id) == probe.get(m.id.split("__")[0])]
    assert not idle, f"conditions no fixture value depends on (add a case): {idle}"


#: (indicator, removed condition as side_part_column, org, period, with it, without it)
CASES = [
    # a1 is an uninsured in-county admission: counted only without the insured filter.
    ("in_county_inpatient_rate", "numerator_where_home_scheme", "K3", "202505", (2, 2), (3, 2)),
    ("in_county_inpatient_rate", "denominator_where_home_scheme", "K3", "202505", (2, 2), (2, 3)),
    # H3's outpatient a4 is a walk-in; a3 is booked at a township centre (not a hospital),
    # a2 is a booked admission (not an outpatient visit).
    ("booked_referral_share", "numerator_where_is_public_hospital", "K3", "202505",
     (0, 1), (1, 1)),
    ("booked_referral_share", "numerator_where_is_outpatient", "K3", "202505", (0, 1), (1, 1)),
    # Primary outpatient visits a3 a6; TCM a4 is at the hospital, TCM a5 is an admission.
    ("tcm_share", "numerator_where_is_primary", "K3", "202505", (0, 2), (1, 2)),
    ("tcm_share", "numerator_where_is_outpatient", "K3", "202505", (0, 2), (1, 2)),
    # T3's fund in county: a3 500; a6's 1000 is paid for a patient from outside the county.
    ("fund_primary_share", "numerator_where_in_county", "T3", "202505", (500, 500), (1500, 500)),
    # Key: q2 (74), no contract; q5 q6 (children), q5 signed; q3 signed but is not key.
    ("key_contract_rate", "numerator_where_key_population", "K3", "202505", (1, 3), (2, 3)),
    # Special family q5 (signed) and q6; q3 signed but is not in a special family.
    ("special_contract_rate", "numerator_where_grp_special_family", "K3", "202505",
     (1, 2), (2, 2)),
    ("special_contract_rate", "numerator_where_has_contract", "K3", "202505", (1, 2), (2, 2)),
    # H3's done referrals: g1 to V3; g3 to the city hospital was rejected.
    ("out_of_county_referral_rate", "numerator_where_status", "H3", "202505", (0, 1), (1, 1)),
    ("out_of_county_referral_rate", "numerator_where_to_level", "H3", "202505", (0, 1), (1, 1)),
    # Cases at V3 on 05-31: j1–j5 are hypertension or diabetes; j6, j7 are not counted.
    ("chronic_primary_management_rate", "numerator_where_disease", "K3", "202505",
     (5, 5), (7, 5)),
    ("chronic_primary_management_rate", "denominator_where_disease", "K3", "202505",
     (5, 5), (5, 7)),
    # q2 is the one registered severe-mental and tuberculosis patient, managed (j6, j7);
    # people with any case: q1–q4; residents: q1–q6.
    ("severe_mental_management_rate", "numerator_where_disease", "K3", "202505", (1, 1), (4, 1)),
    ("severe_mental_management_rate", "denominator_where_grp_severe_mental", "K3", "202505",
     (1, 1), (1, 6)),
    ("tuberculosis_management_rate", "numerator_where_disease", "K3", "202505", (1, 1), (4, 1)),
    ("tuberculosis_management_rate", "denominator_where_grp_tuberculosis", "K3", "202505",
     (1, 1), (1, 6)),
    # Residents q1–q6: q1 is uninsured.
    ("insurance_enrolment_rate", "numerator_where_home_scheme", "K3", "202505", (5, 6), (6, 6)),
    # g2 was rejected: not a down-referral done.
    ("down_referral_count", "numerator_where_status", "H3", "202505", (1, 1), (2, 1)),
    ("down_referral_rate", "numerator_where_status", "H3", "202505", (1, 1), (2, 1)),
    # Hypertension patients q2 q3 q4; q1 has diabetes only. Adults q1–q4 (× 27.5% in value).
    ("hypertension_management_rate", "numerator_where_disease", "K3", "202505", (3, 4), (4, 4)),
    # Hypertension cases j2 j3 j5; none has 4 face-to-face visits (j2: 3 + a phone call);
    # the diabetes case j1 has 4.
    ("phs_hypertension_standard_management_rate", "numerator_where_disease", "K3", "2025",
     (0, 3), (1, 3)),
    ("phs_hypertension_standard_management_rate", "numerator_where_face_to_face", "K3", "2025",
     (0, 3), (1, 3)),
    # Diabetes cases j1 (4 clinic visits) and j4 (3 + a phone call).
    ("phs_diabetes_standard_management_rate", "numerator_where_face_to_face", "K3", "2025",
     (1, 2), (2, 2)),
    # Latest complete readings: j2 132/82 ✓, j3 130/95 ✗ (diastolic), j5 125/80 ✓. Without
    # the not-null filters j2's and j5's half-recorded last readings are their latest; the
    # diabetes case j1's readings (120/70) count without the disease filter.
    ("hypertension_control_rate", "numerator_where_disease", "K3", "2025", (2, 3), (3, 3)),
    ("hypertension_control_rate", "numerator_where_sbp", "K3", "2025", (2, 3), (1, 3)),
    ("hypertension_control_rate", "numerator_where_dbp", "K3", "2025", (2, 3), (1, 3)),
    ("hypertension_control_rate", "numerator_then_dbp", "K3", "2025", (2, 3), (3, 3)),
    # Latest glucose: j1 6.0 ✓, j4 6.4 ✓ (its last follow-up, by phone, has none); the
    # hypertension case j3's 6.5 counts without the disease filter.
    ("diabetes_control_rate", "numerator_where_disease", "K3", "2025", (2, 2), (3, 2)),
    ("diabetes_control_rate", "numerator_where_fasting_glucose", "K3", "2025", (2, 2), (1, 2)),
    # The one primary doctor t1 is junior with secondary education; the nurse t2 is senior
    # with a bachelor's degree; t3 is a senior doctor at the county hospital.
    ("primary_doctor_intermediate_title_share", "numerator_where_profession", "K3", "202505",
     (0, 1), (1, 1)),
    ("primary_doctor_senior_title_share", "numerator_where_is_primary", "K3", "202505",
     (0, 1), (1, 1)),
    ("primary_doctor_senior_title_share", "numerator_where_profession", "K3", "202505",
     (0, 1), (1, 1)),
    ("primary_doctor_college_share", "numerator_where_education", "K3", "202505",
     (0, 1), (1, 1)),
    ("primary_doctor_bachelor_share", "numerator_where_profession", "K3", "202505",
     (0, 1), (1, 1)),
    # Public-health staff: t4 is at the hospital H3; T3 has 10 posts and none.
    ("township_public_health_staff_share", "numerator_where_inst_type", "K3", "202505",
     (0, 10), (1, 10)),
    # H3's flags count for no type: T3 has no 中医馆 and is not upgraded, V3 not standardised.
    ("tcm_clinic_share", "numerator_where_inst_type", "K3", "202505", (0, 1), (1, 1)),
    ("standard_village_clinic_share", "numerator_where_inst_type", "K3", "202505",
     (0, 1), (1, 1)),
    ("upgraded_centre_share", "numerator_where_inst_type", "K3", "202505", (0, 1), (1, 1)),
    ("essential_drug_village_clinic_share", "numerator_where_inst_type", "K3", "202505",
     (0, 1), (1, 1)),
    # 65+ in K3 on 2025-12-31: q2. Only the elderly service counts (not y1), only for 65+ (not y2).
    ("elderly_health_management_rate", "numerator_where_kind", "K3", "2025", (0, 1), (1, 1)),
    ("elderly_health_management_rate", "numerator_where_age", "K3", "2025", (0, 1), (1, 1)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("ind", "removed", "org", "period", "kept", "dropped"),
    CASES,
    ids=[f"{c[0]}-{c[1]}" for c in CASES],
)
def test_k3_case_decides_the_condition(
    probe: Pairs,
    ind: str,
    removed: str,
    org: str,
    period: str,
    kept: tuple[int, int],
    dropped: tuple[int, int],
) -> None:
    assert probe[ind][org, period] == kept
    assert probe[f"{ind}__{removed}"][org, period] == dropped

"""A tiny hand-computable region, and the engine results over it.

Geography (undated ``parent_id``)::

    P (province) ─ C (city) ─┬─ K1 (county) ─┬─ H1 county general hospital (public)
                             │               ├─ T1 township centre
                             │               ├─ V1 village clinic
                             │               ├─ T2 township centre
                             │               ├─ P1 private clinic
                             │               ├─ M1, M2 (communities)
                             ├─ K2 (county) ─┬─ H2 county general hospital
                             │               └─ V2 village clinic
                             └─ CH city hospital (public, outside every county)

Communities (dated): M1 = H1 (lead), V1, and T1 until it leaves on 2025-04-01; from that day
T1 is in M2 with T2. P1, H2, V2 and CH belong to no community.

Residents (home unit, birth date, scheme, flags), registered 2020-01-01 unless noted::

    r1 V1 1950-06-15 resident            r6 V2 1970-02-02 resident grp_poverty
    r2 V1 1990-01-01 resident grp_hyp.   r7 V1 1975-01-01 resident 2024-01-01 → left 2025-03-20
    r3 T1 1985-03-10 employee            r8 V2 1960-03-31 resident (turns 65 on 2025-03-31)
    r4 T2 2021-05-01 resident            r9 T2 2018-04-01 resident (turns 7 on 2025-04-01)
    r5 T2 1980-07-01 none (uninsured)    x9 is a visitor with no resident record

Encounters (fen; drug = western + patent; herbal separate; event date = visit date for
outpatient/emergency, discharge date for inpatient)::

    id   who inst care        event      booking      western patent herbal other  total
    e1   r1  V1  outpatient   2025-01-10 walk_in        1000     0     500     0   1500
    e2   r1  H1  outpatient   2025-02-05 appointment    3000  1000       0  2000   6000
    e3   r2  CH  outpatient   2025-03-03 referral       5000     0       0  5000  10000
    e4   r3  T1  inpatient    2025-04-02 walk_in       10000     0       0 40000  50000
    e5   r3  T1  inpatient    2025-03-10 walk_in       20000     0   10000 30000  60000
    e6   r4  H1  inpatient    2025-01-12 walk_in       40000 10000       0 50000 100000
    e7   r5  T2  outpatient   2025-02-20 walk_in         800     0       0   200   1000
    e8   r6  H1  emergency    2025-03-15 walk_in        2000     0       0  1000   3000
    e9   r6  CH  inpatient    2025-02-08 walk_in       30000     0       0 20000  50000
    e10  r2  T1  outpatient   2025-04-10 walk_in           0     0       0   800    800
    e11  x9  H1  outpatient   2025-01-20 walk_in           0     0       0  2000   2000
    e12  r1  H1  outpatient   2024-02-10 walk_in           0     0       0  5000   5000
    e13  r3  T1  inpatient    2024-01-09 walk_in           0     0       0 40000  40000

Contracts (valid_from … valid_to, both inclusive): c1 r1 2024-07-01…2025-06-30;
c2 r3 2024-01-01…2024-12-31; c3 r4 2025-01-01…2025-12-31; c4 r6 2025-03-31…2026-03-30.

Health records: r1 2020-01-01 (electronic), r2 2025-02-01 (paper), r3 2025-06-01 (paper).
e1 is a TCM visit.

Staff (joined 2020-01-01; profession, GP, title, education)::

    s1 T1 doctor GP  intermediate bachelor     s6 T2 nurse
    s2 T1 nurse                                 s7 T2 nurse  (left 2025-03-01)
    s3 T1 doctor     junior  junior_college     s8 H1 doctor
    s4 V1 village_doctor                        s9 H1 nurse
    s5 T2 doctor GP  senior  master

Resources (beds open, approved posts, 中医馆, standardised clinic, upgraded centre)::

    H1 300 350   T1 40 20 TCM upgraded   T2 20 10 (TCM from 2025-07-01)   V1 0 standardised
    P1  60       H2 100 120 (retired from 2025-06-01)   V2 0 not standardised   CH 800 900

Chronic cases (person, disease, managing institution, managed from):
k1 r2 hypertension V1 2024-06-01; k2 r1 hypertension H1 2024-01-01; k3 r1 diabetes V1
2025-02-01; k4 r3 hypertension T1 2025-05-01; k5 r6 hypertension V2 2024-01-01.

Follow-ups (case, date, mode, reading; institution = the case's)::

    k1 2025-01-05 clinic 150/95    k1 2025-02-10 phone 130/80   k1 2025-03-10 clinic 135/85
    k1 2025-06-01 home   145/88    k1 2025-09-01 clinic 130/80
    k2 2025-01-20 clinic 130/80    k2 2025-03-25 clinic 142/80
    k4 2025-06-10 clinic (no reading)
    k3 2025-02-15 clinic glucose 6.5   k3 2025-03-20 clinic glucose 7.0

Referrals (person, direction, from → to, requested, status): f1 r2 up V1→H1 2025-01-08
completed; f2 r1 down H1→V1 2025-02-10 arrived; f3 r3 up T1→H1 2025-03-05 rejected;
f4 r2 down H1→V1 2025-03-20 completed.

Claims (encounter, total, eligible, deductible, fund, critical, assistance, in county)::

    e1   1500   1000     0    500      0     0  yes
    e2   6000   5000     0   2500      0     0  yes
    e3  10000   8000     0   2000      0     0  no
    e6 100000  90000  5000  60000  10000  5000  yes
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from yigai.indicators import compute
from yigai.records.schemas import COST_FIELDS

D = dt.date
PERIODS = ("2025Q1", "202502", "202503", "202504", "2025")


def _org(org_id: str, parent: str | None, kind: str, **inst: Any) -> dict[str, Any]:
    attrs = {"inst_type": None, "level": None, "ownership": None, **inst}
    return {"org_id": org_id, "parent_id": parent, "kind": kind, "name": f"{org_id} 名称", **attrs}


def _inst(org_id: str, parent: str, inst_type: str, level: str, ownership: str = "public"):
    return _org(
        org_id, parent, "institution", inst_type=inst_type, level=level, ownership=ownership
    )


def org_units() -> pa.Table:
    rows = [
        _org("P", None, "province"),
        _org("C", "P", "city"),
        _org("K1", "C", "county"),
        _org("K2", "C", "county"),
        _org("M1", "K1", "community"),
        _org("M2", "K1", "community"),
        _inst("H1", "K1", "county_general", "county"),
        _inst("T1", "K1", "township_centre", "township"),
        _inst("V1", "K1", "village_clinic", "village"),
        _inst("T2", "K1", "township_centre", "township"),
        _inst("P1", "K1", "private", "township", "private"),
        _inst("H2", "K2", "county_general", "county"),
        _inst("V2", "K2", "village_clinic", "village"),
        _inst("CH", "C", "city_hospital", "city"),
    ]
    return pa.Table.from_pylist(rows)


def members() -> pa.Table:
    rows = [
        ("M1", "H1", "lead", D(2019, 1, 1), None),
        ("M1", "V1", "member", D(2019, 1, 1), None),
        ("M1", "T1", "member", D(2019, 1, 1), D(2025, 4, 1)),
        ("M2", "T1", "member", D(2025, 4, 1), None),
        ("M2", "T2", "lead", D(2019, 1, 1), None),
    ]
    names = ["community_id", "institution_id", "role", "valid_from", "valid_to"]
    return pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in rows])


HEALTH_RECORDS = {"r1": (D(2020, 1, 1), True), "r2": (D(2025, 2, 1), False),
                  "r3": (D(2025, 6, 1), False)}  # fmt: skip


def residents() -> pa.Table:
    base = D(2020, 1, 1)
    rows = [
        ("r1", "V1", D(1950, 6, 15), "resident", base, None, {}),
        ("r2", "V1", D(1990, 1, 1), "resident", base, None, {"grp_hypertension": True}),
        ("r3", "T1", D(1985, 3, 10), "employee", base, None, {}),
        ("r4", "T2", D(2021, 5, 1), "resident", base, None, {}),
        ("r5", "T2", D(1980, 7, 1), "none", base, None, {}),
        ("r6", "V2", D(1970, 2, 2), "resident", base, None, {"grp_poverty": True}),
        ("r7", "V1", D(1975, 1, 1), "resident", D(2024, 1, 1), D(2025, 3, 20), {}),
        ("r8", "V2", D(1960, 3, 31), "resident", base, None, {}),
        ("r9", "T2", D(2018, 4, 1), "resident", base, None, {}),
    ]
    out = []
    for pid, home, born, scheme, reg, left, flags in rows:
        out.append(
            {
                "person_id": pid,
                "id_masked": "****************1X",
                "sex": "F",
                "birth_ym": born.replace(day=1),  # only the year-month is stored
                "home_unit_id": home,
                "scheme": scheme,
                "registered_on": reg,
                "left_on": left,
                "grp_hypertension": flags.get("grp_hypertension", False),
                "grp_poverty": flags.get("grp_poverty", False),
                "grp_special_family": flags.get("grp_special_family", False),
                "grp_severe_mental": flags.get("grp_severe_mental", False),
                "grp_tuberculosis": flags.get("grp_tuberculosis", False),
                "health_record_on": HEALTH_RECORDS.get(pid, (None, None))[0],
                "health_record_electronic": HEALTH_RECORDS.get(pid, (None, None))[1],
            }
        )
    return pa.Table.from_pylist(out)


def encounter(
    eid: str,
    who: str,
    inst: str,
    care: str,
    day: dt.date,
    booking: str = "walk_in",
    *,
    western: int = 0,
    patent: int = 0,
    herbal: int = 0,
    other: int = 0,
) -> dict[str, Any]:
    """One encounter; ``other`` goes to consultation/nursing; total = all lines."""
    costs = {name: 0 for name, _, _ in COST_FIELDS}
    costs.update(
        cost_drug_western_fen=western,
        cost_drug_patent_fen=patent,
        cost_herbal_fen=herbal,
        cost_service_fen=other,
    )
    inpatient = care == "inpatient"
    return {
        "encounter_id": eid,
        "person_id": who,
        "institution_id": inst,
        "care_type": care,
        "visit_date": day - dt.timedelta(days=7) if inpatient else day,
        "discharge_date": day if inpatient else None,
        "event_date": day,
        "diagnosis_code": "I10",
        "is_tcm": False,
        "booking": booking,
        **costs,
        "cost_total_fen": sum(costs.values()),
        "out_of_scope_fen": 0,
        "month": day.year * 100 + day.month,
    }


def encounters() -> pa.Table:
    E = encounter
    rows = [
        E("e1", "r1", "V1", "outpatient", D(2025, 1, 10), western=1000, herbal=500),
        E("e2", "r1", "H1", "outpatient", D(2025, 2, 5), "appointment", western=3000,
          patent=1000, other=2000),
        E("e3", "r2", "CH", "outpatient", D(2025, 3, 3), "referral", western=5000, other=5000),
        E("e4", "r3", "T1", "inpatient", D(2025, 4, 2), western=10000, other=40000),
        E("e5", "r3", "T1", "inpatient", D(2025, 3, 10), western=20000, herbal=10000,
          other=30000),
        E("e6", "r4", "H1", "inpatient", D(2025, 1, 12), western=40000, patent=10000,
          other=50000),
        E("e7", "r5", "T2", "outpatient", D(2025, 2, 20), western=800, other=200),
        E("e8", "r6", "H1", "emergency", D(2025, 3, 15), western=2000, other=1000),
        E("e9", "r6", "CH", "inpatient", D(2025, 2, 8), western=30000, other=20000),
        E("e10", "r2", "T1", "outpatient", D(2025, 4, 10), other=800),
        E("e11", "x9", "H1", "outpatient", D(2025, 1, 20), other=2000),
        E("e12", "r1", "H1", "outpatient", D(2024, 2, 10), other=5000),
        E("e13", "r3", "T1", "inpatient", D(2024, 1, 9), other=40000),
    ]  # fmt: skip
    rows[0]["is_tcm"] = True
    return pa.Table.from_pylist(rows)


def contracts() -> pa.Table:
    rows = [
        ("c1", "r1", "V1", D(2024, 7, 1), D(2025, 6, 30)),
        ("c2", "r3", "T1", D(2024, 1, 1), D(2024, 12, 31)),
        ("c3", "r4", "T2", D(2025, 1, 1), D(2025, 12, 31)),
        ("c4", "r6", "V2", D(2025, 3, 31), D(2026, 3, 30)),
    ]
    return pa.Table.from_pylist(
        [
            {
                "contract_id": cid,
                "person_id": pid,
                "institution_id": inst,
                "team_id": f"team-{inst}",
                "package": "basic",
                "signed_on": start,
                "valid_from": start,
                "valid_to": end,
                "month": start.year * 100 + start.month,
            }
            for cid, pid, inst, start, end in rows
        ]
    )


def staff() -> pa.Table:
    rows = [
        ("s1", "T1", "doctor", True, "intermediate", "bachelor", None),
        ("s2", "T1", "nurse", False, "junior", "junior_college", None),
        ("s3", "T1", "doctor", False, "junior", "junior_college", None),
        ("s4", "V1", "village_doctor", False, "none", "secondary", None),
        ("s5", "T2", "doctor", True, "senior", "master", None),
        ("s6", "T2", "nurse", False, "junior", "junior_college", None),
        ("s7", "T2", "nurse", False, "junior", "junior_college", D(2025, 3, 1)),
        ("s8", "H1", "doctor", False, "intermediate", "bachelor", None),
        ("s9", "H1", "nurse", False, "junior", "bachelor", None),
    ]
    names = ["staff_id", "institution_id", "profession", "is_gp", "title", "education", "left_on"]
    out = []
    for r in rows:
        row = dict(zip(names, r, strict=True))
        row.update(post_type="professional", established=True, joined_on=D(2020, 1, 1))
        out.append(row)
    return pa.Table.from_pylist(out)


def resources() -> pa.Table:
    """The resource register (see the module docstring): T2's 中医馆 opens 2025-07-01 and H2's
    row is retired from 2025-06-01 (new versions, the earlier ones kept)."""
    rows = [
        ("H1", 300, 350, None, None, None, None, None),
        ("T1", 40, 20, True, None, True, None, None),
        ("T2", 20, 10, False, None, None, None, None),
        ("T2", 20, 10, True, None, None, D(2025, 7, 1), None),
        ("V1", 0, None, None, True, None, None, None),
        ("P1", 60, None, None, None, None, None, None),
        ("H2", 100, 120, None, None, None, None, None),
        ("H2", 100, 120, None, None, None, D(2025, 6, 1), "撤并 merged"),
        ("V2", 0, None, None, False, None, None, None),
        ("CH", 800, 900, None, None, None, None, None),
    ]
    names = ["org_id", "beds", "posts", "tcm_clinic", "standard_clinic", "upgraded_centre"]
    names += ["version_from", "retired_reason"]
    schema = pa.schema(
        [pa.field(n, t) for n, t in zip(names, [pa.string(), pa.int64(), pa.int64(),
         pa.bool_(), pa.bool_(), pa.bool_(), pa.date32(), pa.string()], strict=True)]
    )  # fmt: skip
    table = pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in rows], schema)
    essential = [ESSENTIAL_DRUGS.get(org) for org in table["org_id"].to_pylist()]
    return table.append_column(pa.field("essential_drugs", pa.bool_()), [essential])


#: Village clinics using the national essential drugs (``resources.essential_drugs``).
ESSENTIAL_DRUGS = {"V1": True, "V2": False}


def health_checkups() -> pa.Table:
    """h1 r1 (74) elderly 2025-03-15 at V1; h2 r8 (65 on 2025-03-31) elderly 2025-12-31 at T1;
    h3 r2 (35) periodic 2025-06-01 at T1 (not an elderly health-management service)."""
    rows = [
        ("h1", "r1", "V1", "elderly_annual", D(2025, 3, 15)),
        ("h2", "r8", "T1", "elderly_annual", D(2025, 12, 31)),
        ("h3", "r2", "T1", "periodic", D(2025, 6, 1)),
    ]
    names = ["checkup_id", "person_id", "institution_id", "kind", "checkup_date"]
    out = []
    for r in rows:
        row = dict(zip(names, r, strict=True))
        row["month"] = r[4].year * 100 + r[4].month
        out.append(row)
    return pa.Table.from_pylist(out)


def drug_purchases() -> pa.Table:
    """Online centralised drug orders (fen): d3 is a hospital's (not primary care)."""
    rows = [
        ("d1", "T1", D(2025, 1, 15), 100000, 92000),
        ("d2", "V1", D(2025, 2, 10), 50000, 50000),
        ("d3", "H1", D(2025, 2, 1), 200000, 100000),
        ("d4", "T2", D(2025, 3, 31), 30000, 0),
        ("d5", "T1", D(2025, 4, 1), 10000, 10000),
        ("d6", "V2", D(2025, 2, 20), 40000, 36000),
    ]
    names = ["order_id", "institution_id", "order_date", "purchased_fen", "delivered_fen"]
    out = []
    for r in rows:
        row = dict(zip(names, r, strict=True))
        row["month"] = r[2].year * 100 + r[2].month
        out.append(row)
    return pa.Table.from_pylist(out)


def chronic_cases() -> pa.Table:
    rows = [
        ("k1", "r2", "hypertension", "V1", D(2024, 6, 1)),
        ("k2", "r1", "hypertension", "H1", D(2024, 1, 1)),
        ("k3", "r1", "diabetes", "V1", D(2025, 2, 1)),
        ("k4", "r3", "hypertension", "T1", D(2025, 5, 1)),
        ("k5", "r6", "hypertension", "V2", D(2024, 1, 1)),
    ]
    return pa.Table.from_pylist(
        [
            {
                "case_id": cid,
                "person_id": pid,
                "disease": disease,
                "institution_id": inst,
                "confirmed_on": start,
                "managed_from": start,
                "closed_on": None,
                "month": start.year * 100 + start.month,
            }
            for cid, pid, disease, inst, start in rows
        ]
    )


_CASES = {"k1": ("r2", "hypertension", "V1"), "k2": ("r1", "hypertension", "H1"),
          "k3": ("r1", "diabetes", "V1"), "k4": ("r3", "hypertension", "T1")}  # fmt: skip


def followups() -> pa.Table:
    rows = [
        ("k1", D(2025, 1, 5), "clinic", 150, 95, None),
        ("k1", D(2025, 2, 10), "phone", 130, 80, None),
        ("k1", D(2025, 3, 10), "clinic", 135, 85, None),
        ("k1", D(2025, 6, 1), "home", 145, 88, None),
        ("k1", D(2025, 9, 1), "clinic", 130, 80, None),
        ("k2", D(2025, 1, 20), "clinic", 130, 80, None),
        ("k2", D(2025, 3, 25), "clinic", 142, 80, None),
        ("k4", D(2025, 6, 10), "clinic", None, None, None),
        ("k3", D(2025, 2, 15), "clinic", None, None, 6.5),
        ("k3", D(2025, 3, 20), "clinic", None, None, 7.0),
    ]
    out = []
    for n, (case, day, mode, sbp, dbp, glucose) in enumerate(rows, start=1):
        pid, disease, inst = _CASES[case]
        out.append(
            {
                "followup_id": f"u{n}",
                "case_id": case,
                "person_id": pid,
                "disease": disease,
                "institution_id": inst,
                "followup_date": day,
                "mode": mode,
                "sbp": sbp,
                "dbp": dbp,
                "fasting_glucose": glucose,
                "classification": "controlled",
                "action": "continue",
                "month": day.year * 100 + day.month,
            }
        )
    return pa.Table.from_pylist(out)


def referrals() -> pa.Table:
    rows = [
        ("f1", "r2", "up", "V1", "H1", D(2025, 1, 8), "completed"),
        ("f2", "r1", "down", "H1", "V1", D(2025, 2, 10), "arrived"),
        ("f3", "r3", "up", "T1", "H1", D(2025, 3, 5), "rejected"),
        ("f4", "r2", "down", "H1", "V1", D(2025, 3, 20), "completed"),
    ]
    names = ["referral_id", "person_id", "direction", "from_institution_id",
             "to_institution_id", "requested_on", "status"]  # fmt: skip
    out = []
    for r in rows:
        row = dict(zip(names, r, strict=True))
        day = row["requested_on"]
        row.update(green_channel=False, by_family_doctor=False, month=day.year * 100 + day.month)
        out.append(row)
    return pa.Table.from_pylist(out)


def claims() -> pa.Table:
    by_id = {e["encounter_id"]: e for e in encounters().to_pylist()}
    rows = [
        ("e1", 1000, 0, 500, 0, 0, True, "village"),
        ("e2", 5000, 0, 2500, 0, 0, True, "county"),
        ("e3", 8000, 0, 2000, 0, 0, False, "out_of_county"),
        ("e6", 90000, 5000, 60000, 10000, 5000, True, "county"),
    ]
    out = []
    for eid, eligible, deductible, fund, critical, assistance, in_county, level in rows:
        e = by_id[eid]
        total = e["cost_total_fen"]
        out.append(
            {
                "encounter_id": eid,
                "person_id": e["person_id"],
                "institution_id": e["institution_id"],
                "event_date": e["event_date"],
                "year": e["event_date"].year,
                "care_type": e["care_type"],
                "level": level,
                "in_county": in_county,
                "cost_total_fen": total,
                "eligible_fen": eligible,
                "deductible_fen": deductible,
                "fund_fen": fund,
                "critical_fen": critical,
                "assistance_fen": assistance,
                "patient_fen": total - fund - critical - assistance,
                "scheme_region": "test",
                "scheme_version": "2025",
                "month": e["month"],
            }
        )
    return pa.Table.from_pylist(out)


def region() -> dict[str, pa.Table]:
    """The region as record-set name → Arrow table (what ``compute`` accepts as a source)."""
    return {
        "org_units": org_units(),
        "community_members": members(),
        "residents": residents(),
        "encounters": encounters(),
        "contracts": contracts(),
        "staff": staff(),
        "resources": resources(),
        "chronic_cases": chronic_cases(),
        "followups": followups(),
        "referrals": referrals(),
        "claims": claims(),
        "health_checkups": health_checkups(),
        "drug_purchases": drug_purchases(),
    }


def lookup(result: pa.Table) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(indicator, org, period) → result row."""
    return {(r["indicator_id"], r["org_id"], r["period_id"]): r for r in result.to_pylist()}


def like(table: pa.Table, template: str, **fields: Any) -> dict[str, Any]:
    """A copy of the row of ``table`` whose first column is ``template``, with ``fields``
    changed: extra cases reuse a region row (r5 is a 44-year-old with no group flag) and name
    only what makes them a case. ``month`` follows a changed partition date."""
    key = table.column_names[0]
    row = next(r for r in table.to_pylist() if r[key] == template)
    row.update(fields)
    for date_col in (
        "signed_on",
        "managed_from",
        "followup_date",
        "requested_on",
        "checkup_date",
        "order_date",
    ):
        if date_col in fields:
            row["month"] = fields[date_col].year * 100 + fields[date_col].month
    return row


@pytest.fixture(scope="session")
def duckdb_result() -> pa.Table:
    """The whole shipped catalogue on the region, on DuckDB, for :data:`PERIODS`."""
    return compute(region(), PERIODS, engine="duckdb")


@pytest.fixture(scope="session")
def rows(duckdb_result: pa.Table) -> dict[tuple[str, str, str], dict[str, Any]]:
    return lookup(duckdb_result)

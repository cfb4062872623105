"""The example files of the import documentation (docs/import/examples): one small, made-up
region whose records reference each other, so the examples import cleanly in
:data:`yigai.records.docs.IMPORT_ORDER` (a test imports them). Values are what a county's
file holds: codes, yuan, identity numbers (fictional, valid check digits) and names.
"""

from __future__ import annotations

from yigai.people.identity import check_digit


def _id(first17: str) -> str:
    return first17 + check_digit(first17)


# Fictional residents of 无极县 (130131): the 17th digit is odd for a man, even for a woman.
RESIDENT_A = _id("13013119620315011")
RESIDENT_B = _id("13013119850704022")

_NO_COST = {
    "cost_drug_patent": "0",
    "cost_herbal": "0",
    "cost_material": "0",
    "cost_exam": "0",
    "cost_bed": "0",
    "cost_other": "0",
}

EXAMPLES: dict[str, list[dict[str, str]]] = {
    "org_units": [
        {"org_id": "C1", "kind": "county", "name": "示范县", "division_code": "130131"},
        {"org_id": "M1", "parent_id": "C1", "kind": "community", "name": "示范县医共体"},
        {
            "org_id": "H1",
            "parent_id": "C1",
            "kind": "institution",
            "name": "示范县人民医院",
            "inst_type": "county_general",
            "level": "county",
            "ownership": "public",
            "beds": "420",
        },
        {
            "org_id": "T1",
            "parent_id": "C1",
            "kind": "institution",
            "name": "城关镇卫生院",
            "inst_type": "township_centre",
            "level": "township",
            "ownership": "public",
            "beds": "40",
            "agri_population": "23000",
        },
        {
            "org_id": "V1",
            "parent_id": "C1",
            "centre_id": "T1",  # 乡村一体化: the village clinic belongs to its township centre
            "kind": "institution",
            "name": "东关村卫生室",
            "inst_type": "village_clinic",
            "level": "village",
            "ownership": "public",
        },
    ],
    "community_members": [
        {"community_id": "M1", "institution_id": "H1", "role": "lead", "valid_from": "2024-01-01"},
        {
            "community_id": "M1",
            "institution_id": "T1",
            "role": "member",
            "valid_from": "2024-01-01",
        },
    ],
    "residents": [
        {
            "id_number": RESIDENT_A,
            "name": "张三",
            "sex": "M",
            "birth_date": "1962-03-15",
            "home_unit_id": "T1",
            "scheme": "resident",
            "registered_on": "2010-01-01",
            "health_record_on": "2018-06-01",
            "health_record_electronic": "是",
            "grp_hypertension": "是",
        },
        {
            "id_number": RESIDENT_B,
            "name": "李梅",
            "sex": "女",  # a code may be given by its Chinese name
            "birth_date": "1985-07-04",
            "home_unit_id": "T1",
            "scheme": "职工医保",
            "registered_on": "2012-05-20",
        },
    ],
    "staff": [
        {
            "staff_id": "S1",
            "institution_id": "T1",
            "profession": "doctor",
            "is_gp": "是",
            "title": "intermediate",
            "education": "bachelor",
            "post_type": "professional",
            "established": "是",
            "joined_on": "2015-07-01",
        },
    ],
    "resources": [
        {"org_id": "H1", "beds": "450", "posts": "520", "tcm_clinic": "是"},
        {"org_id": "T1", "beds": "40", "posts": "45", "tcm_clinic": "是", "upgraded_centre": "否"},
        # the clinic passed the provincial standard: a new version from that day
        {"org_id": "V1", "beds": "0", "standard_clinic": "否", "essential_drugs": "是"},
        {
            "org_id": "V1",
            "beds": "0",
            "standard_clinic": "是",
            "essential_drugs": "是",
            "version_from": "2024-09-01",
        },
    ],
    "encounters": [
        {
            "encounter_id": "E1",
            "id_number": RESIDENT_A,
            "institution_id": "T1",
            "care_type": "outpatient",
            "visit_date": "2025-03-02",
            "event_date": "2025-03-02",
            "diagnosis_code": "I10",
            "department": "全科",
            "is_tcm": "否",
            "booking": "walk_in",
            "cost_drug_western": "45.20",
            "cost_lab": "12.00",
            "cost_treatment": "0",
            "cost_service": "10.00",
            **_NO_COST,
            "cost_total": "67.20",
            "out_of_scope": "0",
        },
        {
            "encounter_id": "E2",
            "id_number": RESIDENT_A,
            "institution_id": "H1",
            "care_type": "inpatient",
            "visit_date": "2025-03-10",
            "discharge_date": "2025-03-15",
            "event_date": "2025-03-15",
            "diagnosis_code": "I63.9",
            "department": "神经内科",
            "is_tcm": "否",
            "booking": "referral",
            "referral_id": "R1",
            "cost_drug_western": "2100.50",
            "cost_lab": "380.00",
            "cost_treatment": "1250.00",
            "cost_service": "300.00",
            **_NO_COST,
            "cost_total": "4030.50",
            "out_of_scope": "150.00",
        },
    ],
    "referrals": [
        {
            "referral_id": "R1",
            "id_number": RESIDENT_A,
            "direction": "up",
            "from_institution_id": "T1",
            "to_institution_id": "H1",
            "reason": "疑似脑梗死",
            "green_channel": "是",
            "by_family_doctor": "是",
            "requested_on": "2025-03-09",
            "status": "completed",
            "accepted_on": "2025-03-09",
            "arrived_on": "2025-03-10",
            "completed_on": "2025-03-15",
        },
    ],
    "contracts": [
        {
            "contract_id": "K1",
            "id_number": RESIDENT_A,
            "institution_id": "T1",
            "team_id": "TEAM1",
            "package": "personalised",
            "signed_on": "2025-01-10",
            "valid_from": "2025-01-10",
            "valid_to": "2025-12-31",
        },
    ],
    "chronic_cases": [
        {
            "case_id": "CC1",
            "id_number": RESIDENT_A,
            "disease": "hypertension",
            "institution_id": "T1",
            "screened_on": "2024-05-01",
            "confirmed_on": "2024-05-10",
            "managed_from": "2024-05-10",
        },
    ],
    "followups": [
        {
            "followup_id": "F1",
            "case_id": "CC1",
            "id_number": RESIDENT_A,
            "disease": "hypertension",
            "institution_id": "T1",
            "followup_date": "2025-02-10",
            "mode": "clinic",
            "sbp": "138",
            "dbp": "86",
            "classification": "controlled",
            "action": "continue",
            "next_due": "2025-05-10",
        },
    ],
    "health_checkups": [
        # A (born 1962) has a periodic check-up; the yearly elderly health management of
        # residents 65+ is kind elderly_annual (what 老年人健康管理率 counts)
        {
            "checkup_id": "K1",
            "id_number": RESIDENT_A,
            "institution_id": "T1",
            "kind": "居民定期体检",  # a code may be given by its Chinese name
            "checkup_date": "2025-04-12",
        },
    ],
    "drug_purchases": [
        {
            "order_id": "PO1",
            "institution_id": "T1",
            "order_date": "2025-03-02",
            "purchased": "10480.00",
            "delivered": "9650.00",
        },
        {
            "order_id": "PO2",
            "institution_id": "V1",
            "order_date": "2025-03-05",
            "purchased": "850.00",
            "delivered": "850.00",
        },
    ],
}

"""Scalar reference adjudication against hand-computed claims.

Sources: 孝感医保发〔2023〕18号 (hubei_xiaogan) and seed 003 plus marked working values
(hebei_wuji); every expected number below is worked out in the test's docstring.
"""

from __future__ import annotations

import datetime as dt

import pytest

from yigai.policy.adjudication import ClaimError, ClaimInput, adjudicate, adjudicate_person
from yigai.policy.scheme import SchemeBook

XIAOGAN = SchemeBook("hubei_xiaogan")
WUJI = SchemeBook("hebei_wuji")


def claim(
    eid: str,
    day: dt.date,
    care: str,
    level: str,
    total: int,
    out_of_scope: int = 0,
    **kw: object,
) -> ClaimInput:
    kw.setdefault("in_county", True)
    return ClaimInput(
        eid,
        kw.pop("person", "p1"),
        day,
        care,
        level,
        cost_total_fen=total,
        out_of_scope_fen=out_of_scope,
        **kw,
    )  # type: ignore[arg-type]


def test_county_admission_pays_deductible_then_ratio() -> None:
    """孝感 二级: total 10,000 yuan, 1,000 out of scope → eligible 9,000; deductible 400;
    fund (9,000 − 400) × 75% = 6,450; patient 10,000 − 6,450 = 3,550 yuan."""
    (r,) = adjudicate_person(
        [claim("e1", dt.date(2024, 3, 1), "inpatient", "county", 1_000_000, 100_000)], XIAOGAN
    )
    assert (r.eligible_fen, r.deductible_fen, r.fund_fen) == (900_000, 40_000, 645_000)
    assert (r.critical_fen, r.assistance_fen, r.patient_fen) == (0, 0, 355_000)
    assert r.admission_no == 1 and r.cum_oop_fen == 255_000


def test_second_admission_of_the_year_has_the_lower_deductible() -> None:
    """孝感: second admission at 一级 pays 100 yuan: (2,000 − 100) × 85% = 1,615 yuan."""
    results = adjudicate_person(
        [
            claim("e1", dt.date(2024, 3, 1), "inpatient", "county", 1_000_000),
            claim("e2", dt.date(2024, 5, 1), "inpatient", "township", 200_000),
        ],
        XIAOGAN,
    )
    assert (results[1].deductible_fen, results[1].fund_fen, results[1].admission_no) == (
        10_000,
        161_500,
        2,
    )


def test_outpatient_pooling_cap_is_cumulative() -> None:
    """孝感 门诊统筹: 50%, no deductible, 400 yuan a year: 500 → 250, 500 → 150, 100 → 0."""
    day = dt.date(2024, 4, 1)
    results = adjudicate_person(
        [
            claim("a", day, "outpatient", "township", 50_000),
            claim("b", day, "outpatient", "township", 50_000),
            claim("c", day, "emergency", "village", 10_000),
        ],
        XIAOGAN,
    )
    assert [r.fund_fen for r in results] == [25_000, 15_000, 0]
    assert results[-1].cum_outpatient_fund_fen == 40_000


def test_outpatient_at_a_level_outside_scope_is_not_eligible() -> None:
    """孝感: county-level outpatient is outside 门诊统筹: all 300 yuan paid by the patient."""
    (r,) = adjudicate_person(
        [claim("e", dt.date(2024, 4, 1), "outpatient", "county", 30_000)], XIAOGAN
    )
    assert (r.eligible_fen, r.fund_fen, r.patient_fen) == (0, 0, 30_000)


def test_annual_cap_then_critical_illness_tiers() -> None:
    """孝感 三级 300,000 yuan: (300,000 − 800) × 60% = 179,520 > cap 150,000 → fund 150,000.
    Out-of-pocket 150,000; 大病 on 138,000 above 12,000: 18,000×60% + 70,000×65% + 50,000×75%
    = 10,800 + 45,500 + 37,500 = 93,800; patient 300,000 − 150,000 − 93,800 = 56,200.
    Then county 10,000 yuan: cap used up → fund 0; its 10,000 falls in the 75% tier → 7,500."""
    results = adjudicate_person(
        [
            claim("e1", dt.date(2024, 2, 1), "inpatient", "city", 30_000_000),
            claim("e2", dt.date(2024, 3, 1), "inpatient", "county", 1_000_000),
        ],
        XIAOGAN,
    )
    first, second = results
    assert (first.fund_fen, first.critical_fen, first.patient_fen) == (
        15_000_000,
        9_380_000,
        5_620_000,
    )
    assert (second.deductible_fen, second.fund_fen, second.critical_fen) == (20_000, 0, 750_000)
    assert second.patient_fen == 250_000 and second.cum_fund_fen == 15_000_000


def test_half_a_fen_rounds_up() -> None:
    """孝感 二级: eligible 400.02 yuan − 400 deductible = 2 fen × 75% = 1.5 fen → 2 fen."""
    (r,) = adjudicate_person(
        [claim("e", dt.date(2024, 3, 1), "inpatient", "county", 40_002)], XIAOGAN
    )
    assert (r.fund_fen, r.patient_fen) == (2, 40_000)


@pytest.mark.parametrize(("total", "fund"), [(1, 1), (5, 3)])
def test_half_a_fen_rounds_up_not_to_even(total: int, fund: int) -> None:
    """孝感 村卫生室 门诊: no deductible, 50%. 1 fen × 50% = 0.5 fen → 1; 5 fen × 50% = 2.5 fen
    → 3 (half up; banker's rounding would give 0 and 2)."""
    (r,) = adjudicate_person(
        [claim("e", dt.date(2024, 3, 1), "outpatient", "village", total)], XIAOGAN
    )
    assert (r.deductible_fen, r.fund_fen, r.patient_fen) == (0, fund, total - fund)


def test_ratio_in_force_on_the_claim_date_applies() -> None:
    """Seed 003 (无极): county 78% from 2024-07-01 (73% before, working value). 10,000 yuan,
    deductible 300 (working): 9,700 × 78% = 7,566; 9,700 × 73% = 7,081."""
    after, before = (
        adjudicate_person([claim("e", day, "inpatient", "county", 1_000_000)], WUJI)[0]
        for day in (dt.date(2024, 7, 1), dt.date(2024, 6, 30))
    )
    assert after.fund_fen == 756_600 and after.scheme_version == "hebei_wuji@2024-07-01"
    assert before.fund_fen == 708_100 and before.scheme_version == "hebei_wuji@2024-01-01"


def test_medical_assistance_pays_its_share_of_what_is_left() -> None:
    """无极 (working values) poverty 70%: fund 7,566; out-of-pocket 2,434 below the 10,000
    critical deductible; assistance 2,434 × 70% = 1,703.80; patient 730.20 yuan."""
    (r,) = adjudicate_person(
        [
            claim(
                "e",
                dt.date(2024, 8, 1),
                "inpatient",
                "county",
                1_000_000,
                groups=frozenset({"poverty"}),
            )
        ],
        WUJI,
    )
    assert (r.fund_fen, r.critical_fen, r.assistance_fen, r.patient_fen) == (
        756_600,
        0,
        170_380,
        73_020,
    )


def test_assistance_cap_and_fund_cap_are_cumulative() -> None:
    """无极 special family (50%, cap 10,000 yuan), two 50,000-yuan county admissions:
    1st: fund 49,700 × 78% = 38,766; oop 11,234 → 大病 (11,234 − 10,000) × 50% = 617;
    assistance (11,234 − 617) × 50% = 5,308.50.
    2nd: fund capped at 60,000 − 38,766 = 21,234; oop 28,766, cumulative 40,000 → 大病 15,000
    in all, 14,383 now; assistance min((28,766 − 14,383) × 50%, 10,000 − 5,308.50) = 4,691.50;
    patient 50,000 − 21,234 − 14,383 − 4,691.50 = 9,691.50."""
    group = frozenset({"special_family"})
    first, second = adjudicate_person(
        [
            claim("e1", dt.date(2024, 8, 1), "inpatient", "county", 5_000_000, groups=group),
            claim("e2", dt.date(2024, 9, 1), "inpatient", "county", 5_000_000, groups=group),
        ],
        WUJI,
    )
    assert (first.fund_fen, first.critical_fen, first.assistance_fen) == (
        3_876_600,
        61_700,
        530_850,
    )
    assert (second.fund_fen, second.critical_fen, second.assistance_fen) == (
        2_123_400,
        1_438_300,
        469_150,
    )
    assert second.patient_fen == 969_150 and second.cum_assistance_fen == 1_000_000


def test_out_of_county_without_referral_gets_the_lower_ratio() -> None:
    """孝感 县外: deductible 800; 9,200 × (60% − 10%) = 4,600 unreferred, × 60% = 5,520 referred."""
    plain, referred = (
        adjudicate_person(
            [
                claim(
                    "e",
                    dt.date(2024, 3, 1),
                    "inpatient",
                    "out_of_county",
                    1_000_000,
                    in_county=False,
                    referred=ref,
                )
            ],
            XIAOGAN,
        )[0]
        for ref in (False, True)
    )
    assert (plain.fund_fen, referred.fund_fen) == (460_000, 552_000)


def test_caps_restart_each_calendar_year() -> None:
    """孝感 门诊统筹 cap 400 yuan a year: 1,000 yuan on 31 Dec and on 2 Jan each get 400."""
    results = adjudicate_person(
        [
            claim("a", dt.date(2024, 12, 31), "outpatient", "township", 100_000),
            claim("b", dt.date(2025, 1, 2), "outpatient", "township", 100_000),
        ],
        XIAOGAN,
    )
    assert [r.fund_fen for r in results] == [40_000, 40_000]


def test_claims_are_settled_by_date_then_encounter_id() -> None:
    """Same day, given as b then a: a is settled first (300 of the 400 cap), b gets 100."""
    day = dt.date(2024, 4, 1)
    results = adjudicate_person(
        [
            claim("b", day, "outpatient", "township", 60_000),
            claim("a", day, "outpatient", "township", 60_000),
        ],
        XIAOGAN,
    )
    assert [(r.encounter_id, r.fund_fen) for r in results] == [("a", 30_000), ("b", 10_000)]


def test_adjudicate_groups_claims_by_person() -> None:
    day = dt.date(2024, 4, 1)
    results = adjudicate(
        [
            claim("x", day, "outpatient", "township", 100_000, person="p2"),
            claim("y", day, "outpatient", "township", 100_000, person="p1"),
        ],
        XIAOGAN,
    )
    assert [(r.person_id, r.fund_fen) for r in results] == [("p1", 40_000), ("p2", 40_000)]


def test_out_of_scope_above_total_is_a_bilingual_error_naming_the_claim() -> None:
    with pytest.raises(ClaimError) as info:
        adjudicate_person(
            [claim("bad1", dt.date(2024, 4, 1), "inpatient", "county", 100, 200)], XIAOGAN
        )
    assert (info.value.encounter_id, info.value.column) == ("bad1", "out_of_scope_fen")
    assert str(info.value).startswith("就诊 bad1")
    assert "out-of-scope cost exceeds total" in str(info.value)


def test_unknown_level_is_rejected() -> None:
    with pytest.raises(ClaimError, match="unknown level"):
        adjudicate_person([claim("e", dt.date(2024, 4, 1), "inpatient", "moon", 100)], XIAOGAN)


def test_groups_must_not_change_within_a_person_year() -> None:
    with pytest.raises(ClaimError, match="groups differ"):
        adjudicate_person(
            [
                claim(
                    "a",
                    dt.date(2024, 4, 1),
                    "outpatient",
                    "township",
                    100,
                    groups=frozenset({"poverty"}),
                ),
                claim("b", dt.date(2024, 5, 1), "outpatient", "township", 100),
            ],
            WUJI,
        )


def test_claims_of_two_people_are_refused() -> None:
    with pytest.raises(ClaimError, match="more than one person"):
        adjudicate_person(
            [
                claim("a", dt.date(2024, 4, 1), "outpatient", "township", 100, person="p1"),
                claim("b", dt.date(2024, 5, 1), "outpatient", "township", 100, person="p2"),
            ],
            XIAOGAN,
        )

"""Deductibles across referrals (seed 002 三（六）: 医共体内转诊连续计算起付线).

Numbers from 孝感医保发〔2023〕18号: 起付线 一级 200 / 二级 400 / 三级 800 yuan, and 100 / 200 / 400
for a later admission of the year; yigai levels township → 一级, county → 二级, city → 三级.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from yigai.policy.adjudication import ClaimInput, adjudicate_person
from yigai.policy.referral_deductible import continued_deductible, stay_roots
from yigai.policy.scheme import SchemeBook

XIAOGAN = SchemeBook("hubei_xiaogan")
DEMO = SchemeBook("demo", root=Path(__file__).parent / "params_fixture")


def adm(eid: str, day: int, level: str, total: int = 1_000_000, **kw: object) -> ClaimInput:
    on = kw.pop("on", None) or dt.date(2024, 3, day)
    return ClaimInput(eid, "p1", on, "inpatient", level, True, total, **kw)  # type: ignore[arg-type]


def deductibles(claims: list[ClaimInput], book: SchemeBook = XIAOGAN) -> list[tuple[int, int]]:
    return [(r.deductible_fen, r.admission_no) for r in adjudicate_person(claims, book)]


def test_down_referral_in_community_pays_no_second_deductible() -> None:
    """County stay (400) referred down to the township during the stay: 0, same admission."""
    claims = [
        adm("e1", 1, "county"),
        adm("e2", 5, "township", referred=True, referred_from="e1", referral_in_community=True),
    ]
    assert deductibles(claims) == [(40_000, 1), (0, 1)]


def test_up_referral_in_community_tops_up_to_the_higher_deductible() -> None:
    """Township stay (200) referred up to a city hospital (800): pays the difference, 600."""
    claims = [
        adm("e1", 1, "township"),
        adm("e2", 5, "city", referred=True, referred_from="e1", referral_in_community=True),
    ]
    assert deductibles(claims) == [(20_000, 1), (60_000, 1)]


def test_referral_outside_the_community_is_a_new_admission() -> None:
    """Same up-referral across communities: a 2nd admission of the year at 三级 pays 400."""
    claims = [
        adm("e1", 1, "township"),
        adm("e2", 5, "city", referred=True, referred_from="e1", referral_in_community=False),
    ]
    assert deductibles(claims) == [(20_000, 1), (40_000, 2)]


def test_admission_without_a_referral_link_is_a_new_admission() -> None:
    claims = [adm("e1", 1, "township"), adm("e2", 5, "city", referral_in_community=True)]
    assert deductibles(claims) == [(20_000, 1), (40_000, 2)]


def test_chain_up_then_down_pays_the_highest_deductible_once() -> None:
    """Township 200 → county (+200) → township (0): 400 in all; a later stay is the 2nd (200)."""
    claims = [
        adm("e1", 1, "township"),
        adm("e2", 4, "county", referred=True, referred_from="e1", referral_in_community=True),
        adm("e3", 9, "township", referred=True, referred_from="e2", referral_in_community=True),
        adm("e4", 20, "county"),
    ]
    assert deductibles(claims) == [(20_000, 1), (20_000, 1), (0, 1), (20_000, 2)]


def test_top_up_is_the_difference_of_the_standards() -> None:
    """Working definition: the first stay's eligible (100 yuan) was below its 400 deductible;
    a down-referral still owes nothing, as the rule speaks of the deductible standards."""
    claims = [
        adm("e1", 1, "county", total=10_000),
        adm("e2", 5, "township", referred=True, referred_from="e1", referral_in_community=True),
    ]
    assert deductibles(claims) == [(10_000, 1), (0, 1)]


def test_link_to_a_stay_of_the_previous_year_is_not_honoured() -> None:
    """Fixture scheme: 2025 township deductible 15 yuan for a new stay on 2 January."""
    claims = [
        adm("e1", 0, "county", on=dt.date(2024, 12, 30)),
        adm(
            "e2",
            0,
            "township",
            on=dt.date(2025, 1, 2),
            referred_from="e1",
            referral_in_community=True,
        ),
    ]
    assert deductibles(claims, DEMO) == [(5_000, 1), (1_500, 1)]


def test_continued_deductible_is_never_negative() -> None:
    assert continued_deductible(20_000, 40_000) == 0
    assert continued_deductible(80_000, 20_000) == 60_000


def test_stay_roots_follow_parent_chains() -> None:
    parent = np.array([0, 0, 1, 3, 2, 5])
    assert stay_roots(parent).tolist() == [0, 0, 0, 3, 0, 5]

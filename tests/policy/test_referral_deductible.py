"""Deductibles across referrals (seed 002 三（六）: 医共体内转诊连续计算起付线).

Numbers from 孝感医保发〔2023〕18号: 起付线 一级 200 / 二级 400 / 三级 800 yuan, and 100 / 200 / 400
for a later admission of the year; yigai levels township → 一级, county → 二级, city → 三级.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yigai.policy.adjudication import ClaimInput, ClaimResult, adjudicate, adjudicate_person
from yigai.policy.referral_deductible import continued_deductible, sources_first, stay_roots
from yigai.policy.scheme import LEVELS, SchemeBook
from yigai.policy.vectorised import adjudicate_table, table_from_claims

from .test_adjudication_vectorised import REGIONS

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
    """无极 (no lower deductible for later stays): township stay (100) referred up to the
    county (300) pays the difference, 200 — less than the 300 of a stay of its own."""
    claims = [
        adm("e1", 1, "township"),
        adm("e2", 5, "county", referred=True, referred_from="e1", referral_in_community=True),
    ]
    assert deductibles(claims, SchemeBook("hebei_wuji")) == [(10_000, 1), (20_000, 1)]


def test_up_referral_never_owes_more_than_a_later_admission() -> None:
    """孝感: township (200) up to the city (800): the top-up 600 is more than the 400 the same
    admission owes unlinked, as the year's 2nd; it owes 400, and stays the year's 1st."""
    claims = [
        adm("e1", 1, "township"),
        adm("e2", 5, "city", referred=True, referred_from="e1", referral_in_community=True),
    ]
    assert deductibles(claims) == [(20_000, 1), (40_000, 1)]
    table = adjudicate_table(table_from_claims(claims), "hubei_xiaogan")
    assert table["deductible_fen"].to_pylist() == [20_000, 40_000]


@st.composite
def referral_years(draw: st.DrawFn) -> list[ClaimInput]:
    """Stays of 1–3 people in 2024, mostly linked by in-community referrals to stays that
    came before them (and some outpatient claims, which share the annual caps)."""
    claims: list[ClaimInput] = []
    for person in range(draw(st.integers(1, 3))):
        ids = [f"p{person}s{k}" for k in range(draw(st.integers(1, 6)))]
        came = draw(st.permutations(ids))  # the order of the stays, whatever their ids
        days = sorted(draw(st.lists(st.integers(0, 9), min_size=len(ids), max_size=len(ids))))
        for eid in ids:
            before = came[: came.index(eid)]
            total = draw(st.integers(0, 40_000_000))
            claims.append(
                ClaimInput(
                    encounter_id=eid,
                    person_id=f"p{person}",
                    event_date=dt.date(2024, 1, 1) + dt.timedelta(days=days[len(before)]),
                    care_type=draw(st.sampled_from(["inpatient"] * 4 + ["outpatient"])),
                    # primary and city levels more often: there the standards differ most
                    level=draw(st.sampled_from([*LEVELS, "township", "city"])),
                    in_county=draw(st.booleans()),
                    cost_total_fen=total,
                    out_of_scope_fen=draw(st.integers(0, total // 4)),
                    referred_from=draw(st.sampled_from(before)) if before else None,
                    referral_in_community=draw(st.integers(0, 3)) > 0,
                )
            )
    return claims


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(referral_years(), st.sampled_from(["hubei_xiaogan", "hebei_wuji", "demo"]))
def test_a_referral_never_costs_the_patient_more_than_no_referral(
    claims: list[ClaimInput], region: str
) -> None:
    """For every person-year, what the patient pays with the in-community referral links is
    at most what they pay with none. (Without assistance groups: medical assistance is a
    share of each claim rounded to the fen, so moving an amount between claims can move a
    fen of it; the fund, its caps and critical illness are monotone in the deductibles.)"""
    book = SchemeBook(region, root=REGIONS[region])
    plain = claims
    unlinked = [replace(c, referral_in_community=False) for c in plain]

    def paid(results: list[ClaimResult]) -> Counter[tuple[str, int]]:
        out: Counter[tuple[str, int]] = Counter()
        for r in results:
            out[r.person_id, r.event_date.year] += r.patient_fen
        return out

    with_links, without = paid(adjudicate(plain, book)), paid(adjudicate(unlinked, book))
    assert all(with_links[key] <= without[key] for key in without)
    # and no claim's deductible is higher with the links
    linked_ded = {r.encounter_id: r.deductible_fen for r in adjudicate(plain, book)}
    assert all(linked_ded[r.encounter_id] <= r.deductible_fen for r in adjudicate(unlinked, book))


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
    assert continued_deductible(20_000, 40_000, 10_000) == 0
    assert continued_deductible(80_000, 20_000, 80_000) == 60_000


def test_stay_roots_follow_parent_chains() -> None:
    parent = np.array([0, 0, 1, 3, 2, 5])
    assert stay_roots(parent).tolist() == [0, 0, 0, 3, 0, 5]


def _same_day_up_referral() -> list[ClaimInput]:
    """Township stay t9 (200) and the county stay t1 it was referred up to (400) both end on
    5 March; the source's id sorts after the target's."""
    return [
        adm("t1", 5, "county", referred=True, referred_from="t9", referral_in_community=True),
        adm("t9", 5, "township"),
    ]


def test_same_day_up_referral_continues_its_source_whatever_the_ids() -> None:
    """The source settles first: township 200, then the county tops up 200 (not 400 + 100)."""
    results = adjudicate_person(_same_day_up_referral(), XIAOGAN)
    assert [(r.encounter_id, r.deductible_fen, r.admission_no) for r in results] == [
        ("t9", 20_000, 1),
        ("t1", 20_000, 1),
    ]


def test_same_day_up_referral_continues_its_source_in_the_vectorised_path() -> None:
    table = adjudicate_table(table_from_claims(_same_day_up_referral()), "hubei_xiaogan")
    assert [
        (r["encounter_id"], r["deductible_fen"], r["admission_no"]) for r in table.to_pylist()
    ] == [
        ("t9", 20_000, 1),
        ("t1", 20_000, 1),
    ]


def test_sources_first_keeps_id_order_but_puts_a_source_before_its_target() -> None:
    assert sources_first(["a", "b", "c"], [None, None, None]) == [0, 1, 2]
    assert sources_first(["a", "b", "c"], ["c", None, None]) == [1, 2, 0]
    assert sources_first(["a", "b"], ["b", "a"]) == [0, 1]  # a cycle: id order


def _short_stay_then_up(month: int) -> list[ClaimInput]:
    """Fixture scheme: a township stay whose eligible cost, 5 yuan, is below its 20-yuan
    deductible, referred up to the city (80; no lower deductible for later stays there)."""
    on = dt.date(2024, month, 1)
    return [
        adm("e1", 0, "township", total=500, on=on),
        adm(
            "e2",
            0,
            "city",
            on=on + dt.timedelta(days=3),
            referred=True,
            referred_from="e1",
            referral_in_community=True,
        ),
    ]


@pytest.mark.parametrize(("month", "top_up"), [(3, 6_000), (8, 7_500)])
def test_top_up_reading_is_the_regions_parameter(month: int, top_up: int) -> None:
    """Until July the fixture tops up by the standards (80 − 20); from July by what the stay
    paid (80 − 5), as ``inpatient.referral_top_up_from_paid`` says — both paths."""
    claims = _short_stay_then_up(month)
    assert deductibles(claims, DEMO) == [(500, 1), (top_up, 1)]
    table = adjudicate_table(table_from_claims(claims), "demo", root=DEMO.root)
    assert table["deductible_fen"].to_pylist() == [500, top_up]


def test_down_referral_counting_what_was_paid_owes_the_rest_of_its_standard() -> None:
    """From July (counting what was paid): a county stay paid 10 of its 50 yuan; the
    township stay it was referred down to owes 20 − 10 = 10 yuan."""
    on = dt.date(2024, 8, 1)
    claims = [
        adm("e1", 0, "county", total=1_000, on=on),
        adm("e2", 0, "township", on=on, referred_from="e1", referral_in_community=True),
    ]
    assert deductibles(claims, DEMO) == [(1_000, 1), (1_000, 1)]


@pytest.mark.parametrize(("total", "out_of_scope"), [(0, 0), (50_000, 50_000)])
def test_stay_with_nothing_eligible_is_not_the_years_first_admission(
    total: int, out_of_scope: int
) -> None:
    """孝感: a township stay with no eligible cost (total 0, or wholly out of scope) pays no
    deductible and is not counted; the county stay after it is the year's 1st (400, not the
    2nd admission's 200) — both paths."""
    claims = [
        adm("e1", 1, "township", total=total, out_of_scope_fen=out_of_scope),
        adm("e2", 9, "county"),
    ]
    assert deductibles(claims) == [(0, 0), (40_000, 1)]
    table = adjudicate_table(table_from_claims(claims), "hubei_xiaogan")
    assert table["deductible_fen"].to_pylist() == [0, 40_000]
    assert table["admission_no"].to_pylist() == [0, 1]


def test_stay_with_nothing_eligible_is_no_stay_to_continue() -> None:
    """A referral from it starts a stay of its own: the county's full 400."""
    claims = [
        adm("e1", 1, "township", total=50_000, out_of_scope_fen=50_000),
        adm("e2", 2, "county", referred_from="e1", referral_in_community=True),
    ]
    assert deductibles(claims) == [(0, 0), (40_000, 1)]

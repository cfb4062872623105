"""Settlement at discharge (出院即时结算): claim by claim, each seeing the earlier ones, equal
to the fen to the batch adjudication of the same year (scalar and vectorised paths)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings

from yigai.errors import Conflict, Invalid
from yigai.policy.adjudication import SPLIT_COLUMNS, ClaimInput, adjudicate, settling_order
from yigai.policy.discharge import (
    CostLine,
    DeskResult,
    DischargeEncounter,
    SettledClaim,
    settle_next,
)
from yigai.policy.scheme import SchemeBook
from yigai.policy.vectorised import adjudicate_table, table_from_claims

from .test_adjudication import claim
from .test_adjudication_vectorised import GROUPS, REGIONS, claim_sets

D = dt.date
XIAOGAN = SchemeBook("hubei_xiaogan")
DEMO = SchemeBook("demo", root=REGIONS["demo"])


def desk_one_by_one(claims: list[ClaimInput], book: SchemeBook) -> dict[str, DeskResult]:
    """Settle each person-year's claims in claim order, each after the ones settled before."""
    settled: dict[tuple[str, int], list[SettledClaim]] = defaultdict(list)
    out = {}
    persons = sorted({c.person_id for c in claims})
    for c in (c for p in persons for c in settling_order(x for x in claims if x.person_id == p)):
        history = settled[c.person_id, c.event_date.year]
        done = settle_next(history, c, book)
        split = {col: getattr(done.result, col) for col in SPLIT_COLUMNS}
        history.append(SettledClaim(c, split, "desk"))
        out[c.encounter_id] = done
    return out


def assert_equals_batch(claims: list[ClaimInput], region: str) -> dict[str, DeskResult]:
    book = SchemeBook(region, root=REGIONS[region])
    desk = desk_one_by_one(claims, book)
    scalar = {r.encounter_id: r for r in adjudicate(claims, book)}
    vector = adjudicate_table(table_from_claims(claims, GROUPS), region, root=REGIONS[region])
    assert set(desk) == set(scalar) == set(vector["encounter_id"].to_pylist())
    for row in vector.to_pylist():
        eid = row["encounter_id"]
        got = {col: getattr(desk[eid].result, col) for col in SPLIT_COLUMNS}
        assert got == {col: getattr(scalar[eid], col) for col in SPLIT_COLUMNS}, eid
        assert got == {col: row[col] for col in SPLIT_COLUMNS}, eid
    return desk


def test_second_admission_at_the_desk_equals_batch() -> None:
    """孝感: 2nd admission at 一级 owes the repeat deductible 100 yuan (as the batch)."""
    desk = assert_equals_batch(
        [
            claim("e1", D(2024, 3, 1), "inpatient", "county", 1_000_000),
            claim("e2", D(2024, 5, 1), "inpatient", "township", 200_000),
        ],
        "hubei_xiaogan",
    )
    assert (desk["e2"].result.deductible_fen, desk["e2"].result.admission_no) == (10_000, 2)
    assert desk["e2"].before.admissions == 1


def test_up_referral_within_the_continuity_window_at_the_desk_equals_batch() -> None:
    """Township stay (200) referred up to the city (800) in the community: the top-up, 600,
    is held to the 400 a later admission would owe (a referral never costs more)."""
    desk = assert_equals_batch(
        [
            claim("e1", D(2024, 3, 1), "inpatient", "township", 1_000_000),
            claim(
                "e2",
                D(2024, 3, 5),
                "inpatient",
                "city",
                1_000_000,
                referred=True,
                referred_from="e1",
                referral_in_community=True,
            ),
            claim("e3", D(2024, 6, 1), "inpatient", "county", 500_000),
        ],
        "hubei_xiaogan",
    )
    assert desk["e2"].result.deductible_fen == 40_000 and desk["e2"].result.admission_no == 1
    assert "医共体内转诊连续计算" in desk["e2"].explanation[1]
    assert desk["e3"].result.admission_no == 2


def test_annual_cap_and_critical_illness_at_the_desk_equal_batch() -> None:
    """孝感: a 300,000-yuan city stay uses the 150,000 cap; the next stay gets no fund and
    7,500 of critical illness (hand-computed in test_adjudication)."""
    desk = assert_equals_batch(
        [
            claim("e1", D(2024, 2, 1), "inpatient", "city", 30_000_000),
            claim("e2", D(2024, 3, 1), "inpatient", "county", 1_000_000),
        ],
        "hubei_xiaogan",
    )
    second = desk["e2"]
    assert (second.result.fund_fen, second.result.critical_fen) == (0, 750_000)
    assert second.before.fund_fen == 15_000_000 and second.before.critical_fen == 9_380_000


def test_outpatient_deductible_crossed_over_desk_visits_equals_batch() -> None:
    """Fixture scheme: the annual outpatient deductible is consumed across visits."""
    day = D(2024, 4, 1)
    claims = [
        claim(f"o{i}", day + dt.timedelta(days=i), "outpatient", "township", 4_000)
        for i in range(6)
    ]
    desk = assert_equals_batch(claims, "demo")
    paid = [desk[f"o{i}"].result.deductible_fen for i in range(6)]
    assert 0 < sum(paid) == DEMO.at(day).outpatient_deductible_fen and paid[-1] == 0


def test_assistance_group_at_the_desk_equals_batch() -> None:
    """A person in an assistance group, with the fixture scheme's small assistance cap."""
    groups = frozenset({"poverty"})
    claims = [
        claim(
            f"a{i}",
            D(2024, 2, 1) + dt.timedelta(days=20 * i),
            "inpatient",
            "county",
            300_000,
            groups=groups,
        )
        for i in range(4)
    ]
    desk = assert_equals_batch(claims, "demo")
    assert any(d.result.assistance_fen for d in desk.values())


def test_a_claim_before_a_settled_one_is_refused_naming_the_date() -> None:
    first = claim("e2", D(2024, 5, 1), "inpatient", "county", 100_000)
    (done,) = desk_one_by_one([first], XIAOGAN).values()
    past = SettledClaim(first, {c: getattr(done.result, c) for c in SPLIT_COLUMNS}, "desk")
    with pytest.raises(Invalid, match="event_date") as e:
        settle_next([past], claim("e1", D(2024, 4, 1), "outpatient", "village", 100), XIAOGAN)
    assert "e2" in e.value.zh and "e2" in e.value.en


def test_a_stored_split_that_the_rules_do_not_give_is_a_conflict() -> None:
    """The fund of a settled claim stored 1 fen off: the year cannot carry on."""
    first = claim("e1", D(2024, 3, 1), "inpatient", "county", 1_000_000)
    (done,) = desk_one_by_one([first], XIAOGAN).values()
    split = {c: getattr(done.result, c) for c in SPLIT_COLUMNS}
    split["fund_fen"] += 1
    with pytest.raises(Conflict, match="fund_fen"):
        settle_next(
            [SettledClaim(first, split, "warehouse")],
            claim("e2", D(2024, 5, 1), "inpatient", "township", 200_000),
            XIAOGAN,
        )


def test_a_claim_the_rules_cannot_settle_is_invalid_naming_encounter_and_column() -> None:
    bad = claim("e9", D(2024, 3, 1), "inpatient", "moon", 1_000)
    with pytest.raises(Invalid) as e:
        settle_next([], bad, XIAOGAN)
    assert "e9" in e.value.zh and "level" in e.value.zh and "level" in e.value.en


def _encounter(lines: tuple[CostLine, ...], **kw: object) -> DischargeEncounter:
    base: dict[str, object] = dict(
        encounter_id="e1",
        person_id="p1",
        institution_id="H1",
        care_type="inpatient",
        level="county",
        in_county=True,
        admission_date=D(2024, 3, 1),
        discharge_date=D(2024, 3, 10),
        cost_lines=lines,
        region="hubei_xiaogan",
    )
    base.update(kw)
    return DischargeEncounter(**base)  # type: ignore[arg-type]


def test_cost_lines_make_total_and_out_of_scope() -> None:
    c = _encounter(
        (CostLine("药品", 600_000), CostLine("自费材料", 100_000, in_scope=False))
    ).claim()
    assert (c.cost_total_fen, c.out_of_scope_fen, c.event_date) == (
        700_000,
        100_000,
        D(2024, 3, 10),
    )


def test_a_negative_cost_line_is_invalid_naming_the_line() -> None:
    with pytest.raises(Invalid, match=r"cost_lines\[1\]\.amount_fen"):
        _encounter((CostLine("药品", 100), CostLine("退费", -5))).claim()


def test_discharge_before_admission_is_invalid() -> None:
    with pytest.raises(Invalid, match="discharge_date"):
        _encounter((CostLine("药品", 100),), discharge_date=D(2024, 2, 1)).claim()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim_sets())
def test_sequential_desk_settlement_equals_batch_on_the_small_cap_scheme(
    claims: list[ClaimInput],
) -> None:
    assert_equals_batch(claims, "demo")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim_sets(scale=40_000_000))
def test_sequential_desk_settlement_equals_batch_on_a_shipped_scheme(
    claims: list[ClaimInput],
) -> None:
    assert_equals_batch(claims, "hubei_xiaogan")

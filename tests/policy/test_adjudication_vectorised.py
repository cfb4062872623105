"""Vectorised adjudication: equal to the scalar reference to the fen, and the invariants.

Property-based (hypothesis) on random claim sets, on the small-cap fixture scheme (caps and
rounding bind often) and on both shipped schemes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yigai.policy.adjudication import (
    SPLIT_COLUMNS,
    ClaimError,
    ClaimInput,
    adjudicate,
    settling_order,
)
from yigai.policy.scheme import CARE_TYPES, LEVELS, SchemeBook
from yigai.policy.vectorised import adjudicate_table, table_from_claims
from yigai.policy.vectorised.common import count_below as _count_below
from yigai.policy.vectorised.packing import PACK_ROWS as _PACK_ROWS
from yigai.policy.vectorised.packing import Packed as _Packed
from yigai.policy.vectorised.packing import inverse as _inverse

FIXTURE = Path(__file__).parent / "params_fixture"
REGIONS = {
    "demo": FIXTURE,
    "hubei_xiaogan": None,
    "hebei_wuji": None,
}
COMPARED = (
    *SPLIT_COLUMNS,
    "admission_no",
    "cum_fund_fen",
    "cum_outpatient_fund_fen",
    "cum_oop_fen",
    "cum_critical_fen",
    "cum_assistance_fen",
    "scheme_version",
)
GROUPS = ("poverty", "special_family", "diabetes")


@st.composite
def claim_sets(draw: st.DrawFn, scale: int = 200_000) -> list[ClaimInput]:
    """Claims of 1–4 people over 2024–2025, often several on one day, with referral links to
    claims that came before them (in an order of their own: the source's id may sort later)."""
    claims: list[ClaimInput] = []
    for person in range(draw(st.integers(1, 4))):
        groups = frozenset(draw(st.sets(st.sampled_from(GROUPS), max_size=2)))
        ids = [f"p{person}e{k:02d}" for k in range(draw(st.integers(1, 10)))]
        came = draw(st.permutations(ids))
        days: list[int] = []
        for eid in ids:
            total = draw(st.integers(0, scale))
            others = came[: came.index(eid)]
            day = draw(st.sampled_from(days)) if days and draw(st.booleans()) else None
            days.append(draw(st.integers(0, 700)) if day is None else day)
            claims.append(
                ClaimInput(
                    encounter_id=eid,
                    person_id=f"p{person}",
                    event_date=dt.date(2024, 1, 1) + dt.timedelta(days=days[-1]),
                    care_type=draw(st.sampled_from(CARE_TYPES)),
                    level=draw(st.sampled_from(LEVELS)),
                    in_county=draw(st.booleans()),
                    cost_total_fen=total,
                    out_of_scope_fen=draw(st.integers(0, total)),
                    referred=draw(st.booleans()),
                    referred_from=draw(st.sampled_from(others))
                    if others and draw(st.booleans())
                    else None,
                    referral_in_community=draw(st.booleans()),
                    groups=groups,
                )
            )
    return claims


def _by_id(table: pa.Table) -> pa.Table:
    return table.sort_by("encounter_id")


def _compare(claims: list[ClaimInput], region: str) -> None:
    root = REGIONS[region]
    expected = {r.encounter_id: r for r in adjudicate(claims, SchemeBook(region, root=root))}
    got = adjudicate_table(table_from_claims(claims, GROUPS), region, root=root).to_pylist()
    assert len(got) == len(expected)
    for row in got:
        ref = expected[row["encounter_id"]]
        assert {k: row[k] for k in COMPARED} == {k: getattr(ref, k) for k in COMPARED}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim_sets())
def test_vectorised_equals_scalar_on_the_small_cap_scheme(claims: list[ClaimInput]) -> None:
    _compare(claims, "demo")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim_sets(scale=40_000_000), st.sampled_from(["hubei_xiaogan", "hebei_wuji"]))
def test_vectorised_equals_scalar_on_the_shipped_schemes(
    claims: list[ClaimInput], region: str
) -> None:
    _compare(claims, region)


@settings(max_examples=50, deadline=None)
@given(claim_sets())
def test_split_adds_up_and_nothing_is_negative(claims: list[ClaimInput]) -> None:
    for r in adjudicate(claims, SchemeBook("demo", root=FIXTURE)):
        assert r.fund_fen + r.critical_fen + r.assistance_fen + r.patient_fen == r.cost_total_fen
        parts = (
            r.eligible_fen,
            r.deductible_fen,
            r.fund_fen,
            r.critical_fen,
            r.assistance_fen,
            r.patient_fen,
        )
        assert min(parts) >= 0
        assert r.deductible_fen <= r.eligible_fen <= r.cost_total_fen


@settings(max_examples=50, deadline=None)
@given(claim_sets())
def test_caps_are_never_exceeded_per_person_year(claims: list[ClaimInput]) -> None:
    """Fixture caps: fund 1,000 yuan (1,200.50 in 2025), outpatient 50, critical 800,
    assistance 300 (poverty) / 500 (special family)."""
    book = SchemeBook("demo", root=FIXTURE)
    totals: dict[tuple[str, int], list[int]] = {}
    for r in adjudicate(claims, book):
        t = totals.setdefault((r.person_id, r.event_date.year), [0, 0, 0])
        t[0] += r.fund_fen
        t[1] += r.critical_fen
        t[2] += r.assistance_fen
    for (_, year), (fund, critical, assistance) in totals.items():
        s = book.at(dt.date(year, 1, 1))
        assert fund <= s.annual_cap_fen
        assert critical <= s.critical_cap_fen
        assert assistance <= max(s.assistance_cap_fen.values())


@settings(max_examples=50, deadline=None)
@given(claim_sets(), st.randoms(use_true_random=False))
def test_input_order_does_not_matter(claims: list[ClaimInput], rnd: random.Random) -> None:
    book = SchemeBook("demo", root=FIXTURE)
    shuffled = claims[:]
    rnd.shuffle(shuffled)
    assert adjudicate(shuffled, book) == adjudicate(claims, book)
    table = table_from_claims(claims, GROUPS)
    permuted = table.take(pa.array(rnd.sample(range(table.num_rows), table.num_rows)))
    assert _by_id(adjudicate_table(permuted, "demo", root=FIXTURE)) == _by_id(
        adjudicate_table(table, "demo", root=FIXTURE)
    )


@settings(max_examples=20, deadline=None)
@given(claim_sets(), st.randoms(use_true_random=False), st.booleans())
def test_chunks_of_persons_give_the_same_result(
    claims: list[ClaimInput], rnd: random.Random, grouped: bool
) -> None:
    """Chunks are slices of person-grouped input, or gathered from input in any order."""
    if not grouped:
        rnd.shuffle(claims)
    table = table_from_claims(claims, GROUPS)
    whole = adjudicate_table(table, "demo", root=FIXTURE)
    chunked = adjudicate_table(table, "demo", root=FIXTURE, chunk_rows=3, scattered_chunk_rows=3)
    assert _by_id(chunked) == _by_id(whole)


def test_scattered_input_below_its_chunk_size_is_adjudicated_in_one_piece() -> None:
    """Gathering chunks out of warehouse order costs more than one bigger sort."""
    people = [f"p{i}" for i in range(4)]
    claims = [
        ClaimInput(f"e{d}{p}", p, dt.date(2024, 1, 1 + d), "outpatient", "township", True, 100)
        for d in range(3)
        for p in people
    ]
    table = table_from_claims(claims)  # by date: each person's claims apart
    out = adjudicate_table(table, "demo", root=FIXTURE, chunk_rows=3, scattered_chunk_rows=100)
    assert out["scheme_version"].num_chunks == 1


@settings(max_examples=40, deadline=None)
@given(claim_sets(), st.integers(1, 12))
def test_cache_blocks_of_person_years_give_the_same_result(
    claims: list[ClaimInput], block_rows: int
) -> None:
    """Blocks cut between person-years; a referral link never reaches across a block."""
    table = table_from_claims(claims, GROUPS)
    whole = adjudicate_table(table, "demo", root=FIXTURE)
    blocked = adjudicate_table(table, "demo", root=FIXTURE, block_rows=block_rows)
    assert blocked == whole


def test_pandas_input_is_accepted() -> None:
    """孝感 二级 10,000 yuan: (10,000 − 400) × 75% = 7,200 yuan."""
    claims = [ClaimInput("e1", "p1", dt.date(2024, 3, 1), "inpatient", "county", True, 1_000_000)]
    out = adjudicate_table(table_from_claims(claims).to_pandas(), "hubei_xiaogan")
    assert out["fund_fen"].to_pylist() == [720_000]


@settings(max_examples=30, deadline=None)
@given(claim_sets())
def test_dictionary_care_types_and_levels_give_the_same_result(claims: list[ClaimInput]) -> None:
    """Care types and levels may come dictionary-encoded (a pandas categorical, Parquet)."""
    table = table_from_claims(claims, GROUPS)
    encoded = table
    for name in ("care_type", "level"):
        encoded = encoded.set_column(
            encoded.schema.get_field_index(name), name, pc.dictionary_encode(table[name])
        )
    assert adjudicate_table(encoded, "demo", root=FIXTURE) == adjudicate_table(
        table, "demo", root=FIXTURE
    )


def test_an_unknown_level_in_a_dictionary_column_names_the_encounter() -> None:
    claims = [
        ClaimInput("ok1", "p1", dt.date(2024, 3, 1), "outpatient", "township", True, 100),
        ClaimInput("bad2", "p2", dt.date(2024, 3, 1), "outpatient", "township", True, 100),
    ]
    table = table_from_claims(claims)
    levels = pa.DictionaryArray.from_arrays(pa.array([1, 0], pa.int8()), ["moon", "township"])
    with pytest.raises(ClaimError, match="unknown level") as info:
        adjudicate_table(table.set_column(4, "level", levels), "hubei_xiaogan")
    assert (info.value.encounter_id, info.value.column) == ("bad2", "level")


def test_missing_columns_are_named() -> None:
    table = table_from_claims(
        [ClaimInput("e1", "p1", dt.date(2024, 3, 1), "inpatient", "county", True, 100)]
    )
    with pytest.raises(ClaimError, match="cost_total_fen"):
        adjudicate_table(table.drop_columns(["cost_total_fen"]), "hubei_xiaogan")


def test_duplicate_encounter_ids_are_refused() -> None:
    one = ClaimInput("e1", "p1", dt.date(2024, 3, 1), "inpatient", "county", True, 100)
    with pytest.raises(ClaimError, match="duplicate encounter ids"):
        adjudicate_table(table_from_claims([one, one]), "hubei_xiaogan")


def test_out_of_scope_above_total_names_the_encounter() -> None:
    bad = ClaimInput("bad7", "p1", dt.date(2024, 3, 1), "inpatient", "county", True, 100, 500)
    with pytest.raises(ClaimError) as info:
        adjudicate_table(table_from_claims([bad]), "hubei_xiaogan")
    assert (info.value.encounter_id, info.value.column) == ("bad7", "out_of_scope_fen")


def test_half_a_fen_rounds_up_not_to_even_in_the_vectorised_path() -> None:
    """孝感 村卫生室 门诊 50%, no deductible: 1 fen → 0.5 → 1 and 5 fen → 2.5 → 3 (half up;
    banker's rounding would give 0 and 2), equal to the scalar reference."""
    claims = [
        ClaimInput(
            f"e{total}",
            f"p{total}",
            dt.date(2024, 3, 1),
            "outpatient",
            "village",
            in_county=True,
            cost_total_fen=total,
            out_of_scope_fen=0,
        )
        for total in (1, 5)
    ]
    out = adjudicate_table(table_from_claims(claims), "hubei_xiaogan").to_pylist()
    got = {r["encounter_id"]: (r["deductible_fen"], r["fund_fen"], r["patient_fen"]) for r in out}
    assert got == {"e1": (0, 1, 0), "e5": (0, 3, 2)}


def test_empty_table_gives_empty_result() -> None:
    out = adjudicate_table(table_from_claims([]), "hubei_xiaogan")
    assert out.num_rows == 0 and "fund_fen" in out.column_names


@settings(max_examples=40, deadline=None)
@given(claim_sets())
def test_results_come_in_claim_order(claims: list[ClaimInput]) -> None:
    """Each person's claims together, in the scalar path's order (by event date then
    encounter id; on one day a referral's source before its target)."""
    out = adjudicate_table(table_from_claims(claims, GROUPS), "demo", root=FIXTURE)
    keys = list(zip(*(out[c].to_pylist() for c in ("person_id", "encounter_id")), strict=True))
    persons = [p for p, _ in itertools.groupby(k[0] for k in keys)]
    assert len(persons) == len(set(persons))
    for person in persons:
        mine = [c for c in claims if c.person_id == person]
        assert [e for p, e in keys if p == person] == [c.encounter_id for c in settling_order(mine)]
    assert sorted(out["encounter_id"].to_pylist()) == sorted(c.encounter_id for c in claims)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 2**40), min_size=1, max_size=30),
    st.lists(st.integers(0, 2**40), min_size=0, max_size=12, unique=True),
    st.booleans(),
)
def test_count_below_equals_searchsorted(
    values: list[int], edges: list[int], inclusive: bool
) -> None:
    e, v = np.array(sorted(edges), dtype=np.int64), np.array(values, dtype=np.int64)
    side = "right" if inclusive else "left"
    assert _count_below(e, v, inclusive=inclusive).tolist() == np.searchsorted(e, v, side).tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.booleans(), st.integers(0, 2**40)), min_size=1))
def test_packed_columns_unpack_to_themselves_after_a_move(rows: list[tuple]) -> None:
    small, flag, wide = (np.array(col) for col in zip(*rows, strict=True))
    to = np.random.default_rng(len(rows)).permutation(len(rows))
    packed = _Packed.of({"small": small, "flag": flag, "wide": wide}, to=to)
    for name, col in (("small", small), ("flag", flag), ("wide", wide)):
        moved = np.empty_like(col)
        moved[to] = col
        assert packed.column(name).tolist() == moved.tolist()
        assert packed.column(name).dtype == col.dtype


def test_packing_into_an_order_crosses_packing_blocks() -> None:
    """Rows are packed and moved block by block: every block lands where ``to`` sends it."""
    rng = np.random.default_rng(7)
    n = 2 * _PACK_ROWS + 7
    wide, flag = rng.integers(0, 2**45, n), rng.random(n) < 0.5
    order = rng.permutation(n)
    to = _inverse(order)
    assert (to[order] == np.arange(n)).all()
    packed = _Packed.of({"wide": wide, "flags": [flag, ~flag]}, to=to)
    assert (packed.column("wide") == wide[order]).all()
    assert (packed.column("flags") == np.where(flag, 1, 2)[order]).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.integers(0, 2**50)), min_size=1))
def test_packed_bit_fields_blocks_and_nonzero_rows(rows: list[tuple]) -> None:
    """A list of flags packs as the bits of one field; a block unpacks its slice."""
    a, b, wide = (np.array(col) for col in zip(*rows, strict=True))
    packed = _Packed.of({"wide": wide, "bits": [a, b]})
    assert packed.column("bits").tolist() == (a.astype(int) | b.astype(int) << 1).tolist()
    assert packed.nonzero("bits").tolist() == np.flatnonzero(a | b).tolist()
    lo, hi = len(rows) // 3, len(rows)
    out = np.empty(hi - lo, dtype=np.int64)
    assert packed.rows(lo, hi).column("wide", out=out).tolist() == wide[lo:hi].tolist()


def test_groups_that_change_within_a_person_year_name_the_claim_and_group() -> None:
    """A person's assistance groups are one fact of the year, as in the scalar path."""
    claims = [
        ClaimInput("a1", "p1", dt.date(2024, 4, 1), "outpatient", "township", True, 100),
        ClaimInput(
            "a2",
            "p1",
            dt.date(2024, 5, 1),
            "outpatient",
            "township",
            True,
            100,
            groups=frozenset({"poverty"}),
        ),
    ]
    with pytest.raises(ClaimError, match="groups differ") as info:
        adjudicate_table(table_from_claims(claims, GROUPS), "hubei_xiaogan")
    assert (info.value.encounter_id, info.value.column) == ("a2", "grp_poverty")


def test_negative_total_names_the_encounter_and_column_like_the_scalar_path() -> None:
    bad = ClaimInput("bad3", "p1", dt.date(2024, 3, 1), "inpatient", "county", True, -100)
    with pytest.raises(ClaimError) as vectorised:
        adjudicate_table(table_from_claims([bad]), "hubei_xiaogan")
    with pytest.raises(ClaimError) as scalar:
        adjudicate([bad], SchemeBook("hubei_xiaogan"))
    assert (vectorised.value.encounter_id, vectorised.value.column) == ("bad3", "cost_total_fen")
    assert (scalar.value.encounter_id, scalar.value.column) == ("bad3", "cost_total_fen")


def test_negative_out_of_scope_names_that_column_in_both_paths() -> None:
    bad = ClaimInput("bad4", "p1", dt.date(2024, 3, 1), "inpatient", "county", True, 100, -5)
    with pytest.raises(ClaimError) as vectorised:
        adjudicate_table(table_from_claims([bad]), "hubei_xiaogan")
    with pytest.raises(ClaimError) as scalar:
        adjudicate([bad], SchemeBook("hubei_xiaogan"))
    assert (vectorised.value.encounter_id, vectorised.value.column) == ("bad4", "out_of_scope_fen")
    assert (scalar.value.encounter_id, scalar.value.column) == ("bad4", "out_of_scope_fen")


def test_scalar_path_refuses_an_encounter_id_given_twice_on_different_days() -> None:
    one = ClaimInput("e1", "p1", dt.date(2024, 3, 1), "inpatient", "county", True, 100)
    again = ClaimInput("e1", "p2", dt.date(2024, 5, 1), "outpatient", "village", True, 100)
    with pytest.raises(ClaimError, match="duplicate encounter ids") as info:
        adjudicate([one, again], SchemeBook("hubei_xiaogan"))
    assert (info.value.encounter_id, info.value.column) == ("e1", "encounter_id")


@pytest.mark.parametrize(("column", "value"), [("care_type", "spa"), ("level", "moon")])
def test_unknown_code_message_is_the_scalar_paths(column: str, value: str) -> None:
    good = ClaimInput("bad5", "p1", dt.date(2024, 3, 1), "outpatient", "township", True, 100)
    bad = replace(good, **{column: value})
    with pytest.raises(ClaimError) as vectorised:
        adjudicate_table(table_from_claims([bad]), "hubei_xiaogan")
    with pytest.raises(ClaimError) as scalar:
        adjudicate([bad], SchemeBook("hubei_xiaogan"))
    assert str(vectorised.value) == str(scalar.value)


def test_vectorised_path_refuses_an_encounter_id_given_twice_on_different_days() -> None:
    """Claim order only sets claims of one person and day side by side: a duplicate on
    another day (or of another person) must still be refused, as the scalar path does."""
    one = ClaimInput("e1", "p1", dt.date(2024, 3, 1), "inpatient", "county", True, 100)
    again = ClaimInput("e1", "p2", dt.date(2024, 5, 1), "outpatient", "village", True, 100)
    with pytest.raises(ClaimError, match="duplicate encounter ids") as info:
        adjudicate_table(table_from_claims([one, again]), "hubei_xiaogan")
    assert (info.value.encounter_id, info.value.column) == ("e1", "encounter_id")


def test_a_duplicate_in_another_chunk_of_persons_is_refused() -> None:
    """Chunks of whole persons are adjudicated one by one; the check spans them all."""
    claims = [
        ClaimInput(f"e{i}", f"p{i}", dt.date(2024, 3, 1), "outpatient", "village", True, 100)
        for i in range(6)
    ]
    claims.append(replace(claims[0], person_id="p5", event_date=dt.date(2024, 6, 1)))
    with pytest.raises(ClaimError, match="duplicate encounter ids"):
        adjudicate_table(table_from_claims(claims), "hubei_xiaogan", chunk_rows=2)

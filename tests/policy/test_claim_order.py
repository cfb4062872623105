"""Claim order: every way of keying persons gives the one order (person, date, encounter id)."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.policy import claim_order as co
from yigai.policy.adjudication import ClaimError


def _check(encounter: list[str], person: list[str], day: list[int]) -> co.ClaimOrder:
    """The order found is a claim order: every row once, each person's claims together and
    by (day, encounter id); persons may come in any order (by code or by hash)."""
    found = co.claim_order(pa.chunked_array([encounter]), pa.chunked_array([person]), np.array(day))
    rows = found.order.tolist()
    assert sorted(rows) == list(range(len(encounter)))
    ordered = [(person[r], day[r], encounter[r]) for r in rows]
    runs = [p for p, _ in itertools.groupby(p for p, _, _ in ordered)]
    assert len(runs) == len(set(runs))
    assert all(a < b for a, b in itertools.pairwise(ordered) if a[0] == b[0])
    # person numbers count up from 0 and change exactly where the person changes
    changes = [a[0] != b[0] for a, b in itertools.pairwise(ordered)]
    assert found.person.tolist() == np.cumsum([0, *changes]).tolist()
    assert found.day.tolist() == [d for _, d, _ in ordered]
    if found.person_id is not None:
        assert found.person_id.to_pylist() == [p for p, _, _ in ordered]
    return found


claims = st.lists(
    st.tuples(st.sampled_from(["a1", "b2", "c3", "d4", "ee", "f0"]), st.integers(0, 40)),
    min_size=1,
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(claims)
def test_fixed_width_ids_in_any_order_give_the_claim_order(rows: list[tuple[str, int]]) -> None:
    encounter = [f"E{i:04d}" for i in range(len(rows))][::-1]  # ids against the row order
    _check(encounter, [p for p, _ in rows], [d for _, d in rows])


@settings(max_examples=100, deadline=None)
@given(claims)
def test_variable_width_ids_give_the_same_claim_order(rows: list[tuple[str, int]]) -> None:
    person = [p.rstrip("0123456789") or p for p, _ in rows]  # "a", "b", …, "ee", "f0"
    _check([f"E{i}" for i in range(len(rows))], person, [d for _, d in rows])


def test_person_grouped_input_is_keyed_by_runs_without_hashing() -> None:
    person = ["p1"] * 3 + ["p2"] * 3 + ["p3"] * 2
    keys = co.person_keys(pa.array(person))
    assert keys.exact and keys.key.tolist() == [0, 0, 0, 1, 1, 1, 2, 2]


def test_a_person_in_two_runs_is_not_taken_for_grouped_input() -> None:
    person = ["p1", "p1", "p1", "p2", "p2", "p2", "p1", "p1"]
    keys = co.person_keys(pa.array(person))
    assert keys.key[0] == keys.key[6]
    _check([f"E{i}" for i in range(8)], person, [5, 1, 3, 2, 2, 9, 0, 4])


def test_fixed_width_ids_are_hashed_not_dictionary_encoded() -> None:
    keys = co.person_keys(pa.array(["bb", "aa", "bb", "cc"]))
    assert not keys.exact and keys.fixed is not None


def test_variable_width_ids_are_dictionary_encoded() -> None:
    keys = co.person_keys(pa.array(["bb", "a", "bb", "c"]))
    assert keys.exact and keys.key.tolist() == [0, 1, 0, 2]


def test_a_hash_collision_falls_back_to_exact_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every id hashed alike: the byte comparison catches it and the order is still right."""
    monkeypatch.setattr(co, "hash_words", lambda words: np.zeros(words.shape[0], np.uint64))
    person = ["bb", "aa", "bb", "cc", "aa", "cc"]
    found = _check([f"E{i}" for i in range(6)], person, [3, 3, 1, 2, 0, 2])
    assert found.person_id is None  # the exact path moved no ids


def test_persons_whose_hashes_share_the_sorted_prefix_are_told_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hashes that differ only in the low bits fall into one prefix of the packed sort key;
    the clash is re-sorted on the whole hash, without falling back to exact codes."""
    monkeypatch.setattr(co, "hash_words", lambda words: words[:, 0] & np.uint64(0xFFFF))
    person = ["bb", "aa", "bb", "cc", "aa", "cc", "dd"]
    found = _check([f"E{i}" for i in range(7)], person, [3, 3, 1, 2, 0, 2, 1])
    assert found.person_id is not None  # the hashed path, not the fallback


def test_days_too_spread_for_the_packed_key_fall_back_to_a_lexicographic_sort() -> None:
    """A day range of 2⁴⁰ leaves fewer than 24 bits for the hash prefix in the packed key:
    the rows are sorted on the whole hash instead, with the same resulting order."""
    rng = np.random.default_rng(7)
    person = [f"{i:02d}" for i in rng.integers(0, 30, 400)]
    day = rng.integers(0, 1 << 40, 400)
    keys = co.person_keys(pa.array(person))
    order, who, _ = co._sort_keys(keys, day)
    assert (who == keys.key[order]).all()  # the whole hash, not a prefix
    _check([f"E{i:03d}" for i in range(400)], person, day.tolist())


def test_claims_of_one_person_on_one_day_follow_encounter_ids() -> None:
    found = _check(["E3", "E1", "E2"], ["aa", "aa", "aa"], [7, 7, 7])
    assert found.order.tolist() == [1, 2, 0]


def test_a_duplicate_encounter_id_of_one_person_and_day_is_refused() -> None:
    with pytest.raises(ClaimError, match="E1"):
        co.claim_order(
            pa.chunked_array([["E1", "E1", "E2"]]),
            pa.chunked_array([["aa", "aa", "bb"]]),
            np.array([4, 4, 4]),
        )


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet="abc0", min_size=0, max_size=3), min_size=1, max_size=30),
    st.data(),
)
def test_take_strings_equals_arrow_take(values: list[str], data: st.DataObject) -> None:
    index = data.draw(st.lists(st.integers(0, len(values) - 1), max_size=40))
    arr = pa.array(values)
    got = co.take_strings(arr, np.array(index, dtype=np.int64))
    assert got.to_pylist() == [values[i] for i in index]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 50), st.randoms(use_true_random=False))
def test_take_strings_by_scatter_equals_arrow_take(width: int, n: int, rnd: random.Random) -> None:
    """Given the inverse permutation, widths without an Arrow fast path move by scattering."""
    values = ["".join(rnd.choice("0123456789AE") for _ in range(width)) for _ in range(n)]
    order = np.array(rnd.sample(range(n), n), dtype=np.int64)
    to = np.empty(n, dtype=np.int64)
    to[order] = np.arange(n)
    got = co.take_strings(pa.array(values), order, to)
    assert got.to_pylist() == [values[i] for i in order]


def test_take_strings_of_a_sliced_fixed_width_array() -> None:
    arr = pa.array(["xx", "aa", "bb", "cc"]).slice(1)
    assert co.take_strings(arr, np.array([2, 0, 0])).to_pylist() == ["cc", "aa", "aa"]


def test_chunks_of_hashed_keys_cover_every_row_once() -> None:
    keys = co.person_keys(pa.array([f"{i % 97:04d}" for i in range(1000)]))
    chunk = keys.chunk_of(4)
    assert set(chunk.tolist()) <= {0, 1, 2, 3}
    # one person, one chunk
    by_person: dict[int, set[int]] = {}
    for k, c in zip(keys.key.tolist(), chunk.tolist(), strict=True):
        by_person.setdefault(k, set()).add(c)
    assert all(len(c) == 1 for c in by_person.values())


def test_check_unique_compares_ids_whose_keys_meet_byte_for_byte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Equal keys are only candidates: distinct ids whose keys collide pass, equal ids fail."""
    monkeypatch.setattr(co, "_id_key", lambda fixed: np.zeros(len(fixed), np.uint64))
    co.check_unique(pa.array(["A001", "A002", "B003"]))
    with pytest.raises(ClaimError, match="duplicate encounter ids") as info:
        co.check_unique(pa.array(["A001", "A002", "A001"]))
    assert info.value.encounter_id == "A001"

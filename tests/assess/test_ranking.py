"""Ranking among peers: shared ranks for ties, reproducible order, who is last."""

from __future__ import annotations

from decimal import Decimal as D

from yigai.assess.ranking import Entry, rank

G = ("C1",)


def _ranks(entries: list[Entry]) -> dict[str, tuple[int, bool]]:
    return {p.org_id: (p.rank, p.last) for p in rank(entries)}


def test_equal_totals_share_a_rank_and_the_next_skips() -> None:
    """100, 90, 90, 80 → 1, 2, 2, 4 (competition ranking)."""
    got = _ranks(
        [Entry("a", G, D(100)), Entry("b", G, D(90)), Entry("c", G, D(90)), Entry("d", G, D(80))]
    )
    assert {k: r for k, (r, _) in got.items()} == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_tie_break_orders_tied_units_without_changing_rank() -> None:
    """b and c tie at 90; c has more tie-break points so is printed first; both rank 2."""
    placed = rank(
        [
            Entry("b", G, D(90), (D(5),)),
            Entry("c", G, D(90), (D(7),)),
            Entry("a", G, D(99), (D(0),)),
        ]
    )
    assert [(p.org_id, p.rank, p.order) for p in placed] == [("a", 1, 1), ("c", 2, 2), ("b", 2, 3)]


def test_full_tie_falls_back_to_org_id_order() -> None:
    placed = rank([Entry("z", G, D(50)), Entry("m", G, D(50)), Entry("a", G, D(60))])
    assert [p.org_id for p in placed] == ["a", "m", "z"]


def test_units_tied_at_the_bottom_are_all_last() -> None:
    got = _ranks([Entry("a", G, D(90)), Entry("b", G, D(40)), Entry("c", G, D(40))])
    assert got == {"a": (1, False), "b": (2, True), "c": (2, True)}


def test_a_group_of_one_has_no_last() -> None:
    assert _ranks([Entry("a", G, D(10))]) == {"a": (1, False)}


def test_everyone_tied_means_nobody_is_last() -> None:
    got = _ranks([Entry("a", G, D(70)), Entry("b", G, D(70))])
    assert got == {"a": (1, False), "b": (1, False)}


def test_groups_are_ranked_separately() -> None:
    got = _ranks(
        [
            Entry("a", ("C1",), D(90)),
            Entry("b", ("C1",), D(80)),
            Entry("x", ("C2",), D(10)),
            Entry("y", ("C2",), D(20)),
        ]
    )
    assert got == {"a": (1, False), "b": (2, True), "y": (1, False), "x": (2, True)}

"""Invariants of scoring on the shipped schemes, for any values (hypothesis).

- a total never exceeds the sum of the weights (满分), nor falls below 0;
- improving one indicator in its good direction never lowers the unit's total.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.assess import assess, load_scheme
from yigai.assess.model import Direction, Entered, Penalty

from .factories import org_units, target, values

SCHEMES = {sid: load_scheme(sid) for sid in ("community_2020", "primary_institution")}
UNITS = {
    "community_2020": org_units([("X", "community", "C1")]),
    "primary_institution": org_units([("X", "institution", "C1")], inst_type=["township_centre"]),
}
PERIOD = {"community_2020": "2025", "primary_institution": "2025Q1"}

numbers = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)


def _targets(sid: str, t: Decimal, b: Decimal) -> list:
    out = []
    for it in SCHEMES[sid].items:
        if it.indicator is None:
            continue
        good, bad = (
            (max(t, b), min(t, b)) if it.direction is Direction.HIGHER else (min(t, b), max(t, b))
        )
        out.append(target(it.indicator, str(good), str(bad)))
    return out


def _manual(sid: str, draw_points: dict[str, Decimal]) -> dict[tuple[str, str], Decimal]:
    out = {}
    for it in SCHEMES[sid].items:
        if isinstance(it.rule, Entered):
            out[("X", it.id)] = min(draw_points.get(it.id, Decimal(0)), it.weight)
        elif isinstance(it.rule, Penalty):
            out[("X", it.id)] = draw_points.get(it.id, Decimal(0)).to_integral_value()
    return out


def _total(
    sid: str, vals: dict[str, Decimal | None], t: Decimal, b: Decimal, manual: dict[str, Decimal]
) -> Decimal:
    rows = [(ind, "X", PERIOD[sid], None if v is None else str(v)) for ind, v in vals.items()]
    result = assess(
        SCHEMES[sid],
        values(rows),
        _targets(sid, t, b),
        PERIOD[sid],
        UNITS[sid],
        _manual(sid, manual),
    )
    return result.org("X").total


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, dict[str, Decimal | None], Decimal, Decimal, dict]:
    sid = draw(st.sampled_from(sorted(SCHEMES)))
    scheme = SCHEMES[sid]
    vals = {
        it.indicator: draw(st.none() | numbers) for it in scheme.items if it.indicator is not None
    }
    manual = {it.id: draw(numbers) for it in scheme.items if it.manual}
    return sid, vals, draw(numbers), draw(numbers), manual


@settings(max_examples=60, deadline=None)
@given(cases())
def test_total_between_zero_and_full_marks(case: tuple) -> None:
    sid, vals, t, b, manual = case
    total = _total(sid, vals, t, b, manual)
    assert Decimal(0) <= total <= sum(i.weight for i in SCHEMES[sid].items)


@settings(max_examples=60, deadline=None)
@given(cases(), st.data(), st.decimals(min_value=0, max_value=50, places=2))
def test_total_monotone_in_each_indicator_good_direction(
    case: tuple, data: st.DataObject, step: Decimal
) -> None:
    sid, vals, t, b, manual = case
    present = sorted(k for k, v in vals.items() if v is not None)
    if not present:
        return
    ind = data.draw(st.sampled_from(present))
    it = next(i for i in SCHEMES[sid].items if i.indicator == ind)
    better = dict(vals)
    assert vals[ind] is not None
    better[ind] = vals[ind] + step if it.direction is Direction.HIGHER else vals[ind] - step
    assert _total(sid, better, t, b, manual) >= _total(sid, vals, t, b, manual)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=20))
def test_fewer_penalty_occurrences_never_score_less(a: int, extra: int) -> None:
    sid = "primary_institution"
    vals = {it.indicator: Decimal(50) for it in SCHEMES[sid].items if it.indicator}
    few = _total(sid, vals, Decimal(60), Decimal(40), {"essential_drug_violation": Decimal(a)})
    more = _total(
        sid, vals, Decimal(60), Decimal(40), {"essential_drug_violation": Decimal(a + extra)}
    )
    assert few >= more

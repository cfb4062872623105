"""How the engine computes (issue 18 §1): one pass per view, no joins a query does not need,
registries read as stored, values computed vectorised and exactly.

The numbers themselves are held by the hand-computed tests (test_engine.py and others); these
tests hold the shape of the work that makes the engine fast, and the exactness of the
vectorised value arithmetic against the scalar rule of :mod:`yigai.indicators.values`.
"""

from __future__ import annotations

import json
from pathlib import Path

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import D, lookup, region
from yigai.indicators import assemble, catalogue, compute, engine, values, views
from yigai.indicators.plan import plan
from yigai.indicators.source import ArrowSource
from yigai.periods import Grain, parse, periods_of_year

SPINE = catalogue.load([Path(catalogue.__file__).parent / "catalogue" / "spine.yaml"])


def _spine_plan():
    ratio = [ind for ind in SPINE if ind.kind == "ratio"]
    wide = frozenset(ind.of for ind in SPINE if ind.kind == "growth" and ind.of)
    return plan(ratio, views.unbound_tables(), requested=["2025Q1"], wide=wide)


def _sql(expr: ibis.Table) -> str:
    return ibis.to_sql(expr, dialect="duckdb")


def test_growth_bases_share_the_pass_over_encounters() -> None:
    """The spine reads encounters once per unit column and residents once: three queries.
    The growth bases need last year's periods; the other sides of the same view ride along
    instead of a second scan of the same files."""
    queries = _spine_plan().queries
    assert len(queries) == 3
    assert sorted(q.keys[0].split("|")[0] for q in queries) == [
        "home_unit_id",
        "home_unit_id",
        "institution_id",
    ]


def test_sides_by_institution_skip_the_join_to_residents() -> None:
    """药占比 and the costs per visit count by the treating institution: their pass over
    encounters never matches events to the residents registry; the 属地 pass does."""
    by = {(_unit_and_records(q.keys[0])): q.expr for q in _spine_plan().queries}
    assert '"residents"' not in _sql(by["institution_id", "encounters"])
    assert '"residents"' in _sql(by["home_unit_id", "encounters"])


def _unit_and_records(key: str) -> tuple[str, str]:
    """A side key is ``unit column|side as JSON|scope``."""
    unit, side, _ = key.split("|")
    return unit, json.loads(side)["records"]


def test_residents_meet_their_contracts_once_not_once_per_period() -> None:
    """The residents' stock joins each person's contract mask on the person alone: no join of
    contracts on a period id."""
    sql = _sql(views.build("residents", views.unbound_tables()))
    assert "bit_or" in sql.lower()
    assert '"_c_period"' not in sql


def test_two_contracts_on_one_period_end_count_the_person_once() -> None:
    """r1 holds c1 (2024-07-01 … 2025-06-30); a second contract valid on 2025-03-31 sets the
    same bit of the mask: r1 still counts once among V1's signed residents."""
    tables = region()
    extra = {**tables["contracts"].to_pylist()[0], "contract_id": "c9", "valid_from": D(2025, 1, 1)}
    tables["contracts"] = pa.Table.from_pylist(
        [*tables["contracts"].to_pylist(), extra], schema=tables["contracts"].schema
    )
    cat = catalogue.default().select(["general_contract_rate"])
    before = lookup(compute(region(), ["2025Q1"], catalogue=cat))
    after = lookup(compute(tables, ["2025Q1"], catalogue=cat))
    key = ("general_contract_rate", "V1", "2025Q1")
    assert after[key]["numerator"] == before[key]["numerator"] > 0


def test_registries_are_read_as_stored_not_rewritten(tmp_path: Path) -> None:
    """A registry whose files carry the version columns is handed to the engine as its own
    files; only its key and version columns are read (to find entities with several
    versions), so a million residents are not read whole and written again per call."""
    src = ArrowSource(region(), tmp_path)
    files = engine._collect_files(src, [202503], tmp_path)
    out = engine._versions(files, tmp_path)
    assert out["residents__stored"] == files["residents"]
    assert "residents" not in out


def test_more_period_ends_than_a_mask_holds_are_computed_in_chunks() -> None:
    """Six years of months (72 period ends, 144 with last year's) exceed one int64 mask:
    the engine runs them in chunks and returns one table in the usual order."""
    months = [p for y in range(2020, 2026) for p in periods_of_year(y, (Grain.MONTH,))]
    cat = catalogue.default().select(["general_contract_rate", "outpatient_cost_per_visit_yoy"])
    out = compute(region(), months, catalogue=cat)
    alone = compute(region(), ["202503"], catalogue=cat)
    march = out.filter(pa.compute.equal(out["period_id"], "202503"))
    assert march.to_pylist() == alone.to_pylist()
    rows = out.to_pylist()
    order = {ind.id: i for i, ind in enumerate(cat)}
    ranks = [(order[r["indicator_id"]], r["org_id"], r["period_id"]) for r in rows]
    assert ranks == sorted(ranks)
    assert "202001" in {r["period_id"] for r in rows}


_AMOUNT = st.integers(min_value=0, max_value=10**13)


@settings(max_examples=60, deadline=None)
@given(num=_AMOUNT, den=_AMOUNT, last_num=_AMOUNT, last_den=_AMOUNT)
def test_vectorised_values_follow_the_scalar_rule(
    num: int, den: int, last_num: int, last_den: int
) -> None:
    """Every ratio and growth value the SQL assembly computes is the scalar rule's, to the
    last digit: half up, null on a zero denominator, exact up to ten-trillion fen."""
    cat = SPINE.select(["outpatient_cost_per_visit", "outpatient_cost_per_visit_yoy"])
    rows = pa.Table.from_pylist(
        [
            {"key": k, "org_id": "K1", "period_id": p, "grain": "quarter", "v": v}
            for k, p, v in (
                ("n", "2025Q1", num),
                ("d", "2025Q1", den),
                ("n", "2024Q1", last_num),
                ("d", "2024Q1", last_den),
            )
        ],
        schema=assemble.SIDES_SCHEMA,
    )
    sides = {"outpatient_cost_per_visit": ("n", "d")}
    out = lookup(assemble.assemble(cat, sides, [rows], [parse("2025Q1")]))
    ind = cat["outpatient_cost_per_visit"]
    ratio = out[("outpatient_cost_per_visit", "K1", "2025Q1")]
    assert (ratio["numerator"], ratio["denominator"]) == (num, den)
    assert ratio["value"] == values.text(
        values.ratio_value(num, den, ind.scale, ind.places), ind.places
    )
    growth = out[("outpatient_cost_per_visit_yoy", "K1", "2025Q1")]
    want = values.growth_value((num, den), (last_num, last_den), 2)
    assert growth["value"] == values.text(want, 2)


def test_each_view_reads_only_the_record_sets_it_declares() -> None:
    """:data:`views.VIEW_SOURCES` is what the engine lists files for: every table a view's
    expression reads must be declared there (or be a derived table the engine builds)."""
    derived = set(views.DERIVED_SCHEMAS)
    for name in views.BUILDERS:
        expr = views.build(name, views.unbound_tables())
        read = {t.name for t in expr.op().find(ibis.expr.operations.UnboundTable)}
        assert read - derived <= views.record_sets({name}), name


def test_record_sets_no_indicator_reads_are_not_listed(tmp_path: Path) -> None:
    """药占比 reads encounters (and residents, for the view's homes): claims, staff, chronic
    cases and the rest are not listed at all — each listing reads a table log, writes an
    audit entry and may open hundreds of monthly files."""
    seen: list[str] = []
    src = ArrowSource(region(), tmp_path)

    class Counting:
        def files(self, name: str, months: object = None) -> list[Path]:
            seen.append(name)
            return src.files(name, months)  # type: ignore[arg-type]

    compute(Counting(), ["202503"], catalogue=catalogue.default().select(["drug_share"]))
    assert set(seen) == {"org_units", "community_members", "encounters", "residents"}


def test_a_stock_is_counted_once_per_distinct_period_end() -> None:
    """202503 and 2025Q1 end on the same day: the residents are placed on that day once and
    the count is given to both periods after it is summed (not one row per period)."""
    rate = [catalogue.default()["general_contract_rate"]]
    (query,) = plan(rate, views.unbound_tables(), requested=["202503", "2025Q1"]).queries
    sql = ibis.to_sql(query.expr, dialect="duckdb")
    # one DISTINCT for the contract masks' ends, one for the residents' ends
    assert sql.count("SELECT DISTINCT") == 2


def test_a_second_computation_reuses_the_compiled_sql(monkeypatch: pytest.MonkeyPatch) -> None:
    periods = ["2025Q1", "2025"]
    first = compute(region(), periods)
    planned: list[int] = []
    real = engine.plan
    monkeypatch.setattr(engine, "plan", lambda *a, **k: planned.append(1) or real(*a, **k))
    again = compute(region(), periods)
    assert planned == [] and again.equals(first)
    compute(region(), ["2025Q2"])  # other periods: planned and compiled anew
    assert planned == [1]

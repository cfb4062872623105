"""Compiler: backend-free Ibis expressions with integer numerators and denominators."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from yigai.indicators import catalogue, compiler, plan, views
from yigai.indicators.model import Condition

SRC = Path(compiler.__file__).parent


@pytest.mark.parametrize(
    "module", ["compiler.py", "plan.py", "views.py", "model.py", "catalogue.py"]
)
def test_expression_modules_never_import_a_backend(module: str) -> None:
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert not imported & {"duckdb", "pyspark"}


def test_every_shipped_indicator_compiles_to_int64_counts() -> None:
    ratio = [ind for ind in catalogue.default() if ind.kind == "ratio"]
    work = plan.plan(ratio, views.unbound_tables())
    assert set(work.sides) == {ind.id for ind in ratio}
    for query in work.queries:
        schema = query.expr.schema()
        outputs = [f"{c}{i}" for i in range(len(query.keys)) for c in "vn"]
        assert sorted(schema.names) == sorted(["org_id", "period_id", "grain", *outputs])
        assert all(str(schema[c]) == "int64" for c in outputs)


def test_a_side_shared_by_indicators_is_planned_once() -> None:
    cat = catalogue.default()
    pair = [cat["drug_share"], cat["service_income_share"]]
    work = plan.plan(pair, views.unbound_tables())
    keys = [k for q in work.queries for k in q.keys]
    assert len(keys) == len(set(keys))
    assert work.sides["drug_share"][1] == work.sides["service_income_share"][1]


def test_additive_sides_of_one_view_share_one_query() -> None:
    cat = catalogue.default()
    work = plan.plan([cat["drug_share"], cat["outpatient_cost_per_visit"]], views.unbound_tables())
    assert len(work.queries) == 1 and len(work.queries[0].keys) == 4


def test_growth_indicator_is_not_compiled() -> None:
    growth = catalogue.default()["outpatient_cost_per_visit_yoy"]
    with pytest.raises(ValueError, match="growth rate, computed from its base"):
        compiler.sides(growth)


@pytest.mark.parametrize(
    ("cond", "sql_fragment"),
    [
        (Condition(column="booking", op="in", value=["referral"]), "IN"),
        (Condition(column="booking", op="not_in", value=["referral"]), "NOT"),
        (Condition(column="cost_total_fen", op="ge", value=100), ">="),
        (Condition(column="discharge_date", op="is_null", value=True), "IS NULL"),
    ],
)
def test_where_operators_compile(cond: Condition, sql_fragment: str) -> None:
    import ibis

    t = views.unbound_tables()["encounters"]
    sql = ibis.to_sql(t.filter(compiler._predicate(t, cond)), dialect="duckdb")
    assert sql_fragment in sql.upper()

"""Compiler: backend-free Ibis expressions with integer numerators and denominators."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from yigai.indicators import catalogue, compiler, views
from yigai.indicators.model import Condition

SRC = Path(compiler.__file__).parent


@pytest.mark.parametrize("module", ["compiler.py", "views.py", "model.py", "catalogue.py"])
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
    tables = views.unbound_tables()
    built: dict = {}
    for ind in catalogue.default():
        if ind.kind == "growth":
            continue
        schema = compiler.compile_indicator(ind, tables, built).schema()
        assert list(schema.names) == ["org_id", "period_id", "grain", "numerator", "denominator"]
        assert str(schema["numerator"]) == "int64" and str(schema["denominator"]) == "int64"


def test_growth_indicator_is_not_compiled() -> None:
    growth = catalogue.default()["outpatient_cost_per_visit_yoy"]
    with pytest.raises(ValueError, match="growth rate, computed from its base"):
        compiler.compile_indicator(growth, views.unbound_tables())


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

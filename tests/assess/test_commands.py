"""The ``yigai assess`` command: writes the result tables and prints the ranking."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from yigai.assess import commands

from .factories import county_units, target, values

Q = "2025Q1"
VALS = values([("drug_share", "A", Q, "45"), ("drug_share", "B", Q, "50")])


def _targets() -> list:
    from yigai.assess import load_scheme

    s = load_scheme("primary_institution")
    return [
        target(i.indicator, "50", "40") for i in s.items if i.indicator not in (None, "drug_share")
    ] + [target("drug_share", "40", "50")]


def test_run_writes_totals_items_and_subsidies(tmp_path: Path) -> None:
    """药占比 in schemes/primary_institution.yaml: weight 15, floor 60, target 40.
    A: 45 → 15 × (45 − 60) ÷ (40 − 60) = 11.25; B: 50 → 15 × 0.5 = 7.50."""
    result = commands.run("primary_institution", Q, VALS, _targets(), county_units(), tmp_path)
    out = tmp_path / "assess" / "primary_institution" / Q
    assert sorted(p.name for p in out.iterdir()) == [
        "assessment_items.parquet",
        "assessment_totals.parquet",
        "subsidies.parquet",
    ]
    totals = pq.read_table(out / "assessment_totals.parquet")
    assert totals.num_rows == len(result.orgs) == 5
    assert (result.org("A").total, result.org("B").total) == (D("11.25"), D("7.50"))


def test_command_prints_ranking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def provider(home: Path) -> tuple:
        assert home == tmp_path.resolve()
        return (lambda periods: VALS), _targets, county_units()

    monkeypatch.setattr(commands, "_provider", provider)
    manual = tmp_path / "manual.csv"
    manual.write_text("org_id,item_id,value\nA,satisfaction,9.5\n", encoding="utf-8")
    res = CliRunner().invoke(
        commands.app, ["primary_institution", Q, "--home", str(tmp_path), "--manual", str(manual)]
    )
    assert res.exit_code == 0, res.output
    # A: 药占比 11.25 + 群众满意度 9.5 entered = 20.75
    assert "20.75" in res.output and "不合格" in res.output
    items = pq.read_table(
        tmp_path / "out/assess/primary_institution" / Q / "assessment_items.parquet"
    )
    sat = items.filter(pa.compute.equal(items["item_id"], "satisfaction")).to_pylist()
    assert [r["points"] for r in sat if r["org_id"] == "A"] == [D("9.50")]

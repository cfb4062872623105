"""``yigai whatif`` over a settled synthetic county: an empty reform gives the stored
settlement on both sides, a reform writes nothing, shifts move encounters at the
destination's observed cost, and user mistakes exit 1 with a bilingual message."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from yigai.periods import Period
from yigai.policy.run import SettlementRun, claim_totals, settle
from yigai.policy.whatif.commands import whatif as whatif_command
from yigai.policy.whatif.figures import CLAIM_METRICS
from yigai.policy.whatif.reform import Reform, ReformError, reform_from
from yigai.policy.whatif.resettle import WhatIf, whatif
from yigai.policy.whatif.scenario import parse_shift
from yigai.synth import SynthConfig, generate
from yigai.warehouse import Warehouse

REGION = "hebei_wuji"
YEAR = 2025


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("whatif")
    generate(
        Warehouse(root / "warehouse"),
        # three counties: the shipped demo budgets name the demo city's three communities
        SynthConfig(counties_per_city=3, residents_per_county=1000, years=(2024, 2025), seed=7),
        key=b"test-whatif",
    )
    return root


@pytest.fixture(scope="module")
def wh(home: Path) -> Warehouse:
    return Warehouse(home / "warehouse")


@pytest.fixture(scope="module")
def run(wh: Warehouse) -> SettlementRun:
    return settle(wh, YEAR, REGION)


@pytest.fixture(scope="module")
def empty(wh: Warehouse, run: SettlementRun) -> WhatIf:
    return whatif(wh, YEAR, REGION, Reform())


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(whatif_command)
    return app


def test_an_empty_reform_differs_by_nothing_anywhere(empty: WhatIf) -> None:
    assert empty.lines
    assert {line.difference for line in empty.lines} <= {0, None}
    assert {line.section for line in empty.lines} == {"total", "level", "institution", "community"}


def test_the_baseline_is_the_stored_settlement_to_the_fen(
    wh: Warehouse, run: SettlementRun, empty: WhatIf
) -> None:
    stored = claim_totals(wh.read("claims", months=Period.year(YEAR).month_keys()))
    year = {line.metric: line.baseline for line in empty.lines if line.section == "total"}
    assert {m: year[m] for m in CLAIM_METRICS} == {
        "fund_fen": stored.fund_fen,
        "patient_fen": stored.patient_fen,
        "actual_ratio": stored.actual_ratio,
        "critical_fen": stored.critical_fen,
        "assistance_fen": stored.assistance_fen,
        "total_cost_fen": stored.total_cost_fen,
        "claims": stored.claims,
    }
    assert year["dip_point_value"] == run.dip_settlement_point_value
    assert year["capitation_fen"] == run.capitation_fen
    balances = {
        line.key: line.baseline for line in empty.lines if line.metric == "budget_balance_fen"
    }
    assert balances == {b.community_id: b.balance_fen for b in run.budgets}
    due = {line.key: line.baseline for line in empty.lines if line.metric == "dip_fund_due_fen"}
    assert due == {r.institution_id: r.fund_due_fen for r in run.dip}


def test_a_reform_writes_nothing_to_the_warehouse(wh: Warehouse, run: SettlementRun) -> None:
    before = [b.id for b in wh.batches()]
    reform = reform_from(REGION, YEAR, ["inpatient.ratio.township=0.80"])
    result = whatif(wh, YEAR, REGION, reform)
    assert [b.id for b in wh.batches()] == before
    fund = next(
        line
        for line in result.lines
        if (line.section, line.key, line.metric) == ("level", "township", "fund_fen")
    )
    assert fund.difference is not None and fund.difference < 0


def test_a_shift_moves_the_share_at_the_destinations_observed_cost(
    wh: Warehouse, run: SettlementRun
) -> None:
    result = whatif(wh, YEAR, REGION, Reform(), [parse_shift("inpatient:city->county=0.5")])
    assert result.sides is not None
    baseline, reform = (side.claims for side in result.sides)
    city = baseline.filter(
        pc.and_(pc.equal(baseline["care_type"], "inpatient"), pc.equal(baseline["level"], "city"))
    )
    assert result.moved == (city.num_rows + 1) // 2  # half, rounded half up
    county = baseline.filter(
        pc.and_(
            pc.and_(
                pc.equal(baseline["care_type"], "inpatient"), pc.equal(baseline["level"], "county")
            ),
            baseline["in_county"],
        )
    )
    n, total = county.num_rows, pc.sum(county["cost_total_fen"]).as_py()
    moved = reform.filter(
        pc.and_(
            pc.is_in(reform["encounter_id"], value_set=city["encounter_id"]),
            pc.equal(reform["level"], "county"),
        )
    )
    assert moved.num_rows == result.moved
    assert set(moved["cost_total_fen"].to_pylist()) == {(2 * total + n) // (2 * n)}
    assert set(moved["in_county"].to_pylist()) == {True}
    rate = {line.metric: line for line in result.lines if line.section == "total"}["in_county_rate"]
    assert rate.difference is not None and rate.difference > 0


def test_another_region_than_the_settled_one_is_refused(wh: Warehouse, run: SettlementRun) -> None:
    with pytest.raises(ReformError, match="--region hebei_wuji"):
        whatif(wh, YEAR, "hubei_xiaogan", Reform())


def test_a_year_not_settled_is_refused_with_a_bilingual_message(wh: Warehouse) -> None:
    with pytest.raises(ReformError, match="yigai settle --year 2024"):
        whatif(wh, 2024, REGION, Reform())


def test_the_command_prints_the_comparison_and_writes_the_xlsx(
    home: Path, run: SettlementRun, tmp_path: Path
) -> None:
    out = tmp_path / "whatif.xlsx"
    args = ["--year", "2025", "--home", str(home), "--xlsx", str(out)]
    args += ["--set", "inpatient.ratio.township=0.80", "--set", "critical_illness.deductible=12000"]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert "政策测算" in result.output and "what-if" in result.output
    assert "按级别 / by level" in result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    header = rows.index(
        (
            "部分 / section",
            "编码 / code",
            "单位 / unit",
            "指标 / metric",
            "基线 / baseline",
            "方案 / reform",
            "差额 / difference",
        )
    )
    township = {r[3]: r[4:] for r in rows[header + 1 :] if r[1] == "township"}
    baseline, reform, difference = township["统筹基金支出 / basic fund paid"]
    assert round(reform - baseline, 2) == round(difference, 2) and difference < 0


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["--set", "inpatient.ratio.villag=0.5"], "没有 villag", "has no key villag"),
        (["--set", "inpatient.ratio.village=abc"], "应为数值", "must be a number"),
        (["--shift", "inpatient:moon->county=0.1"], "未知级别", "unknown level"),
    ],
)
def test_a_users_mistake_exits_1_with_a_bilingual_message_and_no_traceback(
    home: Path, args: list[str], zh: str, en: str
) -> None:
    result = CliRunner().invoke(_app(), ["--year", "2025", "--home", str(home), *args])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert zh in text and en in text
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_institution_figures_are_the_sums_of_their_stored_claims(
    wh: Warehouse, empty: WhatIf
) -> None:
    stored = wh.read("claims", months=Period.year(YEAR).month_keys())
    institutions = {line.key for line in empty.lines if line.section == "institution"}
    assert institutions == set(stored["institution_id"].to_pylist())
    for unit in sorted(institutions)[:5]:
        mine = claim_totals(stored.filter(pc.equal(stored["institution_id"], unit)))
        found = {
            line.metric: line.baseline
            for line in empty.lines
            if (line.section, line.key) == ("institution", unit)
        }
        assert (found["fund_fen"], found["patient_fen"], found["claims"]) == (
            mine.fund_fen,
            mine.patient_fen,
            mine.claims,
        )
        assert found["actual_ratio"] == mine.actual_ratio

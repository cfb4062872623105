"""``yigai settle`` through Typer's runner, and the summary's formatting helpers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from yigai.policy.commands import settle, who_bears, yuan
from yigai.policy.run import CommunityBudget
from yigai.synth import SynthConfig, generate
from yigai.warehouse import Warehouse


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(settle)
    return app


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("home")
    generate(
        Warehouse(root / "warehouse"),
        SynthConfig(residents_per_county=1500, years=(2024, 2025), seed=5),
        key=b"test-settle-command",
    )
    return root


def test_settle_command_prints_the_bilingual_summary(home: Path) -> None:
    result = CliRunner().invoke(_app(), ["--year", "2025", "--home", str(home)])
    assert result.exit_code == 0, result.output
    for heading in (
        "2025 年医保结算",
        "基金支出与报销比 / fund spending and reimbursement ratios",
        "其中县域内 / inside the county",
        "其中县域外 / outside the county",
        "实际报销比 / actual reimbursement ratio",
        "政策范围内报销比 / policy-scope reimbursement ratio",
        "按病种分值付费（DIP）机构结算 / DIP settlement by institution",
        "医共体总额预算结算 / community global budget settlement",
        "超支承担方 / who bears the overrun",
        "结算分配到成员单位 / settlement split to member institutions",
    ):
        assert heading in result.output


def test_settle_command_for_a_year_without_encounters_fails_bilingually(home: Path) -> None:
    result = CliRunner().invoke(_app(), ["--year", "2019", "--home", str(home)])
    assert result.exit_code == 2
    assert "没有 2019 年的就诊记录" in result.output
    assert "no encounters for 2019" in result.output


def test_settle_command_without_a_warehouse_fails_bilingually(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["--year", "2025", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "数据仓库不存在" in result.output
    assert not (tmp_path / "warehouse").exists()


def test_settle_command_names_an_unknown_region(home: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["--year", "2025", "--region", "nowhere", "--home", str(home)]
    )
    assert result.exit_code == 2
    assert "nowhere" in result.output


def test_yuan_shows_fen_exactly_with_two_decimals() -> None:
    assert yuan(123456789) == "1,234,567.89"
    assert yuan(5) == "0.05"
    assert yuan(-12345) == "-123.45"
    assert yuan(0) == "0.00"


def _community(budget: int, spending: int, fund: int, borne: int) -> CommunityBudget:
    return CommunityBudget("M", "M", budget, spending, spending, 0, 0, 0, fund, borne, ())


def test_who_bears_names_the_parties_of_an_overrun() -> None:
    assert who_bears(_community(100, 90, 0, 0)).startswith("无超支")
    assert who_bears(_community(100, 120, 15, 5)).startswith("基金与医共体分担")
    assert who_bears(_community(100, 120, 20, 0)).startswith("基金 /")
    assert who_bears(_community(100, 120, 0, 20)).startswith("医共体 /")


def test_settle_command_releases_the_withheld_share_by_the_given_scores(
    home: Path, tmp_path: Path
) -> None:
    scores = tmp_path / "assessment_totals.parquet"
    pq.write_table(pa.table({"org_id": ["440101Y1"], "total": [Decimal("95")]}), scores)
    result = CliRunner().invoke(
        _app(), ["--year", "2025", "--home", str(home), "--scores", str(scores)]
    )
    assert result.exit_code == 0, result.output
    assert f"考核得分取自 / assessment scores from {scores}" in result.output
    assert "考核返还 / released by the score" in result.output
    assert "待考核" not in result.output


def test_settle_command_without_scores_shows_the_share_pending(home: Path) -> None:
    result = CliRunner().invoke(_app(), ["--year", "2025", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "待考核 / pending" in result.output


def test_settle_command_with_a_bad_scores_file_exits_1(home: Path, tmp_path: Path) -> None:
    scores = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"org_id": ["440101Y1"]}), scores)
    result = CliRunner().invoke(
        _app(), ["--year", "2025", "--home", str(home), "--scores", str(scores)]
    )
    assert result.exit_code == 1
    assert "缺少列 total" in result.output and "Traceback" not in result.output

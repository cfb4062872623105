"""``yigai report monthly|bulletin`` through Typer's runner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from yigai.reports.commands import app

DEMO = Path(__file__).parent / "data" / "monthly_demo.yaml"


def test_monthly_command_writes_and_lists_four_files(tmp_path):
    result = CliRunner().invoke(app, ["monthly", str(DEMO), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    listed = dict(line.split("\t") for line in result.output.strip().splitlines())
    assert set(listed) == {"docx", "pdf", "xlsx", "html"} and all(
        Path(p).is_file() for p in listed.values()
    )


def test_bulletin_of_a_month_exits_with_a_bilingual_message(tmp_path):
    result = CliRunner().invoke(app, ["bulletin", str(DEMO), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "不是季度" in result.output and "is not a quarter" in result.output

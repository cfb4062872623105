"""Report data file (YAML): read back into ReportData; errors name the file and the key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from yigai.reports import datafile
from yigai.reports.datafile import DataFileError
from yigai.reports.sections import ReportKind, build

DEMO = Path(__file__).parent / "data" / "monthly_demo.yaml"


def test_demo_file_loads_with_decimals_and_dates():
    data = datafile.load(DEMO)
    assert data.period.id == "202503" and data.region.name_zh == "示范县"
    assert data.value("in_county_visit_rate", "C01", "202503") == Decimal("88.50")
    assert data.targets[1].value == Decimal("45.00") and isinstance(data.targets[1].value, Decimal)
    assert data.tasks[0].deadline == dt.date(2025, 2, 28) and data.tasks[0].overdue is True


def test_demo_file_builds_the_hand_computed_summary():
    """88.50 vs 90 → amber (band 85.50); 47.85 vs 45.00 with no previous → red (ceiling 47.25)."""
    report = build(datafile.load(DEMO), ReportKind.MONTHLY)
    assert (
        report.summary[0]
        == "2025年3月，示范县纳入监测的2项指标中，0项达到目标值，1项接近目标，1项未达标。"
    )


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(DEMO.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("key_indicator:", "key_indikator:", "key_indikator"),
        ("issue_date: 2025-04-10", "issue_date: 10/4/2025", "header.issue_date"),
        ('period: "202503"', 'period: "2025-03"', "period"),
        ("unit: yuan", "unit: rmb", "indicators[1].unit"),
        ("value: 45.00", "value: 四十五", "targets[1].value"),
        ("overdue: true", "overdue: yes please", "tasks[0].overdue"),
        ('value: "92.10"', 'value: "9x"', "results"),
        ("kind: warned", "kind: scolded", "consequences"),
    ],
)
def test_broken_file_names_file_and_key(tmp_path, old, new, key):
    path = _broken(tmp_path, old, new)
    with pytest.raises(DataFileError) as err:
        datafile.load(path)
    message = str(err.value)
    assert (
        f"报告数据文件 {path} 键 {key}：" in message
        and f"report data file {path}, key {key}:" in message
    )


def test_row_error_keeps_the_row_number(tmp_path):
    path = _broken(tmp_path, 'value: "92.10"', 'value: "9x"')
    with pytest.raises(DataFileError, match="指标结果第3行“value”列"):
        datafile.load(path)


def test_duplicate_key_is_rejected(tmp_path):
    path = _broken(
        tmp_path, "key_indicator: in_county_visit_rate", "key_indicator: a\nkey_indicator: b"
    )
    with pytest.raises(DataFileError, match="重复的键"):
        datafile.load(path)


def test_results_can_come_from_a_csv_file(tmp_path):
    (tmp_path / "results.csv").write_text(
        "indicator_id,org_id,period_id,value\n"
        "in_county_visit_rate,C01,202503,88.50\n"
        "outpatient_cost_per_visit,C01,202503,\n",
        encoding="utf-8",
    )
    text = DEMO.read_text(encoding="utf-8")
    head, tail = text.split("results:\n", 1)
    path = tmp_path / "from_csv.yaml"
    path.write_text(
        head + "results_file: results.csv\n" + tail[tail.index("targets:") :], encoding="utf-8"
    )
    data = datafile.load(path)
    assert data.value("in_county_visit_rate", "C01", "202503") == Decimal("88.50")
    assert data.value("outpatient_cost_per_visit", "C01", "202503") is None

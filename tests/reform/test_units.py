"""Task progress per responsible unit, and the tasks a unit's bulletin lists (issue 14 §2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from yigai.reform import (
    TaskError,
    TaskStatus,
    load_plan,
    overdue,
    report_progress,
    task_views,
    unit_task_views,
)
from yigai.reform.plan import install, plan_spec

END_2020 = dt.date(2021, 1, 1)


def _report(session: Session, code: str, percent: int, unit: str | None) -> None:
    report_progress(
        session, "zhanjiang-2020", code, reported_on=dt.date(2020, 11, 30), percent=percent,
        reporter="县卫健局", unit=unit,
    )  # fmt: skip


def _status(session: Session, code: str, unit: str | None) -> TaskStatus:
    views = task_views(session, END_2020, "zhanjiang-2020", unit=unit)
    return next(v.status for v in views if v.code == code)


def test_each_county_carries_its_own_status_on_a_task(db_session: Session) -> None:
    """Seed 002 S3 (2020-12-31): 廉江 done, 吴川 half-way; each county sees its own status."""
    load_plan(db_session, "zhanjiang-2020")
    _report(db_session, "S3", 100, "440881")
    _report(db_session, "S3", 50, "440883")
    assert _status(db_session, "S3", "440881") is TaskStatus.DONE
    assert _status(db_session, "S3", "440883") is TaskStatus.OVERDUE
    assert _status(db_session, "S3", "440823") is TaskStatus.OVERDUE  # no report of its own


def test_a_units_progress_does_not_count_for_the_task_as_a_whole(db_session: Session) -> None:
    load_plan(db_session, "zhanjiang-2020")
    _report(db_session, "S3", 100, "440881")
    assert _status(db_session, "S3", None) is TaskStatus.OVERDUE
    late = {v.code for v in overdue(db_session, END_2020, "zhanjiang-2020", "440881")}
    assert "S3" not in late


def test_blank_unit_is_refused(db_session: Session) -> None:
    load_plan(db_session, "zhanjiang-2020")
    with pytest.raises(TaskError, match="responsible unit must not be blank"):
        _report(db_session, "S3", 10, " ")


def test_a_countys_tasks_are_its_deployments_plan_with_its_own_progress(
    db_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo county's bulletin lists the demo plan (its own lead units and 2024–2025
    deadlines), not Zhanjiang's city plan; the plan is loaded on first use."""
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path))
    load_plan(db_session, "zhanjiang-2020")
    views = unit_task_views(db_session, "K1", dt.date(2025, 12, 31), ["C1"], "county")
    assert {v.plan_id for v in views} == {"demo-2025"}
    assert all(v.unit == "K1" for v in views)
    assert next(v for v in views if v.code == "D1").lead == "县卫生健康局"
    report_progress(
        db_session, "demo-2025", "D1", reported_on=dt.date(2024, 3, 1), percent=100,
        reporter="县卫生健康局", unit="K1",
    )  # fmt: skip
    after = unit_task_views(db_session, "K1", dt.date(2025, 12, 31), ["C1"], "county")
    assert next(v for v in after if v.code == "D1").status is TaskStatus.DONE
    other = unit_task_views(db_session, "K2", dt.date(2025, 12, 31), ["C1"], "county")
    assert next(v for v in other if v.code == "D1").status is TaskStatus.OVERDUE


def test_a_countys_own_plan_file_is_installed_and_found_by_id(tmp_path: Path) -> None:
    source = plan_spec("demo-2025")
    own = tmp_path / "in" / "k1-2026.yaml"
    own.parent.mkdir()
    text = (Path(__file__).parents[2] / "src/yigai/reform/data/demo-2025.yaml").read_text(
        encoding="utf-8"
    )
    own.write_text(text.replace("id: demo-2025", "id: k1-2026"), encoding="utf-8")
    spec = install(own, tmp_path / "home")
    assert spec.id == "k1-2026" and len(spec.tasks) == len(source.tasks)
    assert plan_spec("k1-2026", home=tmp_path / "home").tasks == source.tasks


def test_the_demo_citys_bulletin_lists_no_county_plan_as_its_own(
    db_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo deployment gives the county plan to counties only."""
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path))
    assert unit_task_views(db_session, "C1", dt.date(2025, 12, 31), ["P"], "city") == []

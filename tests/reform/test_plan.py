"""Shipped plans (seeds 000 and 002) and the strict plan-file loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from yigai.reform import PlanError, available_plans, plan_spec
from yigai.reform.plan import parse_plan


def test_both_seed_plans_ship() -> None:
    assert {"liaoning-2015", "zhanjiang-2020"} <= set(available_plans())


def test_liaoning_has_ten_key_jobs_and_five_key_reforms() -> None:
    """Seed 000, 三: "第一，10项重点工作" and "第二，5项重点改革"."""
    plan = plan_spec("liaoning-2015")
    by_category = [t.category for t in plan.tasks]
    assert by_category.count("10项重点工作") == 10
    assert by_category.count("5项重点改革") == 5


def test_year_end_in_a_2015_report_means_31_december_2015() -> None:
    """Seed 000 一是: "年底前44个县的所有公立综合医院和中医院要取消药品加成" (report of
    2015-04-24), and 四是 分级诊疗: "到年底，预约转诊…提高到20%以上"."""
    tasks = {t.code: t for t in plan_spec("liaoning-2015").tasks}
    assert tasks["W01"].deadline == dt.date(2015, 12, 31)
    assert tasks["W01"].deadline_text == "年底前"
    assert tasks["R4"].deadline == dt.date(2015, 12, 31)
    assert tasks["W03"].deadline is None


def test_zhanjiang_schedule_deadlines_follow_the_text() -> None:
    """Seed 002 一（二）: 2020年1月底前, 5月底前, 12月底前, 2021年6月底前, 2022年12月底前."""
    tasks = {t.code: t for t in plan_spec("zhanjiang-2020").tasks}
    assert [tasks[c].deadline for c in ("S1", "S2", "S3", "S4", "S6")] == [
        dt.date(2020, 1, 31),
        dt.date(2020, 5, 31),
        dt.date(2020, 12, 31),
        dt.date(2021, 6, 30),
        dt.date(2022, 12, 31),
    ]


def test_zhanjiang_key_tasks_read_lead_from_parentheses() -> None:
    """Seed 002 三（六）: "（市医保局、市卫生健康局，各县（市）人民政府负责）"."""
    tasks = {t.code: t for t in plan_spec("zhanjiang-2020").tasks}
    assert tasks["K6"].lead == "市医保局"
    assert tasks["K6"].co == ("市卫生健康局", "各县（市）人民政府")
    assert sum(t.category == "重点任务" for t in tasks.values()) == 9


GOOD = """\
id: p
title: T
source: S
tasks:
  - {code: A, category: C, title: t, source_ref: r, responsible: 甲局，乙局负责}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        (GOOD.replace("title: t,", "title: t, owner: x,"), "tasks[0]", "unknown keys"),
        (GOOD.replace("source_ref: r, ", ""), "tasks[0]", "missing keys"),
        (
            GOOD.replace("responsible: 甲局，乙局负责", "responsible: 甲局负责, lead: 甲局"),
            "task A",
            "either",
        ),
        (
            GOOD.replace(
                "source_ref: r,", "source_ref: r, deadline: 2020-13-01, deadline_text: x,"
            ),
            "task A.deadline",
            "ISO date",
        ),
        (
            GOOD.replace("source_ref: r,", "source_ref: r, deadline: 2020-12-31,"),
            "task A",
            "deadline_text",
        ),
        (GOOD.replace("id: p", "id: q"), "(plan).id", "file name"),
        (GOOD + GOOD.split("tasks:\n")[1], "(plan).tasks", "repeated task codes"),
    ],
)
def test_broken_plan_files_name_file_and_task(
    tmp_path: Path, text: str, where: str, reason: str
) -> None:
    with pytest.raises(PlanError) as err:
        parse_plan(_write(tmp_path, text))
    assert err.value.where == where and "p.yaml" in str(err.value) and reason in str(err.value)


def test_unknown_plan_lists_the_known_ones() -> None:
    with pytest.raises(PlanError, match="zhanjiang-2020"):
        plan_spec("nowhere-1999")

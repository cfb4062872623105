"""任务状态 as of a date (pure), on both sides of a deadline."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from yigai.reform import Report, TaskStatus, task_status

DEADLINE = dt.date(2015, 12, 31)  # seed 000: "年底前"


def test_on_the_deadline_day_a_task_is_not_yet_overdue() -> None:
    assert (
        task_status(DEADLINE, [Report(dt.date(2015, 6, 1), 40)], DEADLINE) is TaskStatus.IN_PROGRESS
    )


def test_the_day_after_the_deadline_an_unfinished_task_is_overdue() -> None:
    late = DEADLINE + dt.timedelta(days=1)
    assert task_status(DEADLINE, [Report(dt.date(2015, 6, 1), 40)], late) is TaskStatus.OVERDUE


def test_a_task_finished_before_the_deadline_is_done_afterwards() -> None:
    reports = [Report(dt.date(2015, 6, 1), 40), Report(dt.date(2015, 11, 1), 100)]
    assert task_status(DEADLINE, reports, dt.date(2016, 3, 1)) is TaskStatus.DONE


def test_progress_reported_after_as_of_does_not_count() -> None:
    reports = [Report(dt.date(2016, 1, 5), 100)]
    assert task_status(DEADLINE, reports, dt.date(2015, 12, 1)) is TaskStatus.NOT_STARTED


def test_zero_percent_is_not_started() -> None:
    assert task_status(None, [Report(dt.date(2015, 6, 1), 0)], DEADLINE) is TaskStatus.NOT_STARTED


def test_a_cancelled_task_is_never_overdue() -> None:
    assert task_status(DEADLINE, [], dt.date(2016, 1, 1), cancelled=True) is TaskStatus.CANCELLED


def test_the_latest_report_wins_over_an_earlier_hundred() -> None:
    reports = [Report(dt.date(2015, 6, 1), 100), Report(dt.date(2015, 7, 1), 80)]
    assert task_status(DEADLINE, reports, dt.date(2015, 8, 1)) is TaskStatus.IN_PROGRESS


@given(
    st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2016, 12, 31)),
    st.lists(
        st.tuples(
            st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2016, 12, 31)),
            st.integers(0, 99),
        )
    ),
)
def test_without_a_deadline_nothing_is_ever_overdue(as_of: dt.date, raw: list) -> None:
    reports = [Report(d, p) for d, p in raw]
    assert task_status(None, reports, as_of) is not TaskStatus.OVERDUE


@given(
    st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2016, 12, 31)),
    st.lists(
        st.tuples(
            st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2016, 12, 31)),
            st.integers(0, 99),
        )
    ),
)
def test_unfinished_task_is_overdue_exactly_after_the_deadline(as_of: dt.date, raw: list) -> None:
    """Invariant: with no report of 100%, overdue ⇔ as_of > deadline."""
    reports = [Report(d, p) for d, p in raw]
    assert (task_status(DEADLINE, reports, as_of) is TaskStatus.OVERDUE) is (as_of > DEADLINE)

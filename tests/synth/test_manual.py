"""Manual inputs of the demo county (yigai.synth.manual): through the public input paths,
marked synthetic, deterministic, idempotent, and a realistic mix.

One small warehouse (1,000 residents, 2025) per test module: only its org units are read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yigai import aggregates, assess, reform
from yigai.indicators import targets
from yigai.orgs.hierarchy import org_info
from yigai.periods import parse
from yigai.reform.status import TaskStatus
from yigai.store import AggregateImport, ReformProgress, ReportedValue, migrate, session_scope
from yigai.synth import SynthConfig, generate, manual
from yigai.warehouse import Warehouse

YEARS = (2024, 2025)
END = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("manual") / "warehouse")
    generate(wh, SynthConfig(residents_per_county=1000, years=(2025,)), key=b"test")
    return wh


@pytest.fixture(scope="module")
def county(wh: Warehouse) -> str:
    return next(u.org_id for u in org_info(wh.read("org_units")).values() if u.kind == "county")


@pytest.fixture()
def session(tmp_path: Path) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'yigai.db'}"
    migrate(url)
    with session_scope(url) as s:
        yield s


def _seed(session: Session, wh: Warehouse, county: str, tmp_path: Path, seed: int = 7):
    return manual.seed_manual_inputs(
        session, wh, county_id=county, years=YEARS, seed=seed, inputs_dir=tmp_path / "inputs"
    )


def test_reported_values_go_through_the_aggregates_import(
    session: Session, wh: Warehouse, county: str, tmp_path: Path
):
    got = _seed(session, wh, county, tmp_path)
    assert got.aggregates.status == "committed" and not got.aggregates.rejections
    upload = session.scalars(select(AggregateImport)).one()
    assert upload.filled_by == manual.USER and upload.file_name == got.aggregates_file.name
    table = aggregates.reported_values(session, [parse("2025Q4"), parse("202512"), parse("2025")])
    ids = {(r["indicator_id"], r["org_id"]) for r in table.to_pylist()}
    assert {(i, county) for i in manual.REPORTED} <= ids


def test_every_reported_row_is_marked_synthetic(wh: Warehouse, county: str):
    rows = manual.reported_rows(org_info(wh.read("org_units")), county, YEARS, 7)
    assert rows and all(r["note"] == manual.NOTE for r in rows)


def test_a_quarter_of_surgery_sums_its_months(
    session: Session, wh: Warehouse, county: str, tmp_path: Path
):
    """牵头医院三、四级手术比例: a quarter's numerator and denominator are its months' sums."""
    _seed(session, wh, county, tmp_path)
    stored = {
        (r.org_id, r.period_id): (r.numerator, r.denominator)
        for r in session.scalars(
            select(ReportedValue).where(ReportedValue.indicator_id == manual.SURGERY)
        )
    }
    months = [stored[(county, m)] for m in ("202510", "202511", "202512")]
    assert stored[(county, "2025Q4")] == (sum(n for n, _ in months), sum(d for _, d in months))


def test_second_call_changes_nothing(session: Session, wh: Warehouse, county: str, tmp_path: Path):
    first = _seed(session, wh, county, tmp_path)
    counts = (
        session.scalar(select(func.count()).select_from(ReportedValue)),
        session.scalar(select(func.count()).select_from(ReformProgress)),
    )
    again = _seed(session, wh, county, tmp_path)
    assert again.aggregates.status == "already_imported" and again.progress_added == 0
    assert counts == (
        session.scalar(select(func.count()).select_from(ReportedValue)),
        session.scalar(select(func.count()).select_from(ReformProgress)),
    )
    assert first.progress_added == counts[1] > 0
    assert {p: t.to_pylist() for p, t in first.manual_scores.items()} == {
        p: t.to_pylist() for p, t in again.manual_scores.items()
    }


def test_same_seed_same_files_other_seed_other_values(wh: Warehouse, county: str):
    info = org_info(wh.read("org_units"))
    assert manual.reported_rows(info, county, YEARS, 7) == manual.reported_rows(
        info, county, YEARS, 7
    )
    assert manual.manual_score_rows(info, county, YEARS, 7) != manual.manual_score_rows(
        info, county, YEARS, 8
    )


def test_reform_progress_is_a_realistic_mix_at_the_demo_end(
    session: Session, wh: Warehouse, county: str, tmp_path: Path
):
    """Most dated tasks done before their deadline, LATE_TASKS overdue, some in progress."""
    _seed(session, wh, county, tmp_path)
    views = reform.task_views(session, END, manual.PLAN, unit=county)
    status = Counter(v.status for v in views)
    assert status[TaskStatus.OVERDUE] == manual.LATE_TASKS
    assert status[TaskStatus.IN_PROGRESS] >= 3
    assert status[TaskStatus.DONE] > len(views) / 2
    assert status[TaskStatus.NOT_STARTED] == 0


def test_done_tasks_were_done_by_their_deadline(
    session: Session, wh: Warehouse, county: str, tmp_path: Path
):
    _seed(session, wh, county, tmp_path)
    for v in reform.task_views(session, END, manual.PLAN, unit=county):
        if v.status is TaskStatus.DONE and v.deadline is not None:
            on_deadline = reform.task_views(session, v.deadline, manual.PLAN, unit=county)
            assert next(w for w in on_deadline if w.code == v.code).status is TaskStatus.DONE


def test_progress_notes_say_synthetic(session: Session, wh: Warehouse, county: str, tmp_path: Path):
    _seed(session, wh, county, tmp_path)
    notes = set(session.scalars(select(ReformProgress.note)))
    assert notes == {manual.NOTE}


def test_manual_scores_cover_every_assessed_unit_each_quarter_within_weights(
    session: Session, wh: Warehouse, county: str, tmp_path: Path
):
    got = _seed(session, wh, county, tmp_path)
    scheme = assess.load_scheme(manual.SCHEME)
    info = org_info(wh.read("org_units"))
    types = {str(t) for t in scheme.inst_types}
    units = {u.org_id for u in info.values() if u.parent_id == county and u.inst_type in types}
    assert sorted(got.manual_scores) == [f"{y}Q{q}" for y in YEARS for q in (1, 2, 3, 4)]
    for table in got.manual_scores.values():
        rows = table.to_pylist()
        assert {r["org_id"] for r in rows} == units
        for r in rows:
            item = scheme.item(r["item_id"])
            value = Decimal(r["value"])
            if item.rule.kind == "entered":
                assert 0 <= value <= item.weight
            else:
                assert value == value.to_integral_value() and value >= 0
            assert r["note"] == manual.NOTE


def test_manual_scores_pass_the_assessment(
    session: Session, wh: Warehouse, county: str, tmp_path: Path
):
    """The entries are accepted by yigai.assess (its own validation) for the 2025Q4 run."""
    got = _seed(session, wh, county, tmp_path)
    scheme = assess.load_scheme(manual.SCHEME)
    units = wh.read("org_units")
    no_values = pa.table(
        {c: pa.array([], pa.string()) for c in ("indicator_id", "org_id", "period_id", "value")}
    )
    result = assess.assess(
        scheme, no_values, targets.default(), "2025Q4", units, got.manual_scores["2025Q4"]
    )
    entered = [i for i in result.items if i.item_id == "satisfaction"]
    assert entered and all(i.status == "scored" for i in entered)

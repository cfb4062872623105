"""Assembling report data from a small synthetic county (yigai.reports.assemble).

The warehouse is generated once per test run (3,000 residents, 2024–2025) and the indicator
engine runs once over every period a 2025Q4 bulletin and a 202512 monthly report read; the
tests pass those values in, so only the test of the compute path runs the engine again.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from yigai import assess, reform
from yigai.indicators import compute
from yigai.orgs.hierarchy import org_info
from yigai.periods import Grain, Period, parse
from yigai.reports import ReportData
from yigai.reports.assemble import (
    AssembleError,
    check_kind,
    compare_units,
    history_periods,
    issue_date,
    kind_for,
    periods_needed,
    report_data,
    run_assessment,
    short_name,
    trend_months,
)
from yigai.reports.header import sequence_number
from yigai.store import AggregateImport, ReportedValue, migrate, session_scope
from yigai.warehouse import Warehouse

Q4 = parse("2025Q4")
DEC = parse("202512")


def synth_home(base: Path) -> Path:
    """A YIGAI_HOME whose warehouse holds the small synthetic region, generated once per
    process (test_commands.py shares it through the same folder)."""
    from yigai.synth import SynthConfig, generate

    home = base / "synth_home"
    wh = Warehouse(home / "warehouse")
    if not wh.batches():
        generate(wh, SynthConfig(residents_per_county=3000, years=(2024, 2025)), key=b"test")
    return home


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth_home(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def wh(home: Path) -> Warehouse:
    return Warehouse(home / "warehouse")


@pytest.fixture(scope="session")
def county(wh: Warehouse) -> str:
    return min(u.org_id for u in org_info(wh.read("org_units")).values() if u.kind == "county")


@pytest.fixture(scope="session")
def engine_values(wh: Warehouse) -> pa.Table:
    return compute(wh, sorted({*periods_needed(Q4), *periods_needed(DEC)}))


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('assemble_db') / 'yigai.db'}"
    migrate(url)
    return url


@pytest.fixture()
def session(tmp_path: Path) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'yigai.db'}"
    migrate(url)
    with session_scope(url) as s:
        yield s


@pytest.fixture(scope="session")
def bulletin(wh: Warehouse, county: str, engine_values: pa.Table, db_url: str) -> ReportData:
    with session_scope(db_url) as s:
        return report_data(wh=wh, session=s, period=Q4, region_id=county, values=engine_values)


def township(data: ReportData) -> str:
    return next(u.id for u in data.units if u.name_zh.endswith("卫生院"))


def test_indicator_values_equal_the_engines(bulletin: ReportData, engine_values: pa.Table):
    """本期/上期/去年同期 are the engine's values as given (README, reports: Definitions)."""
    orgs = {bulletin.region.id, *(u.id for u in bulletin.units)}
    read = {p.id for p in periods_needed(Q4)}
    want = {
        (r["indicator_id"], r["org_id"], r["period_id"]): r["value"]
        for r in engine_values.to_pylist()
        if r["org_id"] in orgs and r["period_id"] in read
    }
    got = {
        (r.indicator_id, r.org_id, r.period_id): None if r.value is None else f"{r.value}"
        for r in bulletin.results
    }
    assert got == want
    assert {Q4.id, "2025Q3", "2024Q4", "202501", "202512"} <= {k[2] for k in got}


def test_periods_missing_from_given_values_are_computed(
    wh: Warehouse, county: str, engine_values: pa.Table
):
    """Values passed in are reused; a period they lack is computed by the engine."""
    keep = [p != "2025Q3" for p in engine_values.column("period_id").to_pylist()]
    partial = engine_values.filter(pa.array(keep, pa.bool_()))
    data = report_data(wh=wh, session=None, period=Q4, region_id=county, values=partial)
    want = {
        (r["indicator_id"], r["period_id"]): r["value"]
        for r in engine_values.to_pylist()
        if r["org_id"] == county and r["period_id"] == "2025Q3"
    }
    got = {
        (r.indicator_id, r.period_id): None if r.value is None else f"{r.value}"
        for r in data.results
        if r.org_id == county and r.period_id == "2025Q3"
    }
    assert got == want and got


def test_reported_value_fills_a_key_the_engine_did_not_compute(
    wh: Warehouse, county: str, engine_values: pa.Table, session: Session
):
    """aggregates.merge: a reported row is used only where no computed row exists."""
    first = report_data(wh=wh, session=None, period=Q4, region_id=county, values=engine_values)
    # a percent key the engine left empty (a township centre now counts its villages'
    # residents, so its contract rate is computed)
    ind, org = next(
        (m.id, u.id)
        for m in first.indicators
        if m.unit == "percent"
        for u in first.units
        if first.value(m.id, u.id, Q4.id) is None
    )
    upload = AggregateImport(
        file_name="t.xlsx",
        sha256="0" * 64,
        user="t",
        rows_total=1,
        rows_stored=1,
        rows_unchanged=0,
        rows_rejected=0,
    )
    session.add(upload)
    session.flush()
    session.add(
        ReportedValue(
            indicator_id=ind,
            org_id=org,
            period_id=Q4.id,
            grain="quarter",
            revision=1,
            numerator=412,
            denominator=1000,
            value="41.20",
            is_current=True,
            import_id=upload.id,
            source_row=2,
        )
    )
    session.flush()
    data = report_data(wh=wh, session=session, period=Q4, region_id=county, values=engine_values)
    assert data.value(ind, org, Q4.id) == Decimal("41.20")
    row = next(
        r for r in data.results if (r.indicator_id, r.org_id, r.period_id) == (ind, org, Q4.id)
    )
    assert row.source == "reported"


def test_compared_units_are_the_countys_communities_then_centres(
    bulletin: ReportData, wh: Warehouse, county: str
):
    info = org_info(wh.read("org_units"))
    want = {
        u.org_id
        for u in info.values()
        if u.parent_id == county
        and (u.kind == "community" or u.inst_type in {"township_centre", "community_centre"})
    }
    assert {u.id for u in bulletin.units} == want
    assert bulletin.units[0].kind == "community"


def test_unit_kind_is_the_callers_choice(wh: Warehouse, county: str):
    info = org_info(wh.read("org_units"))
    clinics = compare_units(info, county, ["village_clinic"])
    assert clinics and all(u.inst_type == "village_clinic" for u in clinics)


def test_unknown_unit_kind_is_a_bilingual_error(wh: Warehouse, county: str):
    with pytest.raises(AssembleError, match=r"未知的单位类别.*unknown unit kinds"):
        compare_units(org_info(wh.read("org_units")), county, ["hospital_ward"])


def test_ranking_matches_the_assessment(
    wh: Warehouse, county: str, engine_values: pa.Table, db_url: str
):
    """assess README: total = sum of rounded item points; competition ranking (1 + units with
    a higher total); seed 003: top three and passing → commended, the last and failing →
    warned when the ranking has at least min_ranked units (consequences.py: the last is never
    commended as well)."""
    base = report_data(wh=wh, session=None, period=Q4, region_id=county, values=engine_values)
    assessed = sorted({t.org_id for t in base.totals})
    assert len(assessed) >= 2
    entries = {(org, "public_health_duties"): 12 - 4 * n for n, org in enumerate(assessed)}
    data = report_data(
        wh=wh,
        session=None,
        period=Q4,
        region_id=county,
        values=engine_values,
        manual_scores={Q4.id: entries},
    )
    worst = max(t.rank for t in data.totals)
    min_ranked = assess.load_scheme("primary_institution").consequences.min_ranked
    want = set()
    for t in data.totals:
        assert t.total == sum(i.points for i in data.items if i.org_id == t.org_id)
        assert t.rank == 1 + sum(o.total > t.total for o in data.totals)
        last = t.rank == worst and any(o.total > t.total for o in data.totals)
        if t.rank <= 3 and t.grade == "合格" and not last:
            want.add((t.org_id, "commended"))
        if last and t.grade == "不合格" and len(data.totals) >= min_ranked:
            want.add((t.org_id, "warned"))
    got = {
        (c.org_id, c.kind.value)
        for c in data.consequences
        if c.kind.value in ("commended", "warned")
    }
    assert got == want


def test_shipped_quarterly_scheme_scores_the_centres_from_their_values(bulletin: ReportData):
    """schemes/primary_institution.yaml scores institution-attributed indicators only, so a
    township centre's 药占比 item has the engine's value and points from it."""
    org = township(bulletin)
    item = next(i for i in bulletin.items if i.org_id == org and i.item == "药占比")
    assert item.value == bulletin.value("drug_share", org, Q4.id) is not None
    assert item.points > 0


def _scheme_with(**changes: object) -> assess.Scheme:
    """The shipped quarterly scheme with its 药占比 item changed."""
    scheme = assess.load_scheme("primary_institution")
    items = [i.model_copy(update=changes) if i.id == "drug_share" else i for i in scheme.items]
    return scheme.model_copy(update={"items": items})


def _centres(wh: Warehouse) -> pa.Table:
    units = wh.read("org_units")
    keep = [t in ("township_centre", "community_centre") for t in units["inst_type"].to_pylist()]
    return units.filter(pa.array(keep, pa.bool_()))


def test_item_without_a_baseline_scores_zero_and_says_why(wh: Warehouse, engine_values: pa.Table):
    """assess scoring: a linear item needs a baseline or floor; with neither (the targets
    table gives 药占比 only its target, 40%) it scores 0 with the reason, value still shown."""
    from yigai.assess.model import Linear
    from yigai.indicators import targets as targets_mod

    scheme = _scheme_with(rule=Linear(kind="linear"))
    known = {r for r in engine_values.column("indicator_id").to_pylist()}
    done = run_assessment(scheme, engine_values, targets_mod.default(), Q4, _centres(wh), known)
    assert done is not None and "drug_share" in done.unscored
    rows = [i for i in done.result.items if i.item_id == "drug_share"]
    assert rows and all(i.points == 0 for i in rows)
    assert all("暂不能计分（目标值未给出基线值）" in i.why_zh for i in rows)
    assert all(i.value is not None for i in rows)


def test_item_whose_indicator_is_not_in_the_catalogue_scores_zero(
    wh: Warehouse, engine_values: pa.Table
):
    """A scheme item naming an indicator the catalogue lacks scores 0 and says so."""
    from yigai.indicators import targets as targets_mod

    scheme = _scheme_with(indicator="no_such_indicator")
    known = {r for r in engine_values.column("indicator_id").to_pylist()}
    done = run_assessment(scheme, engine_values, targets_mod.default(), Q4, _centres(wh), known)
    assert done is not None
    rows = [i for i in done.result.items if i.item_id == "drug_share"]
    assert rows and all(i.points == 0 and i.value is None for i in rows)
    assert all("监测指标目录中尚无该指标" in i.why_zh for i in rows)


def test_overdue_tasks_match_reform_overdue(
    wh: Warehouse, county: str, engine_values: pa.Table, session: Session
):
    """The county's own tasks and progress (issue 14 §2); overdue flags are reform.overdue's
    for the county."""
    reform.load_plan(session, "demo-2025")
    codes = [v.code for v in reform.task_views(session, Q4.end, "demo-2025")]
    reform.report_progress(
        session,
        "demo-2025",
        codes[0],
        reported_on=dt.date(2024, 3, 1),
        percent=100,
        reporter="县卫健局",
        unit=county,
    )
    data = report_data(wh=wh, session=session, period=Q4, region_id=county, values=engine_values)
    late = {v.code for v in reform.overdue(session, Q4.end, "demo-2025", county)}
    assert {t.code for t in data.tasks if t.overdue} == late and late
    done = next(t for t in data.tasks if t.code == codes[0])
    assert done.completed and not done.overdue


def test_county_bulletin_lists_its_deployments_plan_not_the_city_plan(
    wh: Warehouse, county: str, engine_values: pa.Table, session: Session
):
    """Issue 14 §2: the demo county's bulletin lists the demo plan (county lead units, 2024–2025
    deadlines) that its deployment names, not Zhanjiang's city-level plan."""
    reform.load_plan(session, "zhanjiang-2020")
    data = report_data(wh=wh, session=session, period=Q4, region_id=county, values=engine_values)
    spec = reform.plan_spec("demo-2025")
    assert {t.code for t in data.tasks} == {t.code for t in spec.tasks}
    assert not any(t.lead_department.startswith("市") for t in data.tasks)


def test_header_names_the_county_office_and_number(bulletin: ReportData):
    h = bulletin.header
    name = bulletin.region.name_zh
    assert h.issuer_zh == f"{name}深化医药卫生体制改革领导小组办公室"
    assert h.doc_number == f"{short_name(name)}医改办〔2026〕2号"
    assert h.issue_date == dt.date(2026, 1, 15)


def test_document_number_carries_the_issuing_year_not_the_period_year(bulletin: ReportData):
    """GB/T 9704-2012: 〔年份〕 is the year of issue; 2025年第四季度's bulletin is issued in 2026."""
    assert "〔2026〕" in bulletin.header.doc_number


def test_monthly_report_and_bulletin_issued_together_never_share_a_number():
    """Issue 14 §3: a monthly report and a bulletin must not both be 〔2025〕4号. Every
    product an office issues in a year gets its own number, in issue order."""
    by_year: dict[int, list[int]] = {}
    for p in [
        *(Period.month(y, m) for y in (2025, 2026) for m in range(1, 13)),
        *(Period.quarter(y, q) for y in (2025, 2026) for q in range(1, 5)),
    ]:
        issued = issue_date(p)
        kind = "monthly" if p.grain is Grain.MONTH else "bulletin"
        by_year.setdefault(issued.year, []).append(sequence_number(issued, kind))
    # 2026 issues December 2025's report and the 第四季度 bulletin through 2026's own: 16 numbers
    assert sorted(by_year[2026]) == list(range(1, 17)), by_year[2026]
    # in the issue month of a bulletin, the report comes first and the bulletin right after it
    april = dt.date(2025, 4, 15)
    assert sequence_number(april, "bulletin") == sequence_number(april, "monthly") + 1


def test_key_indicator_is_in_county_visit_rate(bulletin: ReportData):
    assert bulletin.key_indicator.id == "in_county_visit_rate"


def test_monthly_report_has_no_assessment(wh: Warehouse, county: str, engine_values: pa.Table):
    data = report_data(
        wh=wh, session=None, period=DEC, region_id=county, kind="monthly", values=engine_values
    )
    assert data.totals == [] and data.items == []
    assert data.header.doc_number.endswith("〔2026〕1号")  # issued in January 2026
    assert data.header.recipients_zh == f"{data.region.name_zh}深化医药卫生体制改革领导小组"


def test_scheme_of_another_grain_is_a_bilingual_error(
    wh: Warehouse, county: str, engine_values: pa.Table
):
    with pytest.raises(AssembleError, match=r"community_2020.*不符.*assesses by year"):
        report_data(
            wh=wh,
            session=None,
            period=Q4,
            region_id=county,
            scheme_id="community_2020",
            values=engine_values,
        )


def test_unknown_region_is_a_bilingual_error(wh: Warehouse, engine_values: pa.Table):
    with pytest.raises(AssembleError, match="没有单位 nowhere / org_units holds no unit"):
        report_data(wh=wh, session=None, period=Q4, region_id="nowhere", values=engine_values)


@pytest.mark.parametrize(
    ("period", "kind"), [("202512", "bulletin"), ("2025Q4", "monthly"), ("2025", "bulletin")]
)
def test_period_kind_mismatch_is_a_bilingual_error(period: str, kind: str):
    with pytest.raises(AssembleError, match=r"周期 .* / period .* is a"):
        check_kind(parse(period), kind)


def test_period_id_implies_the_product():
    assert kind_for(parse("202512")) == "monthly" and kind_for(parse("2025Q4")) == "bulletin"
    with pytest.raises(AssembleError, match=r"年度.*is a year"):
        kind_for(parse("2025"))


def test_short_name_drops_the_county_suffix():
    assert short_name("南凤县") == "南凤" and short_name("廉江市") == "廉江"
    assert short_name("县") == "县"


periods = st.one_of(
    st.builds(Period.month, st.integers(2000, 2100), st.integers(1, 12)),
    st.builds(Period.quarter, st.integers(2000, 2100), st.integers(1, 4)),
)


@given(periods)
def test_periods_needed_cover_what_the_report_reads(p: Period):
    needed = set(periods_needed(p))
    assert {p, p.previous(), p.same_period_last_year(), *trend_months(p)} <= needed
    months = trend_months(p)
    assert len(months) == 12 and months[-1].end == p.end
    assert all(m.grain is Grain.MONTH for m in months)


@given(periods)
def test_history_is_the_same_year_up_to_the_period(p: Period):
    h = history_periods(p)
    assert h[-1] == p and h[0].start == dt.date(p.start.year, 1, 1)
    assert all(x.grain is p.grain and x.start.year == p.start.year for x in h)
    assert all(a.end < b.start for a, b in itertools.pairwise(h))


def test_assessed_units_are_the_schemes_kinds(bulletin: ReportData):
    scheme = assess.load_scheme("primary_institution")
    kinds = {u.id: u.kind for u in bulletin.units}
    assert bulletin.totals and all(kinds[t.org_id] == scheme.org_kind for t in bulletin.totals)


def test_year_closing_bulletin_also_ranks_the_communities_for_the_year(
    bulletin: ReportData, wh: Warehouse, county: str
):
    """assemble module doc: 第4季度 reports community_2020 for the year, every community."""
    info = org_info(wh.read("org_units"))
    communities = {u.org_id for u in info.values() if u.kind == "community"}
    (group,) = bulletin.other_rankings
    assert group.title_zh == "2025年度县域医共体绩效考核"
    assert {t.org_id for t in group.totals} == communities
    for t in group.totals:
        assert t.total == sum(i.points for i in bulletin.items if i.org_id == t.org_id)


def test_mid_year_bulletin_has_no_community_ranking(
    wh: Warehouse, county: str, engine_values: pa.Table
):
    q3 = parse("2025Q3")
    data = report_data(wh=wh, session=None, period=q3, region_id=county, values=engine_values)
    assert data.other_rankings == [] and data.totals


def test_demo_manual_inputs_reach_the_bulletin(
    wh: Warehouse, county: str, engine_values: pa.Table, session: Session, tmp_path: Path
):
    """yigai.synth.manual through the public paths: reported values fill the reported
    indicators, entered scores are scored, the reform table has done and overdue tasks."""
    from yigai.synth.manual import REPORTED, seed_manual_inputs

    inputs = seed_manual_inputs(
        session, wh, county_id=county, years=(2024, 2025), seed=3, inputs_dir=tmp_path
    )
    data = report_data(
        wh=wh,
        session=session,
        period=Q4,
        region_id=county,
        values=engine_values,
        manual_scores=inputs.manual_scores,
    )
    assert all(data.value(i, county, Q4.id) is not None for i in REPORTED)
    entered = [i for i in data.items if i.item == "群众满意度"]
    assert entered and all(i.status == "scored" and i.points > 0 for i in entered)
    assert any(t.completed for t in data.tasks) and any(t.overdue for t in data.tasks)


def test_totals_without_the_manual_entries_are_provisional(
    wh: Warehouse, county: str, engine_values: pa.Table
):
    """Nobody entered the manual items (群众满意度 …): the totals are marked provisional,
    not presented as final scores."""
    data = report_data(wh=wh, session=None, period=Q4, region_id=county, values=engine_values)
    assert data.totals and all(t.provisional for t in data.totals)


REAL_DEPLOYMENT = """\
id: real
name: 实际部署
synthetic: false
governs:
  - units: ["*"]
    targets: [demo_2025]
    insurance: hebei_wuji
"""


def _assemble_in(
    home: Path, monkeypatch: pytest.MonkeyPatch, wh: Warehouse, county: str, values: pa.Table
) -> ReportData:
    monkeypatch.setenv("YIGAI_HOME", str(home))
    return report_data(wh=wh, session=None, period=Q4, region_id=county, values=values)


def test_the_demo_deployment_governs_the_report_and_marks_it_synthetic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wh: Warehouse, county: str, engine_values
):
    """Issue 14 §2: with no deployment of its own, the shipped demo one governs; its rules
    go into the report's notes and its data are synthetic."""
    from yigai import deployment

    data = _assemble_in(tmp_path, monkeypatch, wh, county, engine_values)
    assert data.synthetic
    assert list(data.governance_zh) == deployment.load(deployment.DEMO_FILE).notes_zh()


def test_a_warehouse_built_by_the_synthetic_generator_is_synthetic_whatever_the_deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wh: Warehouse, county: str, engine_values
):
    (tmp_path / "deployment.yaml").write_text(REAL_DEPLOYMENT, encoding="utf-8")
    data = _assemble_in(tmp_path, monkeypatch, wh, county, engine_values)
    assert data.synthetic
    assert any("实际部署（real）" in line for line in data.governance_zh)


def test_real_deployment_and_real_warehouse_make_a_report_that_is_not_synthetic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wh: Warehouse, county: str, engine_values
):
    (tmp_path / "deployment.yaml").write_text(REAL_DEPLOYMENT, encoding="utf-8")
    monkeypatch.setattr("yigai.warehouse.keys.stored", lambda root: None)  # no demo mark
    data = _assemble_in(tmp_path, monkeypatch, wh, county, engine_values)
    assert not data.synthetic
    assert not any("合成示范数据" in line for line in data.governance_zh)


def test_report_data_records_the_warehouse_versions_it_read(bulletin: ReportData, wh: Warehouse):
    """Every caller (the demo calls report_data directly) gets the 数据版本 its documents
    print, not only `yigai report`."""
    assert bulletin.warehouse_versions and bulletin.warehouse_versions == wh.snapshot().to_json()

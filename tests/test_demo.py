"""The main job (``yigai demo``) end to end on a small synthetic county."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from yigai import demo
from yigai.cli import app
from yigai.reports.status import Status
from yigai.settings import Settings
from yigai.warehouse import Warehouse

pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("demo")
    return Settings(home=home, pseudonym_key=b"test", database_url=f"sqlite:///{home / 'y.db'}")


@pytest.fixture(scope="module")
def result(settings: Settings) -> demo.DemoResult:
    return demo.run(settings, residents=5_000, years=(2024, 2025), seed=7)


def _county_values(result: demo.DemoResult, period: str) -> dict[str, dict]:
    rows = result.values.to_pylist()
    return {
        r["indicator_id"]: r
        for r in rows
        if r["org_id"] == result.county_id and r["period_id"] == period
    }


def test_demo_writes_the_summary_and_the_bulletin_files(result: demo.DemoResult) -> None:
    for key in ("summary_html", "bulletin_docx", "bulletin_pdf", "bulletin_xlsx"):
        assert result.outputs[key].stat().st_size > 0, key
    html = result.outputs["summary_html"].read_text(encoding="utf-8")
    assert "县域内就诊率" in html and result.county_name in html


def test_bulletin_docx_opens_and_names_the_county(result: demo.DemoResult) -> None:
    text = "\n".join(p.text for p in docx.Document(str(result.outputs["bulletin_docx"])).paragraphs)
    assert "通报" in text and result.county_name in text


def test_every_computable_catalogue_indicator_has_a_county_value(result: demo.DemoResult) -> None:
    """Spine, insurance (after settlement), public-health and workforce indicators compute."""
    year = _county_values(result, "2025")
    for ind in (
        "in_county_visit_rate",
        "actual_reimbursement_rate",
        "fund_in_county_rate",
        "hypertension_control_rate",
        "primary_staff_per_1000",
        "outpatient_cost_per_visit_yoy",
        # issue 14 §4's last three: check-ups, the essential-drug flag, drug purchases
        "elderly_health_management_rate",
        "essential_drug_village_clinic_share",
        "drug_delivery_rate",
    ):
        assert year[ind]["value"] is not None, ind


def test_reported_indicators_are_filled_and_marked_reported(result: demo.DemoResult) -> None:
    year = _county_values(result, "2025")
    reported = year["county_hospital_capability_standard_rate"]
    assert reported["source"] == "reported" and reported["value"] is not None
    assert year["in_county_visit_rate"]["source"] == "computed"


def test_values_are_plausible_against_the_seeds(result: demo.DemoResult) -> None:
    """Seeds: in-county visits near 90%, primary share near 65%, drug share under 40%."""
    year = _county_values(result, "2025")

    def v(ind: str) -> Decimal:
        return Decimal(year[ind]["value"])

    assert Decimal(70) < v("in_county_visit_rate") < Decimal(100)
    assert Decimal(40) < v("primary_visit_rate") < Decimal(80)
    assert Decimal(15) < v("drug_share") < Decimal(50)
    assert Decimal(0) < v("actual_reimbursement_rate") < Decimal(100)


def test_second_run_reuses_the_county_and_adds_nothing(
    result: demo.DemoResult, settings: Settings
) -> None:
    wh = Warehouse(settings.warehouse_dir)
    before = (len(wh.batches()), wh.read("claims", columns=["encounter_id"]).num_rows)
    again = demo.run(settings, residents=5_000, years=(2024, 2025), seed=7)
    after = (len(wh.batches()), wh.read("claims", columns=["encounter_id"]).num_rows)
    assert after == before
    assert again.values.equals(result.values)


def test_cli_demo_help_is_bilingual() -> None:
    out = CliRunner().invoke(app, ["demo", "--help"])
    assert out.exit_code == 0 and "主任务" in out.output and "main job" in out.output


def test_summary_marks_a_reported_value() -> None:
    assert demo._shown(Decimal("12.50"), {"source": "reported"}) == "12.50（填报）"
    assert demo._shown(Decimal("12.50"), {"source": "computed"}) == "12.50"
    assert demo._shown(None, None) == "—"


def test_about_target_follows_the_indicators_direction() -> None:
    """医护比 1:1.29 → 1:1.25 (seed 002 附件3), direction lower: 2.00 is not met."""
    from yigai.indicators.targets import Target

    t = Target(
        indicator="doctor_nurse_ratio",
        scope="*",
        value=Decimal("1.25"),
        comparison="about",
        deadline="2022-12-31",
        source="种子002 附件3",
    )
    assert demo._status(Decimal("2.00"), t, "lower", Decimal("0.05")) is Status.RED
    assert demo._status(Decimal("1.20"), t, "lower", Decimal("0.05")) is Status.GREEN
    assert demo._status(Decimal("91"), t, "higher", Decimal("0.05")) is Status.GREEN


def _referral_target() -> object:
    from yigai.indicators.targets import Target

    return Target(
        indicator="appointment_referral_share",
        scope="*",
        value=Decimal("20"),
        comparison="at_least",
        deadline="2025-12-31",
        source="test",
    )


def test_summary_status_is_about_the_target_not_improvement() -> None:
    """Issue 14: 预约转诊 14.04% against ≥20% read 接近目标 in the bulletin because it had
    improved; status is about the target: missed (close would need ≥ 20 × 0.95 = 19.00)."""
    assert demo._status(Decimal("14.04"), _referral_target(), "higher", Decimal("0.05")) is (
        Status.RED
    )


def test_summary_close_is_inclusive_at_the_tolerance_edge() -> None:
    t = _referral_target()
    assert demo._status(Decimal("19.00"), t, "higher", Decimal("0.05")) is Status.AMBER
    assert demo._status(Decimal("18.99"), t, "higher", Decimal("0.05")) is Status.RED


def test_summary_and_bulletin_give_each_indicator_the_same_status(
    result: demo.DemoResult,
) -> None:
    """Issue 14: the summary said 16 targets missed and the bulletin 9 for the same county
    and quarter; one status rule makes every indicator's status (and target) agree."""
    from yigai.indicators import catalogue as catalogue_mod
    from yigai.reports.assemble import report_data
    from yigai.reports.sections import ReportKind, build

    cat = list(catalogue_mod.default())
    rows = demo.summary_rows(
        result.values, cat, result.county_id, "county", result.county_name, ["2025Q4"]
    )
    summary = {r.indicator_id: r.status for r in rows}
    data = report_data(
        wh=Warehouse(result.warehouse),
        session=None,
        period="2025Q4",
        region_id=result.county_id,
        values=result.values,
    )
    shown = build(data, ReportKind.QUARTERLY).indicator_rows
    bulletin = {r.meta.id: r.status.value for r in shown if r.basis == ""}
    bulletin = {k: v for k, v in bulletin.items() if v != Status.NOT_DUE.value}
    assert Status.RED.value in bulletin.values()
    assert {k: summary[k] for k in bulletin} == bulletin


def test_output_paths_live_under_home(result: demo.DemoResult, settings: Settings) -> None:
    assert all(Path(p).is_relative_to(settings.home) for p in result.outputs.values())


def test_bulletin_marks_the_reported_values(result: demo.DemoResult) -> None:
    document = docx.Document(str(result.outputs["bulletin_docx"]))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any(c.endswith("（填报）") for c in cells)


def _xlsx_cells(path: Path) -> dict[str, list[tuple]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def _html_text(path: Path, issue_date: str) -> str:
    import re

    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace(issue_date, "<成文日期>")


def test_demo_and_report_command_write_the_same_bulletin(
    result: demo.DemoResult, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: `yigai demo` and `yigai report --period 2025Q4` on one warehouse and store
    read the same stored inputs (manual scores included), so their bulletins agree: every
    XLSX annex cell and the HTML text, apart from the issue date."""
    from yigai.reports.assemble import issue_date
    from yigai.reports.sections import date_zh

    monkeypatch.setenv("YIGAI_DATABASE_URL", settings.database_url)
    out = tmp_path / "cli"
    res = CliRunner().invoke(
        app, ["report", "--period", "2025Q4", "--home", str(settings.home), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    (cli_xlsx,) = out.glob("*.xlsx")
    (cli_html,) = out.glob("*.html")
    annex = _xlsx_cells(result.outputs["bulletin_xlsx"])
    assert _xlsx_cells(cli_xlsx) == annex
    when = date_zh(issue_date(demo.Period.quarter(2025, 4)))
    assert _html_text(cli_html, when) == _html_text(result.outputs["bulletin_html"], when)
    # the manual items are in both, scored from the stored entries (not 0 for want of input)
    entered = [r for rows in annex.values() for r in rows if "群众满意度" in r]
    assert entered and all(Decimal(str(r[4])) > 0 for r in entered), entered[:2]


def test_demo_city_bulletin_names_its_lagging_counties_on_page_one(
    result: demo.DemoResult,
) -> None:
    """Issue 14 §3: the demo city has three counties; its bulletin ranks them and page 1
    names the counties that miss a key target, with their values and the counts behind them."""
    import re

    import pypdfium2 as pdfium

    from yigai.orgs.hierarchy import org_info

    info = org_info(Warehouse(result.warehouse).read("org_units"))
    counties = [u.name for u in info.values() if u.kind == "county"]
    assert len(counties) == demo.DEMO_COUNTIES
    document = pdfium.PdfDocument(str(result.outputs["city_bulletin_pdf"]))
    try:
        first = "".join(document[0].get_textpage().get_text_range().split())
    finally:
        document.close()
    assert "（一）未达标指标" in first
    named = re.findall(r"(\d)个县中(\d)个未达标：(\S+?)[\d.]+%（[\d,]+/[\d,]+）", first)
    assert named, first
    assert any(name in counties for _, _, name in named), (named, counties)


def test_summary_cites_source_documents_not_internal_labels(result: demo.DemoResult) -> None:
    """Issue 14 §3: the summary's 来源 column names the document (title, issuer, date), never
    种子002 or domain/README.md, which are not part of the product."""
    html = result.outputs["summary_html"].read_text(encoding="utf-8")
    assert (
        "《湛江市加强紧密型县域医疗卫生共同体建设实施方案（征求意见稿）》（湛江市，2020年）" in html
    )
    assert "种子0" not in html and "domain/README" not in html


def test_the_community_statement_releases_by_the_stored_score_after_assessment(
    settings: Settings, result: demo.DemoResult
) -> None:
    """Settle → assess → release: the latest version of a community's statement shows the
    release computed from the stored assessment total; the version written before the
    assessment stays readable and shows 待考核."""
    from yigai.policy.assessment_release import ReleaseRule, read_scores, release
    from yigai.policy.commands import default_scores
    from yigai.policy.statements.store import list_statements, read_statement

    wh = Warehouse(result.warehouse)
    scores = read_scores(default_scores(settings.output_dir, 2025))
    latest = list_statements(wh, year=2025, kind="community_year")
    assessed = [s for s in latest if scores.get(s.statement.subject_id) is not None]
    assert assessed, "no community has a final assessment score"
    stored = assessed[0]
    region = stored.statement.region
    lines = {line.item: line for line in stored.statement.lines}
    score = scores[stored.statement.subject_id]
    expected = release(lines["budget.budget_fen"].amount_fen, score, ReleaseRule.load(region, 2025))
    assert lines["assessment.score"].value == str(score)
    assert lines["assessment.released_fen"].amount_fen == expected.released_fen
    earlier = read_statement(wh, stored.statement.statement_id, stored.versions[-2])
    before = {line.item: line for line in earlier.statement.lines}
    assert before["assessment.score"].value == "待考核 / pending"


def test_the_assessment_gives_no_new_version_of_statements_it_does_not_change(
    result: demo.DemoResult,
) -> None:
    """Only the community statements carry the release by the score: after the demo's
    assessment every other statement still has its one version."""
    from yigai.policy.statements.store import list_statements

    wh = Warehouse(result.warehouse)
    stored = list_statements(wh)
    assert {s.statement.kind for s in stored if len(s.versions) > 1} == {"community_year"}


def test_settling_an_assessed_year_again_writes_no_pending_version(
    settings: Settings, result: demo.DemoResult
) -> None:
    """A reused demo warehouse settles its years again: an assessed year is settled with its
    stored scores, so its statements stay at their released version."""
    from yigai.policy.statements.store import list_statements

    wh = Warehouse(result.warehouse)
    before = {s.statement.statement_id: s.version for s in list_statements(wh, year=2025)}
    region = next(iter(list_statements(wh, year=2025))).statement.region
    demo.settle_years(wh, (2025,), region, settings.output_dir)
    after = {s.statement.statement_id: s.version for s in list_statements(wh, year=2025)}
    assert after == before

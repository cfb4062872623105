"""The main job (``yigai demo``) end to end on a small synthetic county."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from yigai import demo
from yigai.cli import app
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
    assert demo._status(Decimal("2.00"), t, "lower") == "not_met"
    assert demo._status(Decimal("1.20"), t, "lower") == "met"
    assert demo._status(Decimal("91"), t, "higher") == "met"


def test_output_paths_live_under_home(result: demo.DemoResult, settings: Settings) -> None:
    assert all(Path(p).is_relative_to(settings.home) for p in result.outputs.values())


def test_bulletin_marks_the_reported_values(result: demo.DemoResult) -> None:
    document = docx.Document(str(result.outputs["bulletin_docx"]))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any(c.endswith("（填报）") for c in cells)

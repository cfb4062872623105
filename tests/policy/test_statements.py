"""Settlement statements (issue 15 §2): written from a run, versioned, listed, compared, exported.

One small synthetic county (1,500 residents, 2024–2025) is generated and settled once per
module; tests that change inputs use a copy of the parameter folder.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.compute as pc
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from yigai.policy.params import DEFAULT_ROOT, scheme_regions
from yigai.policy.run import SettlementRun, settle
from yigai.policy.statements.build import build_statements
from yigai.policy.statements.commands import app
from yigai.policy.statements.export import export_statement
from yigai.policy.statements.store import (
    StatementError,
    diff_statements,
    list_statements,
    read_statement,
    write_statements,
)
from yigai.synth import SynthConfig, generate
from yigai.warehouse import Warehouse

REGION = "hebei_wuji"
REGION_2025 = f"{REGION}:2025:region_year:{REGION}"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("statements")
    generate(
        Warehouse(root / "warehouse"),
        SynthConfig(residents_per_county=1500, years=(2024, 2025), seed=5),
        key=b"test-statements",
    )
    return root


@pytest.fixture(scope="module")
def wh(home: Path) -> Warehouse:
    return Warehouse(home / "warehouse")


@pytest.fixture(scope="module")
def run(wh: Warehouse) -> SettlementRun:
    settled = settle(wh, 2025, REGION)
    write_statements(wh, settled)
    return settled


def _changed_dip_fund(tmp_path: Path) -> Path:
    root = tmp_path / "params"
    for scheme_region in scheme_regions(REGION).values():
        shutil.copytree(DEFAULT_ROOT / scheme_region, root / scheme_region)
    path = root / REGION / "payment" / "dip_fund.yaml"
    text = path.read_text(encoding="utf-8")
    assert "value: 10400000" in text
    path.write_text(text.replace("value: 10400000", "value: 12000000"), encoding="utf-8")
    return root


def test_a_run_writes_statements_of_every_kind(wh: Warehouse, run: SettlementRun) -> None:
    kinds = {s.statement.kind for s in list_statements(wh, region=REGION, year=2025)}
    assert kinds == {"institution_month", "institution_year", "community_year", "region_year"}


def test_month_statements_add_up_to_the_runs_fund_and_capitation(
    wh: Warehouse, run: SettlementRun
) -> None:
    months = list_statements(wh, year=2025, kind="institution_month")
    lines = [ln for s in months for ln in s.statement.lines]
    fund = sum(ln.amount_fen for ln in lines if ln.item == "claims.fund_fen")
    capitation = sum(ln.amount_fen for ln in lines if ln.item == "capitation.amount_fen")
    advances = sum(ln.amount_fen for ln in lines if ln.item == "dip.advance_fen")
    assert fund == run.totals.fund_fen
    assert capitation == run.capitation_fen
    assert advances == sum(r.presettled_fen for r in run.dip)


def test_community_statement_shows_the_budget_and_the_split_to_members(
    wh: Warehouse, run: SettlementRun
) -> None:
    (community,) = run.budgets
    stored = read_statement(wh, f"{REGION}:2025:community_year:{community.community_id}")
    by_item = {ln.item: ln.amount_fen for ln in stored.statement.lines}
    assert by_item["budget.budget_fen"] == community.budget_fen
    assert by_item["budget.settlement_fen"] == community.settlement_fen
    shares = [a for item, a in by_item.items() if item.startswith("member:")]
    assert shares and sum(shares) == community.settlement_fen


def test_rerunning_with_the_same_inputs_writes_nothing(wh: Warehouse, run: SettlementRun) -> None:
    batches = len(wh.batches("statements"))
    written = write_statements(wh, settle(wh, 2025, REGION))
    assert written.batch_id is None and written.new_versions == 0
    assert written.unchanged > 0
    assert len(wh.batches("statements")) == batches


def test_changed_inputs_make_a_new_version_and_the_old_one_stays_readable(
    wh: Warehouse, run: SettlementRun, tmp_path: Path
) -> None:
    root = _changed_dip_fund(tmp_path)
    changed = settle(wh, 2025, REGION, root=root)
    written = write_statements(wh, changed, root=root)
    assert written.new_versions > 0
    latest = read_statement(wh, REGION_2025)
    first = read_statement(wh, REGION_2025, 1)
    assert latest.version == 2 and latest.versions == (1, 2)
    assert _line(first, "dip.fund_fen") == 1_040_000_000
    assert _line(latest, "dip.fund_fen") == 1_200_000_000
    assert latest.inputs_fingerprint != first.inputs_fingerprint
    changes = diff_statements(first, latest)
    change = next(c for c in changes if c.item == "dip.fund_fen")
    assert change.delta_fen == 160_000_000
    assert all(c.item.startswith("dip.") for c in changes)  # claims and budgets unchanged


def _line(stored, item: str) -> int | None:  # type: ignore[no-untyped-def]
    return next(ln.amount_fen for ln in stored.statement.lines if ln.item == item)


def test_a_statement_names_the_parameters_and_input_batches_it_came_from(
    wh: Warehouse, run: SettlementRun
) -> None:
    stored = read_statement(wh, REGION_2025, 1)
    assert stored.settle_batch == run.batch_id
    params = stored.inputs["parameters"]
    assert params["payment.dip_fund"]["value"] == 1_040_000_000
    assert params["payment.dip_fund"]["unit"] == "fen"
    (band,) = params["payment.budget_surplus_retention"]["value"][:1]
    assert set(band) == {"threshold_fen", "rate"}  # a band as data, not its Python repr
    assert "示范参数" in params["payment.dip_fund"]["reference"]
    batches = stored.inputs["input_batches"]
    assert batches and all(b.split(":")[1] for b in batches)
    assert {b.split(":")[0] for b in batches} >= {"encounters", "residents", "org_units"}


def test_statements_from_demo_inputs_are_labelled(wh: Warehouse, run: SettlementRun) -> None:
    stored = read_statement(wh, REGION_2025, 1)
    assert "payment.dip_fund" in stored.demo_parameters


def test_statements_hold_no_personal_data(wh: Warehouse, run: SettlementRun) -> None:
    table = wh.read("statements")
    assert "person_id" not in table.column_names
    persons = set(wh.read("residents", columns=["person_id"])["person_id"].to_pylist())
    assert not persons & set(table["subject_id"].to_pylist())
    assert pc.all(pc.is_valid(table["inputs_fingerprint"])).as_py()


def test_an_unknown_statement_or_version_is_a_bilingual_error(wh: Warehouse) -> None:
    with pytest.raises(StatementError, match=r"没有结算单 nope.*no statement nope"):
        read_statement(wh, "nope")
    with pytest.raises(StatementError, match=r"没有第 9 版.*has no version 9"):
        read_statement(wh, REGION_2025, 9)


def test_xlsx_export_shows_the_lines_in_yuan_and_the_demo_label(
    wh: Warehouse, run: SettlementRun, tmp_path: Path
) -> None:
    stored = read_statement(wh, REGION_2025, 1)
    path = export_statement(stored, tmp_path / "region.xlsx")
    sheet = load_workbook(path).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    fund = next(r for r in rows if len(r) > 1 and r[1] == "dip.fund_fen")
    assert Decimal(str(fund[3])) == Decimal("10400000.00")
    assert sheet.cell(rows.index(fund) + 1, 4).number_format == "#,##0.00"
    assert any("示范参数" in str(v) for r in rows for v in r if v)


def test_pdf_export_writes_a_pdf(wh: Warehouse, run: SettlementRun, tmp_path: Path) -> None:
    stored = read_statement(wh, REGION_2025, 1)
    path = export_statement(stored, tmp_path / "region.pdf")
    assert path.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "kind", ["institution_month", "institution_year", "community_year", "region_year"]
)
def test_the_pdf_of_each_kind_opens_and_states_its_parameters_and_input_batches(
    wh: Warehouse, run: SettlementRun, tmp_path: Path, kind: str
) -> None:
    import pypdfium2 as pdfium

    stored = list_statements(wh, year=2025, kind=kind)[0]
    path = export_statement(stored, tmp_path / f"{kind}.pdf")
    document = pdfium.PdfDocument(str(path))
    try:  # table cells wrap long ids: compare without whitespace
        text = "".join(
            "".join(document[i].get_textpage().get_text_range().split())
            for i in range(len(document))
        )
    finally:
        document.close()
    assert stored.statement.subject_name in text
    assert stored.inputs["parameters"] and stored.inputs["input_batches"]
    for name in stored.inputs["parameters"]:
        assert name in text, name
    for batch in stored.inputs["input_batches"]:
        assert batch in text, batch


def test_cli_lists_shows_compares_and_exports(
    home: Path, run: SettlementRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIGAI_HOME", str(home))
    runner = CliRunner()
    listed = runner.invoke(app, ["list", "--year", "2025", "--kind", "region_year"])
    assert listed.exit_code == 0, listed.output
    assert REGION_2025 in listed.output
    shown = runner.invoke(app, ["show", REGION_2025, "--version", "1"])
    assert shown.exit_code == 0, shown.output
    assert "DIP 基金 / DIP fund" in shown.output and "示范参数" in shown.output
    out = tmp_path / "s.xlsx"
    exported = runner.invoke(app, ["export", REGION_2025, "--output", str(out)])
    assert exported.exit_code == 0, exported.output
    assert out.is_file()


def test_cli_unknown_statement_exits_1_without_a_traceback(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIGAI_HOME", str(home))
    result = CliRunner().invoke(app, ["show", "nope"])
    assert result.exit_code == 1
    assert "没有结算单 nope" in result.output and "Traceback" not in result.output


def test_without_a_score_the_withheld_share_is_shown_pending(
    wh: Warehouse, run: SettlementRun
) -> None:
    (community,) = run.budgets
    assert community.release is not None and community.release.pending
    first = read_statement(wh, f"{REGION}:2025:community_year:{community.community_id}", 1)
    lines = {ln.item: ln for ln in first.statement.lines}
    assert lines["assessment.score"].value == "待考核 / pending"
    assert "assessment.released_fen" not in lines


def test_the_assessment_score_releases_the_withheld_share_on_the_statement(
    wh: Warehouse, run: SettlementRun
) -> None:
    """Seed 002 二（四）: 评价结果与医保支付挂钩 — shipped demo rule: 5% withheld, a score of
    80–90 releases 90% of it."""
    (community,) = run.budgets
    cid = community.community_id
    write_statements(wh, settle(wh, 2025, REGION, scores={cid: Decimal("85")}))
    stored = read_statement(wh, f"{REGION}:2025:community_year:{cid}")
    lines = {ln.item: ln for ln in stored.statement.lines}
    withheld = (community.budget_fen * 5 + 50) // 100  # 5%, half up to the fen
    assert lines["assessment.withheld_fen"].amount_fen == withheld
    assert lines["assessment.score"].value == "85"
    assert lines["assessment.release_rate"].value == "0.9"
    assert lines["assessment.released_fen"].amount_fen == (withheld * 9 + 5) // 10
    assert "90.00%" in lines["assessment.released_fen"].label
    assert stored.inputs["assessment_scores"] == {cid: "85"}


def test_show_against_an_earlier_version_shows_the_release_that_the_score_made(
    home: Path, wh: Warehouse, run: SettlementRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settle → assess → settle again: ``yigai statements show ID --against 1`` compares the
    released version with the first one, which was 待考核."""
    (community,) = run.budgets
    cid = community.community_id
    write_statements(wh, settle(wh, 2025, REGION, scores={cid: Decimal("85")}))
    statement_id = f"{REGION}:2025:community_year:{cid}"
    latest = read_statement(wh, statement_id)
    assert latest.version > 1
    monkeypatch.setenv("YIGAI_HOME", str(home))
    shown = CliRunner().invoke(app, ["show", statement_id, "--against", "1"])
    assert shown.exit_code == 0, shown.output
    text = "".join(shown.output.split())
    assert f"第1版→第{latest.version}版的变化" in text
    changes = {c.item: c for c in diff_statements(read_statement(wh, statement_id, 1), latest)}
    assert changes["assessment.score"].old_value == "待考核 / pending"
    assert changes["assessment.score"].new_value == "85"
    assert "待考核" in text and "assessment.released_fen" in changes


def test_a_plans_staff_reward_share_is_a_line_of_the_community_statement(
    wh: Warehouse, run: SettlementRun, tmp_path: Path
) -> None:
    root = tmp_path / "params"
    for scheme_region in scheme_regions(REGION).values():
        shutil.copytree(DEFAULT_ROOT / scheme_region, root / scheme_region)
    share = (root / REGION / "payment" / "assessment_withhold_share.yaml").read_text("utf-8")
    (root / REGION / "payment" / "staff_reward_share.yaml").write_text(
        share.replace("value: 0.05", "value: 0.3"), encoding="utf-8"
    )
    assert run.budgets[0].staff_reward_fen is None  # the shipped plan sets no share
    rewarded = settle(wh, 2025, REGION, root=root)
    (community,) = rewarded.budgets
    assert community.staff_reward_fen == (community.retained_fen * 3 + 5) // 10
    statements = build_statements(rewarded, {})
    (statement,) = [s for s in statements if s.kind == "community_year"]
    lines = {ln.item: ln.amount_fen for ln in statement.lines}
    assert lines["budget.staff_reward_fen"] == community.staff_reward_fen


def test_an_assessment_gives_new_versions_of_the_community_statements_only(
    wh: Warehouse, run: SettlementRun
) -> None:
    """Settle → assess → settle again: only the statements whose lines the score changes
    (the community's withheld-share release) get a new version; the same again writes
    nothing."""
    (community,) = run.budgets
    cid = community.community_id
    write_statements(wh, settle(wh, 2025, REGION))  # the year as settled before assessment
    before = {s.statement.statement_id: s.version for s in list_statements(wh, year=2025)}
    assessed = settle(wh, 2025, REGION, scores={cid: Decimal("95")})
    written = write_statements(wh, assessed)
    after = {s.statement.statement_id: s.version for s in list_statements(wh, year=2025)}
    changed = sorted(sid for sid in after if after[sid] != before.get(sid))
    assert changed == [f"{REGION}:2025:community_year:{cid}"]
    assert written.new_versions == 1
    again = write_statements(wh, settle(wh, 2025, REGION, scores={cid: Decimal("95")}))
    assert (again.batch_id, again.new_versions) == (None, 0)

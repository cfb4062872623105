"""policy.run.settle: one insurance year over a small synthetic warehouse, and the ratios.

The warehouse (5,000 residents, 2024–2025) is generated once per module; 2024 is settled
first (a first-year county), then 2025 (with 2024 as its base year).
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yigai.console import console
from yigai.periods import Period
from yigai.policy.claims import CLAIMS
from yigai.policy.commands import print_summary
from yigai.policy.params import DEFAULT_ROOT, parameters, scheme_regions
from yigai.policy.run import (
    SettlementError,
    SettlementRun,
    batch_fingerprint,
    claim_totals,
    ratio,
    settle,
    with_scores,
)
from yigai.policy.settle import settle_claims
from yigai.synth import SynthConfig, generate
from yigai.warehouse import Warehouse

REGION = "hebei_wuji"
MONTHS_2025 = Period.year(2025).month_keys()


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    warehouse = Warehouse(tmp_path_factory.mktemp("settle") / "warehouse")
    generate(
        warehouse,
        SynthConfig(residents_per_county=5000, years=(2024, 2025), seed=11),
        key=b"test-settle",
    )
    return warehouse


@pytest.fixture(scope="module")
def runs(wh: Warehouse) -> dict[int, SettlementRun]:
    return {year: settle(wh, year, REGION) for year in (2024, 2025)}


def _stored(wh: Warehouse, year: int) -> pa.Table:
    return wh.read("claims", months=Period.year(year).month_keys()).sort_by("encounter_id")


def _parameter_copy(tmp_path: Path) -> Path:
    """The region's scheme folders (城乡居民 and 职工), copied to be edited."""
    root = tmp_path / "params"
    for scheme_region in scheme_regions(REGION).values():
        shutil.copytree(DEFAULT_ROOT / scheme_region, root / scheme_region)
    return root


# ---------------------------------------------------------------- claims


def test_every_stored_claim_splits_its_total_cost_exactly(
    wh: Warehouse, runs: dict[int, SettlementRun]
) -> None:
    claims = _stored(wh, 2025)
    paid = pc.add(
        pc.add(claims["fund_fen"], claims["critical_fen"]),
        pc.add(claims["assistance_fen"], claims["patient_fen"]),
    )
    assert pc.all(pc.equal(paid, claims["cost_total_fen"])).as_py()


def test_run_totals_add_up_to_the_total_cost(runs: dict[int, SettlementRun]) -> None:
    t = runs[2025].totals
    assert t.claims > 0
    assert t.fund_fen + t.critical_fen + t.assistance_fen + t.patient_fen == t.total_cost_fen
    assert t.fund_in_county_fen + t.fund_out_of_county_fen == t.fund_fen


def test_run_totals_are_the_sums_of_the_stored_claims(
    wh: Warehouse, runs: dict[int, SettlementRun]
) -> None:
    claims = _stored(wh, 2025)
    t = runs[2025].totals
    assert t.claims == claims.num_rows
    assert t.total_cost_fen == pc.sum(claims["cost_total_fen"]).as_py()
    assert t.eligible_fen == pc.sum(claims["eligible_fen"]).as_py()
    inside = claims.filter(claims["in_county"])
    assert t.fund_in_county_fen == pc.sum(inside["fund_fen"]).as_py()


def test_written_claims_equal_what_settle_claims_returns(
    wh: Warehouse, runs: dict[int, SettlementRun]
) -> None:
    expected = settle_claims(wh, 2025, REGION).sort_by("encounter_id")
    stored = _stored(wh, 2025)
    assert stored.schema == CLAIMS.arrow_schema()
    # what the settlement computes; the warehouse adds the person key when it stores rows
    computed = [*(f.name for f in CLAIMS.fields), "month"]
    assert stored.select(computed).equals(expected.select(computed))
    assert runs[2025].claims_written == expected.num_rows


def test_rerunning_a_year_writes_nothing_and_keeps_the_row_count(
    wh: Warehouse, runs: dict[int, SettlementRun]
) -> None:
    before = _stored(wh, 2025).num_rows
    batches = len(wh.batches("claims"))
    again = settle(wh, 2025, REGION)
    assert again.claims_written == 0
    assert again.claims_differing == 0
    assert _stored(wh, 2025).num_rows == before
    assert len(wh.batches("claims")) == batches
    assert again.batch_id == runs[2025].batch_id
    assert again.totals == runs[2025].totals
    assert again.dip == runs[2025].dip


def test_batch_id_depends_on_the_parameter_files(wh: Warehouse, tmp_path: Path) -> None:
    root = _parameter_copy(tmp_path)
    same = batch_fingerprint(wh, 2025, REGION, root)
    assert same == batch_fingerprint(wh, 2025, REGION)
    ratio_file = root / REGION / "inpatient" / "ratio.yaml"
    ratio_file.write_text(ratio_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert batch_fingerprint(wh, 2025, REGION, root) != same


def test_changed_parameters_keep_the_stored_claims_and_count_the_differences(
    wh: Warehouse, runs: dict[int, SettlementRun], tmp_path: Path
) -> None:
    root = _parameter_copy(tmp_path)
    ratio_file = root / REGION / "inpatient" / "ratio.yaml"
    text = ratio_file.read_text(encoding="utf-8")
    assert "0.78" in text
    ratio_file.write_text(text.replace("0.78", "0.70"), encoding="utf-8")
    before = _stored(wh, 2025)
    changed = settle(wh, 2025, REGION, root=root)
    assert changed.batch_id != runs[2025].batch_id
    assert changed.claims_written == 0
    assert changed.claims_differing > 0
    assert _stored(wh, 2025).equals(before)
    assert changed.totals == runs[2025].totals


def test_a_year_without_encounters_is_a_bilingual_error(wh: Warehouse) -> None:
    with pytest.raises(SettlementError, match=r"没有 2023 年的就诊记录.*no encounters for 2023"):
        settle(wh, 2023, REGION)


def test_progress_reports_every_step_to_completion(wh: Warehouse) -> None:
    seen: dict[str, tuple[int, int | None]] = {}
    settle(wh, 2025, REGION, progress=lambda d, done, total: seen.__setitem__(d, (done, total)))
    assert len(seen) == 4
    assert all(done == total for done, total in seen.values())


# ---------------------------------------------------------------- DIP


def test_first_year_uses_its_own_cases_as_the_dip_base(runs: dict[int, SettlementRun]) -> None:
    assert runs[2024].dip_base_years == (2024,)


def test_second_year_uses_the_previous_year_as_the_dip_base(
    runs: dict[int, SettlementRun],
) -> None:
    assert runs[2025].dip_base_years == (2024,)


def test_monthly_advances_sum_to_each_institutions_presettlement(
    runs: dict[int, SettlementRun],
) -> None:
    run = runs[2025]
    months = run.tables["dip_presettlement"]
    assert run.dip
    for row in run.dip:
        mine = months.filter(pc.equal(months["institution_id"], row.institution_id))
        assert row.presettled_fen == pc.sum(mine["advance_fen"]).as_py()
        assert row.withheld_fen == pc.sum(mine["withheld_fen"]).as_py()


def test_presettlement_plus_year_end_is_the_dip_payment(runs: dict[int, SettlementRun]) -> None:
    for row in runs[2025].dip:
        assert row.presettled_fen + row.year_end_fen == row.fund_due_fen


def test_dip_rows_match_the_institution_settlement_table(runs: dict[int, SettlementRun]) -> None:
    run = runs[2025]
    table = run.tables["dip_settlement"]
    assert [r.institution_id for r in run.dip] == table["institution_id"].to_pylist()
    assert sum(r.fund_due_fen for r in run.dip) == pc.sum(table["fund_due_fen"]).as_py()
    assert sum(r.points for r in run.dip) == pc.sum(table["points"]).as_py()


def test_dip_cases_are_the_in_county_inpatient_stays(runs: dict[int, SettlementRun]) -> None:
    run = runs[2025]
    claims = run.tables["claims"]
    scored = run.tables["dip_scored"]
    stays = claims.filter(pc.and_(pc.equal(claims["care_type"], "inpatient"), claims["in_county"]))
    assert scored.num_rows == stays.num_rows
    grouped = scored.filter(pc.not_equal(scored["case_type"], "ungrouped"))
    assert sum(r.item_fund_fen for r in run.dip) == pc.sum(grouped["fund_fen"]).as_py()
    assert sum(r.cases for r in run.dip) == grouped.num_rows


def test_dip_fund_is_the_dated_input_not_the_item_fund_sum(runs: dict[int, SettlementRun]) -> None:
    """Issue 15 §1: the DIP fund is the bureau's dated input (payment.dip_fund), so the DIP
    balance compares two independent figures."""
    for year in (2024, 2025):
        fund = parameters(REGION, dt.date(year, 1, 1))["payment.dip_fund"]
        assert runs[year].dip_fund_fen == fund
    assert runs[2025].dip_fund_fen != sum(r.item_fund_fen for r in runs[2025].dip)


def test_a_missing_dip_fund_stops_settlement_naming_it_before_writing(
    wh: Warehouse, runs: dict[int, SettlementRun], tmp_path: Path
) -> None:
    root = _parameter_copy(tmp_path)
    (root / REGION / "payment" / "dip_fund.yaml").unlink()
    batches = len(wh.batches())
    with pytest.raises(SettlementError, match=r"payment\.dip_fund.*payment\.dip_fund"):
        settle(wh, 2025, REGION, root=root)
    assert len(wh.batches()) == batches


def test_a_community_without_a_budget_stops_settlement_naming_it(
    wh: Warehouse, runs: dict[int, SettlementRun], tmp_path: Path
) -> None:
    root = _parameter_copy(tmp_path)
    path = root / REGION / "payment" / "community_budgets.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("440101Y1", "OTHER"), "utf-8")
    with pytest.raises(SettlementError, match=r"医共体 440101Y1.*community 440101Y1"):
        settle(wh, 2025, REGION, root=root)


def test_demo_inputs_are_listed_and_printed_as_demo_values(
    runs: dict[int, SettlementRun],
) -> None:
    run = runs[2025]
    assert "payment.dip_fund" in run.demo_parameters
    assert "payment.community_budgets" in run.demo_parameters
    assert "payment.capitation_rate_per_resident" in run.demo_parameters
    with console.capture() as captured:
        print_summary(run)
    assert "示范参数" in captured.get()


def test_dip_balance_is_the_payment_less_the_item_fund(runs: dict[int, SettlementRun]) -> None:
    for row in runs[2025].dip:
        assert row.balance_fen == row.fund_due_fen - row.item_fund_fen


# ---------------------------------------------------------------- capitation and budgets


def test_capitation_total_is_the_sum_of_the_monthly_payments(
    runs: dict[int, SettlementRun],
) -> None:
    run = runs[2025]
    assert run.capitation_fen > 0
    assert run.capitation_fen == pc.sum(run.tables["capitation"]["amount_fen"]).as_py()


def test_budget_is_the_dated_input_of_each_year(runs: dict[int, SettlementRun]) -> None:
    """Issue 15 §1: the budget is the bureau's payment.community_budgets, never derived."""
    for year in (2024, 2025):
        given = parameters(REGION, dt.date(year, 1, 1))["payment.community_budgets"]
        assert runs[year].budgets
        for row in runs[year].budgets:
            assert row.budget_fen == given[row.community_id]


def test_budget_split_to_members_sums_to_the_community_settlement(
    runs: dict[int, SettlementRun],
) -> None:
    for row in runs[2025].budgets:
        assert row.members
        assert sum(m.settlement_fen for m in row.members) == row.settlement_fen
        assert row.settlement_fen == row.retained_fen - row.community_borne_fen


def test_surplus_or_overrun_is_fully_assigned(runs: dict[int, SettlementRun]) -> None:
    for row in runs[2025].budgets:
        surplus, overrun = max(row.balance_fen, 0), max(-row.balance_fen, 0)
        assert row.retained_fen + row.returned_fen == surplus
        assert row.fund_shared_fen + row.community_borne_fen == overrun
        assert row.inside_fen + row.outside_fen == row.spending_fen


# ---------------------------------------------------------------- ratios


def _claims(rows: list[tuple[int, int, int, int, int, int, bool]]) -> pa.Table:
    names = ("cost_total_fen", "eligible_fen", "fund_fen", "critical_fen", "assistance_fen")
    columns = {n: pa.array([r[i] for r in rows], pa.int64()) for i, n in enumerate(names)}
    columns["patient_fen"] = pa.array([r[0] - r[2] - r[3] - r[4] for r in rows], pa.int64())
    columns["in_county"] = pa.array([r[6] for r in rows], pa.bool_())
    return pa.table(columns)


def test_ratios_of_a_hand_computed_pair_of_claims() -> None:
    """Two claims: 100.00 yuan (eligible 80.00; fund 50.00; in county) and 30.00 yuan
    (eligible 30.00; fund 10.00, critical 5.00, assistance 2.00; outside). Paid = 67.00;
    实际报销比 67/130 = 0.515384… → 0.5154 (all third-party payments over total cost);
    政策范围内报销比 = basic fund over eligible cost, 60/110 = 0.545454… → 0.5455 (the
    catalogue's policy_scope_reimbursement_rate, seeds 000/004; ROUND_HALF_UP to 4 places)."""
    totals = claim_totals(
        _claims([(10000, 8000, 5000, 0, 0, 0, True), (3000, 3000, 1000, 500, 200, 0, False)])
    )
    assert totals.total_cost_fen == 13000
    assert totals.eligible_fen == 11000
    assert totals.patient_fen == 6300
    assert totals.insurance_paid_fen == 6700
    assert (totals.fund_in_county_fen, totals.fund_out_of_county_fen) == (5000, 1000)
    assert totals.actual_ratio == Decimal("0.5154")
    assert totals.policy_scope_ratio == Decimal("0.5455")


def test_ratio_rounds_half_up_at_the_fourth_place() -> None:
    """1 ÷ 20000 = 0.00005 exactly: half up gives 0.0001 (banker's rounding would give 0)."""
    assert ratio(1, 20000) == Decimal("0.0001")
    assert ratio(2, 3) == Decimal("0.6667")


def test_ratio_of_nothing_is_undefined() -> None:
    assert ratio(0, 0) is None
    assert claim_totals(_claims([])).actual_ratio is None


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**9),
            st.integers(0, 100),
            st.integers(0, 100),
            st.integers(0, 100),
            st.integers(0, 100),
            st.booleans(),
        ),
        max_size=20,
    )
)
def test_totals_always_reconcile(
    rows: list[tuple[int, int, int, int, int, bool]],
) -> None:
    claims = []
    for cost, eligible_pct, fund_pct, ci_pct, aid_pct, inside in rows:
        eligible = cost * eligible_pct // 100
        fund = eligible * fund_pct // 100
        ci = (eligible - fund) * ci_pct // 100
        aid = (eligible - fund - ci) * aid_pct // 100
        claims.append((cost, eligible, fund, ci, aid, 0, inside))
    t = claim_totals(_claims(claims))
    assert t.insurance_paid_fen + t.patient_fen == t.total_cost_fen
    assert t.fund_in_county_fen + t.fund_out_of_county_fen == t.fund_fen
    if t.eligible_fen:
        assert t.policy_scope_ratio is not None and Decimal(0) <= t.policy_scope_ratio <= 1
    if t.total_cost_fen:
        assert t.actual_ratio is not None and Decimal(0) <= t.actual_ratio <= 1


def test_budgets_given_by_the_bureau_replace_the_derived_ones(
    wh: Warehouse, runs: dict[int, SettlementRun]
) -> None:
    community = runs[2025].budgets[0].community_id
    run = settle(wh, 2024, REGION, budgets={community: 123_456_789})
    (row,) = run.budgets
    assert row.budget_fen == 123_456_789
    assert row.balance_fen == 123_456_789 - row.spending_fen


def test_a_given_dip_fund_sets_the_settlement_point_value(
    wh: Warehouse, runs: dict[int, SettlementRun]
) -> None:
    """结算点值 = (fund ÷ reimbursement ratio) ÷ Σ points (DIP 技术规范, via the catalogue's
    secondary source): doubling the fund doubles the point value, to its rounding."""
    base = runs[2025]
    doubled = settle(wh, 2025, REGION, dip_fund_fen=2 * base.dip_fund_fen)
    assert doubled.dip_fund_fen == 2 * base.dip_fund_fen
    assert base.dip_settlement_point_value is not None
    assert doubled.dip_settlement_point_value is not None
    assert abs(doubled.dip_settlement_point_value - 2 * base.dip_settlement_point_value) <= (
        Decimal("0.0001")
    )


def test_dip_statement_shows_the_level_coefficients_used(
    wh: Warehouse, runs: dict[int, SettlementRun], tmp_path: Path
) -> None:
    """The cited default is 1 at every level; a region that sets 县级 1.2 gets it on its
    county hospitals' rows and in the statement."""
    assert {r.level_coefficient for r in runs[2025].dip} == {Decimal(1)}
    root = _parameter_copy(tmp_path)
    path = root / REGION / "payment" / "dip_level_coefficients.yaml"
    text = path.read_text(encoding="utf-8")
    assert "county: 1," in text
    path.write_text(text.replace("county: 1,", "county: 1.2,"), encoding="utf-8")
    run = settle(wh, 2025, REGION, root=root)
    used = {r.level: r.level_coefficient for r in run.dip}
    assert used["county"] == Decimal("1.2")
    assert all(c == Decimal(1) for level, c in used.items() if level != "county")
    with console.capture() as out:
        print_summary(run)
    assert "等级系数" in out.get() and "县级 1.2" in out.get()


def test_payments_from_the_stored_claims_are_the_runs_figures(
    wh: Warehouse, runs: dict[int, SettlementRun]
) -> None:
    """The public "payments from these claims" (what the what-if calls) gives, over the
    stored claims, the DIP, capitation and budget figures ``settle`` reports."""
    from yigai.policy.payments import Registries, SettlementInputs, payments

    run = runs[2025]
    registries = Registries.of(wh, 2025)
    inputs = SettlementInputs.load(REGION, 2025, registries.members)
    paid = payments(wh, 2025, REGION, run.tables["claims"], inputs, registries)
    assert paid.dip.rows == run.dip and paid.dip.fund_fen == run.dip_fund_fen
    assert paid.capitation_fen == run.capitation_fen
    assert paid.budgets == run.budgets


def test_releasing_the_scores_equals_settling_again_with_them(
    wh: Warehouse, runs: dict[int, SettlementRun]
) -> None:
    """The demo's order after assessment: the release of the withheld shares applied to the
    year as settled equals the year settled again with the scores, figure for figure."""
    pending = settle(wh, 2025, REGION)  # settled before (``runs``): writes nothing
    scores = {c.community_id: Decimal(80 + i) for i, c in enumerate(pending.budgets)}
    released = with_scores(pending, scores)
    assert released == settle(wh, 2025, REGION, scores=scores)
    assert all(c.release is not None and not c.release.pending for c in released.budgets)

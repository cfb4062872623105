"""The spine catalogue on the hand-computable region of conftest.py, on DuckDB.

Every expected number is worked out by hand from the tables in conftest.py's docstring;
definitions from src/yigai/indicators/catalogue/spine.yaml (seeds 000, 002, 003;
/work/shared/domain/README.md §1–2). In 2025Q1, T1 is in M1; e4 and e10 fall in April.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PERIODS, D, encounter, lookup, region
from yigai.indicators import RESULT_SCHEMA, catalogue, compute
from yigai.indicators.source import ArrowSource

Rows = dict[tuple[str, str, str], dict[str, Any]]


def nd(rows: Rows, ind: str, org: str, period: str = "2025Q1") -> tuple[int, int, str | None]:
    r = rows[(ind, org, period)]
    return r["numerator"], r["denominator"], r["value"]


def test_result_has_the_contract_schema(duckdb_result: pa.Table) -> None:
    assert duckdb_result.schema == RESULT_SCHEMA
    assert set(duckdb_result["source"].to_pylist()) == {"computed"}


def test_in_county_visit_rate(rows: Rows) -> None:
    """县域内就诊率, insured residents, 2025Q1 (seed 002 一（二）3).

    K1 homes: e1 V1✓ e2 H1✓ e3 CH✗ e5 T1✓ e6 H1✓ (e7 uninsured r5 excluded) → 4/5 = 80.00.
    K2 homes: e8 H1✗ e9 CH✗ → 0/2 = 0.00.  City C: 4/7 = 57.142… → 57.14.
    V1: e1✓ e2✓ e3✗ → 2/3 = 66.67.  M1 (homes V1, T1): 3/4 = 75.00.
    The visitor x9 (e11) has no home and counts nowhere.
    """
    assert nd(rows, "in_county_visit_rate", "K1") == (4, 5, "80.00")
    assert nd(rows, "in_county_visit_rate", "K2") == (0, 2, "0.00")
    assert nd(rows, "in_county_visit_rate", "C") == (4, 7, "57.14")
    assert nd(rows, "in_county_visit_rate", "V1") == (2, 3, "66.67")
    assert nd(rows, "in_county_visit_rate", "M1") == (3, 4, "75.00")


def test_in_county_inpatient_rate(rows: Rows) -> None:
    """县域内住院率, 2025Q1 discharges of insured residents: e5 T1✓ (r3, K1), e6 H1✓ (r4, K1),
    e9 CH✗ (r6, K2). e4 is discharged 2025-04-02, outside Q1.
    K1 2/2 = 100.00; K2 0/1 = 0.00; C 2/3 = 66.67."""
    assert nd(rows, "in_county_inpatient_rate", "K1") == (2, 2, "100.00")
    assert nd(rows, "in_county_inpatient_rate", "K2") == (0, 1, "0.00")
    assert nd(rows, "in_county_inpatient_rate", "C") == (2, 3, "66.67")


def test_primary_visit_rate(rows: Rows) -> None:
    """基层就诊率, all residents' encounters in 2025Q1 (seed 002 一（二）3).

    K1 homes: e1 V1✓ e2 H1 e3 CH e5 T1✓ e6 H1 e7 T2✓ (uninsured still counts) → 3/6 = 50.00.
    K2: e8 H1, e9 CH → 0/2.  C: 3/8 = 37.50.  T2 homes (r4, r5): e6, e7✓ → 1/2 = 50.00.
    """
    assert nd(rows, "primary_visit_rate", "K1") == (3, 6, "50.00")
    assert nd(rows, "primary_visit_rate", "K2") == (0, 2, "0.00")
    assert nd(rows, "primary_visit_rate", "C") == (3, 8, "37.50")
    assert nd(rows, "primary_visit_rate", "T2") == (1, 2, "50.00")


def test_drug_share_excludes_herbal_pieces(rows: Rows) -> None:
    """药占比 by treating institution, 2025Q1 (seed 000 三、第二、二是).

    H1: drug e2 4000 + e6 50000 + e8 2000 + e11 0 = 56000; total 6000+100000+3000+2000
        = 111000 → 50.4504… → 50.45.
    T1: e5 drug 20000 (herbal 10000 excluded) ÷ 60000 = 33.33.
    V1: e1 1000 ÷ 1500 (herbal 500 in total, not in drugs) = 66.67.
    K1: 1000 + 56000 + 20000 + 800 = 77800 ÷ (1500 + 111000 + 60000 + 1000 = 173500)
        = 44.8414… → 44.84.
    C: 77800 + CH 35000 = 112800 ÷ (173500 + 60000 = 233500) = 48.3083… → 48.31.
    """
    assert nd(rows, "drug_share", "H1") == (56000, 111000, "50.45")
    assert nd(rows, "drug_share", "T1") == (20000, 60000, "33.33")
    assert nd(rows, "drug_share", "V1") == (1000, 1500, "66.67")
    assert nd(rows, "drug_share", "K1") == (77800, 173500, "44.84")
    assert nd(rows, "drug_share", "C") == (112800, 233500, "48.31")


def test_booked_referral_share(rows: Rows) -> None:
    """预约转诊占公立医院门诊就诊量, 2025Q1 (seed 000 三、第二、四是).

    H1 outpatient+emergency: e2 appointment✓, e8 emergency walk-in, e11 walk-in → 1/3 = 33.33
    (the inpatient e6 is not an outpatient visit). CH: e3 referral✓ → 1/1. C: 2/4 = 50.00.
    V1 and T2 are not hospitals: no row.
    """
    assert nd(rows, "booked_referral_share", "H1") == (1, 3, "33.33")
    assert nd(rows, "booked_referral_share", "CH") == (1, 1, "100.00")
    assert nd(rows, "booked_referral_share", "C") == (2, 4, "50.00")
    assert ("booked_referral_share", "V1", "2025Q1") not in rows


def test_general_contract_rate_is_a_stock_at_period_end(rows: Rows) -> None:
    """一般人群签约率 on 2025-03-31 (seed 002 三（八）).

    Residents then: r1–r6, r8, r9 (r7 left 2025-03-20). Valid contracts: c1 r1, c3 r4, and
    c4 r6 (valid from 2025-03-31, inclusive); c2 r3 expired 2024-12-31.
    K1 (r1 r2 r3 r4 r5 r9): 2/6 = 33.33. K2 (r6 r8): 1/2 = 50.00. C: 3/8 = 37.50.
    On 2025-02-28 r7 is still resident and c4 not yet valid: K1 residents r1 r2 r3 r4 r5
    r7 r9 = 7, contracted r1 r4 → 2/7 = 28.57; K2 (r6 r8) 0/2 = 0.00.
    """
    assert nd(rows, "general_contract_rate", "K1") == (2, 6, "33.33")
    assert nd(rows, "general_contract_rate", "K2") == (1, 2, "50.00")
    assert nd(rows, "general_contract_rate", "C") == (3, 8, "37.50")
    assert nd(rows, "general_contract_rate", "K1", "202502") == (2, 7, "28.57")
    assert nd(rows, "general_contract_rate", "K2", "202502") == (0, 2, "0.00")


def test_key_contract_rate_uses_age_at_period_end(rows: Rows) -> None:
    """重点人群签约率 (seed 002 三（八）). Key on 2025-03-31: r1 (74), r2 (hypertension),
    r4 (3), r6 (poverty), r8 (65 that day), r9 (6). K1: r1 r2 r4 r9, contracted r1 r4 → 2/4;
    K2: r6 r8, contracted r6 → 1/2.
    On 2025-02-28 r8 is 64: K2 key = r6 only, no contract yet → 0/1.
    On 2025-04-30 r9 is 7: K1 key = r1 r2 r4 → 2/3 = 66.67.
    """
    assert nd(rows, "key_contract_rate", "K1") == (2, 4, "50.00")
    assert nd(rows, "key_contract_rate", "K2") == (1, 2, "50.00")
    assert nd(rows, "key_contract_rate", "K2", "202502") == (0, 1, "0.00")
    assert nd(rows, "key_contract_rate", "K1", "202504") == (2, 3, "66.67")


def test_outpatient_cost_per_visit_in_yuan(rows: Rows) -> None:
    """门诊次均费用 (seed 003 三、1). H1: (6000 + 3000 + 2000) fen ÷ 3 = 3666.67 fen
    = 36.67 yuan. K1: e1 1500 + e2 6000 + e7 1000 + e8 3000 + e11 2000 = 13500 ÷ 5 = 27.00.
    C: 13500 + e3 10000 = 23500 ÷ 6 = 39.1666… → 39.17."""
    assert nd(rows, "outpatient_cost_per_visit", "H1") == (11000, 3, "36.67")
    assert nd(rows, "outpatient_cost_per_visit", "K1") == (13500, 5, "27.00")
    assert nd(rows, "outpatient_cost_per_visit", "C") == (23500, 6, "39.17")


def test_inpatient_cost_per_stay_in_yuan(rows: Rows) -> None:
    """住院次均费用 (seed 003 三、1). 2025Q1 discharges: e5 T1 60000, e6 H1 100000,
    e9 CH 50000. K1: 160000 ÷ 2 = 800.00; C: 210000 ÷ 3 = 700.00."""
    assert nd(rows, "inpatient_cost_per_stay", "K1") == (160000, 2, "800.00")
    assert nd(rows, "inpatient_cost_per_stay", "C") == (210000, 3, "700.00")


def test_outpatient_cost_growth_against_same_period_last_year(rows: Rows) -> None:
    """同比: 2024Q1 had e12 at H1, 5000 fen (50.00 yuan).
    H1: (11000/3 − 5000) ÷ 5000 × 100 = −26.666… → −26.67. K1: (2700 − 5000) ÷ 5000 = −46.00.
    C: (23500/6 − 5000) ÷ 5000 = −21.666… → −21.67. CH had nothing in 2024Q1 → null."""
    assert rows[("outpatient_cost_per_visit_yoy", "H1", "2025Q1")]["value"] == "-26.67"
    assert rows[("outpatient_cost_per_visit_yoy", "K1", "2025Q1")]["value"] == "-46.00"
    assert rows[("outpatient_cost_per_visit_yoy", "C", "2025Q1")]["value"] == "-21.67"
    assert rows[("outpatient_cost_per_visit_yoy", "CH", "2025Q1")]["value"] is None


def test_inpatient_cost_growth(rows: Rows) -> None:
    """2024Q1: e13 T1 40000. T1: (60000 − 40000) ÷ 40000 = 50.00; K1: (80000 − 40000) ÷
    40000 = 100.00; growth rows carry no numerator/denominator."""
    t1 = rows[("inpatient_cost_per_stay_yoy", "T1", "2025Q1")]
    assert (t1["numerator"], t1["denominator"], t1["value"]) == (None, None, "50.00")
    assert rows[("inpatient_cost_per_stay_yoy", "K1", "2025Q1")]["value"] == "100.00"


def test_last_year_periods_are_computed_but_not_returned(duckdb_result: pa.Table) -> None:
    assert set(duckdb_result["period_id"].to_pylist()) == set(PERIODS)
    assert "2024Q1" not in PERIODS and "2024" not in PERIODS


def test_rollup_sums_numerators_and_denominators_not_ratios(rows: Rows) -> None:
    """K1's drug share is Σ drugs ÷ Σ revenue of its institutions (44.84), not the mean of
    their shares (V1 66.67, H1 50.45, T1 33.33, T2 80.00 → mean 57.61)."""
    parts = [nd(rows, "drug_share", i) for i in ("V1", "H1", "T1", "T2")]
    k1 = nd(rows, "drug_share", "K1")
    assert k1[:2] == (sum(p[0] for p in parts), sum(p[1] for p in parts))
    assert k1[2] == "44.84"


def test_dated_membership_moves_an_institution_between_communities(rows: Rows) -> None:
    """T1 leaves M1 and joins M2 on 2025-04-01: its March discharge e5 (60000) rolls up to
    M1, its April discharge e4 (50000) to M2."""
    assert nd(rows, "inpatient_cost_per_stay", "M1", "202503") == (60000, 1, "600.00")
    assert nd(rows, "inpatient_cost_per_stay", "M2", "202504") == (50000, 1, "500.00")
    assert ("inpatient_cost_per_stay", "M1", "202504") not in rows
    assert ("inpatient_cost_per_stay", "M2", "202503") not in rows


def test_event_records_count_in_every_period_containing_them(rows: Rows) -> None:
    """e5 (2025-03-10) counts in 202503 and 2025Q1; e4 (2025-04-02) only in 202504."""
    assert nd(rows, "inpatient_cost_per_stay", "T1", "202503")[:2] == (60000, 1)
    assert nd(rows, "inpatient_cost_per_stay", "T1", "2025Q1")[:2] == (60000, 1)
    assert nd(rows, "inpatient_cost_per_stay", "T1", "202504")[:2] == (50000, 1)


class _FakeWarehouse:
    """Only what the contract promises: ``files(name, months=None) -> list[Path]``."""

    def __init__(self, inner: ArrowSource) -> None:
        self.inner = inner
        self.calls: list[tuple[str, Any]] = []

    def files(self, name: str, months: Any = None) -> list[Path]:
        self.calls.append((name, None if months is None else list(months)))
        return self.inner.files(name, months)


def test_engine_reads_through_files_and_filters_event_months_only(tmp_path: Path) -> None:
    wh = _FakeWarehouse(ArrowSource(region(), tmp_path))
    cat = catalogue.default().select(["general_contract_rate", "drug_share"])
    out = compute(wh, ["202503"], catalogue=cat)
    calls = dict(wh.calls)
    assert calls["encounters"] == [202503]
    assert calls["contracts"] is None  # stocks: a contract signed long ago may still be valid
    assert lookup(out)[("drug_share", "T1", "202503")]["numerator"] == 20000


def test_progress_callback_reports_each_indicator() -> None:
    seen: list[tuple[str, int, int | None]] = []
    cat = catalogue.default().select(["drug_share", "primary_visit_rate"])
    compute(region(), ["202503"], catalogue=cat, progress=lambda *a: seen.append(a))
    assert [s[1:] for s in seen] == [(0, 2), (1, 2), (2, 2)]


def test_missing_record_sets_give_no_rows_not_errors() -> None:
    tables = {k: v for k, v in region().items() if k != "encounters"}
    cat = catalogue.default().select(["drug_share", "general_contract_rate"])
    out = compute(tables, ["202503"], catalogue=cat)
    assert set(out["indicator_id"].to_pylist()) == {"general_contract_rate"}


def test_unknown_engine_is_rejected_bilingually() -> None:
    with pytest.raises(ValueError, match=r"未知引擎 .* unknown engine 'sqlite'"):
        compute(region(), ["202503"], engine="sqlite")  # type: ignore[arg-type]


_ORGS = ("V1", "T1", "T2", "H1", "P1", "V2", "H2", "CH")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_ORGS),
            st.integers(min_value=1, max_value=28),
            st.integers(min_value=0, max_value=50_000),
            st.integers(min_value=0, max_value=50_000),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_every_level_is_the_sum_of_the_level_below(visits: list[tuple[str, int, int, int]]) -> None:
    """Invariant: for institution-attributed sums, the city's numerator and denominator equal
    the sums over its counties plus the city hospital, and each county's over its
    institutions; the province equals the city."""
    enc = [
        encounter(f"g{n}", "r1", inst, "outpatient", D(2025, 3, day), western=w, other=o)
        for n, (inst, day, w, o) in enumerate(visits)
    ]
    tables = {**region(), "encounters": pa.Table.from_pylist(enc)}
    out = lookup(compute(tables, ["202503"], catalogue=catalogue.default().select(["drug_share"])))

    def pair(org: str) -> tuple[int, int]:
        r = out.get(("drug_share", org, "202503"))
        return (r["numerator"], r["denominator"]) if r else (0, 0)

    def total(orgs: tuple[str, ...]) -> tuple[int, int]:
        return tuple(sum(x) for x in zip(*(pair(o) for o in orgs), strict=True))  # type: ignore[return-value]

    assert pair("K1") == total(("V1", "T1", "T2", "H1", "P1"))
    assert pair("K2") == total(("V2", "H2"))
    assert pair("C") == total(("K1", "K2", "CH"))
    assert pair("P") == pair("C")


DISTINCT = """\
indicators:
  - id: patients_primary_share
    name_zh: 基层就诊患者占比
    name_en: Share of patients seen at primary level
    unit: percent
    direction: higher
    attribution: resident
    numerator: {records: encounters, measure: {count_distinct: person_id},
                where: [{is_primary: true}]}
    denominator: {records: encounters, measure: {count_distinct: person_id}}
    definition_zh: 测试
    definition_en: test
    source: 测试
    working_definition: true
"""


def test_count_distinct_counts_a_person_once_per_org_unit(tmp_path: Path) -> None:
    """2025Q1, homes in K1: patients r1 (e1 V1 primary, e2 H1), r2 (e3), r3 (e5 T1 primary),
    r4 (e6), r5 (e7 T2 primary) → 3 of 5, r1 counted once despite two visits = 60.00."""
    path = tmp_path / "d.yaml"
    path.write_text(DISTINCT, encoding="utf-8")
    out = lookup(compute(region(), ["2025Q1"], catalogue=catalogue.load([path])))
    assert nd(out, "patients_primary_share", "K1") == (3, 5, "60.00")


def test_compute_without_claims_rows_gives_no_insurance_values() -> None:
    """An empty claims record set is allowed: insurance indicators have nothing to report."""
    src = {k: v for k, v in region().items() if k != "claims"}
    out = compute(src, PERIODS)
    got = {r["indicator_id"] for r in out.to_pylist()}
    assert "actual_reimbursement_rate" not in got and "drug_share" in got

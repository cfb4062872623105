"""What-if reforms without a warehouse: checking ``--set`` and reform files, applying a reform
to the year only, and a two-parameter reform on a hand-made claim set, checked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from yigai.policy.adjudication import ClaimInput
from yigai.policy.params import parameters
from yigai.policy.vectorised import adjudicate_table, table_from_claims
from yigai.policy.whatif.figures import Line, Side, lines
from yigai.policy.whatif.reform import ReformError, parse_assignment, reform_from
from yigai.policy.whatif.reform import applied as applied_reform
from yigai.policy.whatif.scenario import parse_shift

REGION = "hebei_wuji"


def test_set_of_a_mapping_key_and_a_scalar_reads_values_as_written() -> None:
    reform = reform_from(
        REGION, 2025, ["inpatient.ratio.township=0.80", "critical_illness.deductible=12000"]
    )
    assert [(c.parameter, c.key, c.raw) for c in reform.changes] == [
        ("inpatient.ratio", "township", Decimal("0.80")),
        ("critical_illness.deductible", None, 12000),
    ]


@pytest.mark.parametrize(
    ("assignment", "zh", "en"),
    [
        ("nosuch.param=1", "没有这个参数", "no such parameter"),
        ("inpatient.ratio.villag=0.5", "没有 villag", "has no key villag"),
        ("annual_cap.village=5", "没有 village", "has no key village"),
        ("inpatient.ratio=0.5", "按类别取值", "is a mapping"),
        ("inpatient.ratio.village=abc", "应为数值", "must be a number"),
        ("inpatient.ratio.village=1.5", "0 到 1", "between 0 and 1"),
        ("annual_cap=12.345", "两位小数", "2 decimals"),
        ("critical_illness.rates=1", "分档参数", "tiered schedule"),
        ("inpatient.ratio.village", "参数路径=值", "path=value"),
    ],
)
def test_a_bad_set_is_a_bilingual_error_naming_the_path(assignment: str, zh: str, en: str) -> None:
    with pytest.raises(ReformError) as info:
        reform_from(REGION, 2025, [assignment])
    assert zh in info.value.zh and en in info.value.en
    assert assignment.split("=")[0] in str(info.value)


def test_a_reform_file_is_read_and_set_wins_over_it(tmp_path: Path) -> None:
    file = tmp_path / "reform.yaml"
    file.write_text(
        "name: 乡镇 80%\nset:\n  inpatient.ratio.township: 0.80\n  annual_cap: 70000\n",
        encoding="utf-8",
    )
    reform = reform_from(REGION, 2025, ["annual_cap=80000"], file)
    assert reform.name == "乡镇 80%"
    assert {c.path: c.raw for c in reform.changes} == {
        "inpatient.ratio.township": Decimal("0.80"),
        "annual_cap": 80000,
    }


def test_a_reform_file_with_an_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    file = tmp_path / "reform.yaml"
    file.write_text("name: x\nsett:\n  annual_cap: 1\n", encoding="utf-8")
    with pytest.raises(ReformError, match="sett"):
        reform_from(REGION, 2025, [], file)


def test_a_reform_changes_every_value_in_force_in_the_year_and_no_other() -> None:
    """hebei_wuji's county ratio is 0.73 from 2024-01-01 and 0.78 from 2024-07-01: a 2024
    reform changes both, and 2023 (nothing in force) and 2025 keep theirs."""
    reform = reform_from(REGION, 2024, ["inpatient.ratio.county=0.70"])
    with applied_reform(reform, REGION, 2024) as root:
        county = {
            day: parameters(REGION, day, root=root)["inpatient.ratio"]["county"]
            for day in (dt.date(2024, 3, 1), dt.date(2024, 8, 1), dt.date(2025, 3, 1))
        }
        township = parameters(REGION, dt.date(2024, 8, 1), root=root)["inpatient.ratio"]
    assert county == {
        dt.date(2024, 3, 1): Decimal("0.70"),
        dt.date(2024, 8, 1): Decimal("0.70"),
        dt.date(2025, 3, 1): Decimal("0.78"),
    }
    assert township["township"] == Decimal("0.90")


def test_parse_assignment_keeps_the_text_of_a_decimal() -> None:
    assert parse_assignment("a.b=0.10") == ("a.b", Decimal("0.10"))


@pytest.mark.parametrize(
    "text", ["inpatient:city->county", "spa:city->county=0.1", "inpatient:city->county=2"]
)
def test_a_bad_shift_is_a_bilingual_error(text: str) -> None:
    with pytest.raises(ReformError, match="--shift"):
        parse_shift(text)


# ---------------------------------------------------------------- hand-made claims

#: Two admissions in 2025 under hebei_wuji (annual cap 60,000 yuan; critical illness from
#: 10,000 yuan of eligible out-of-pocket, 50% up to 90,000 yuan above it).
CLAIMS = [
    # township admission, 2,000 yuan: deductible 100 yuan, ratio 90% → fund 1,710 yuan
    ClaimInput("T1", "pA", dt.date(2025, 3, 1), "inpatient", "township", True, 200_000),
    # county admission, 80,000 yuan: deductible 300 yuan, 78% → 62,166 yuan, held to the
    # 60,000 yuan cap; out-of-pocket 20,000 yuan → critical (20,000 − 10,000) × 50% = 5,000
    ClaimInput("C1", "pB", dt.date(2025, 5, 1), "inpatient", "county", True, 8_000_000),
]
INSTITUTIONS = {"T1": "H-township", "C1": "H-county"}


def _side(claims: pa.Table) -> Side:
    inputs = {c.encounter_id: c for c in CLAIMS}
    ids = claims["encounter_id"].to_pylist()
    claims = (
        claims.append_column("institution_id", pa.array([INSTITUTIONS[e] for e in ids]))
        .append_column("level", pa.array([inputs[e].level for e in ids]))
        .append_column("care_type", pa.array([inputs[e].care_type for e in ids]))
        .append_column("in_county", pa.array([inputs[e].in_county for e in ids]))
    )
    return Side(claims, (), None, 0, ())


def _differences(found: list[Line], section: str, key: str) -> dict[str, object]:
    return {
        line.metric: line.difference
        for line in found
        if (line.section, line.key) == (section, key) and line.metric.endswith("_fen")
    }


def test_two_parameter_reform_on_hand_made_claims_gives_the_hand_computed_differences() -> None:
    """Township ratio 90% → 80% and critical-illness deductible 10,000 → 12,000 yuan:
    T1's fund 1,900 × 80% = 1,520 yuan (−190); C1's critical (20,000 − 12,000) × 50% = 4,000
    yuan (−1,000); what the fund and critical illness no longer pay, the patient pays."""
    table = table_from_claims(CLAIMS)
    baseline = adjudicate_table(table, REGION)
    reform = reform_from(
        REGION, 2025, ["inpatient.ratio.township=0.80", "critical_illness.deductible=12000"]
    )
    with applied_reform(reform, REGION, 2025) as root:
        reformed = adjudicate_table(table, REGION, root=root)
    found = lines(_side(baseline), _side(reformed), {})
    zero = {"assistance_fen": 0, "total_cost_fen": 0}
    assert _differences(found, "level", "township") == {
        "fund_fen": -19_000,
        "patient_fen": 19_000,
        "critical_fen": 0,
        **zero,
    }
    assert _differences(found, "level", "county") == {
        "fund_fen": 0,
        "patient_fen": 100_000,
        "critical_fen": -100_000,
        **zero,
    }
    assert _differences(found, "total", "*") == {
        "fund_fen": -19_000,
        "patient_fen": 119_000,
        "critical_fen": -100_000,
        "capitation_fen": 0,
        **zero,
    }
    by_claim = {r["encounter_id"]: r for r in baseline.to_pylist()}
    assert (by_claim["T1"]["fund_fen"], by_claim["C1"]["fund_fen"]) == (171_000, 6_000_000)
    assert by_claim["C1"]["critical_fen"] == 500_000

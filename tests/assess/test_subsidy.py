"""Subsidies by score, village-clinic subsidy and staff rewards, in fen.

Sources: seed 003 (临汾市某县) "考核合格的，政府补助经费足额发放；不合格的，按照比例核减";
seed 003 (金安区) "按照每1200个农业户籍人口补助8000元", proposed "1200人补助12000元",
"超出核定收支结余部分的50%用于奖励医务人员".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from yigai.assess import ParameterError, SubsidyParams, assess, load_parameter, subsidies
from yigai.assess.subsidy import staff_reward_fen, village_base_fen

from .factories import county_units, item, make_scheme, values

SCHEME = make_scheme([item("s", 100, {"kind": "entered"}, manual=True, unit="points")])
DAY = dt.date(2025, 3, 31)


def _rows(points: dict[str, str], **kw: object) -> dict[str, dict[str, object]]:
    result = assess(
        SCHEME, values([]), [], "2025Q1", county_units(), {(o, "s"): p for o, p in points.items()}
    )
    return {r["org_id"]: r for r in subsidies(result, **kw).to_pylist()}  # type: ignore[arg-type]


def test_parameters_in_force_come_from_dated_yaml() -> None:
    p = SubsidyParams.at(DAY)
    assert (p.village_amount_fen, p.village_per_population, p.surplus_reward_share) == (
        800000,
        1200,
        D("0.5"),
    )
    assert SubsidyParams.at(DAY, proposed=True).village_amount_fen == 1200000


def test_passing_unit_gets_approved_subsidy_in_full() -> None:
    """A scores 60 (合格): factor 1, 1,000,000 fen paid in full."""
    row = _rows({"A": "60"}, approved_fen={"A": 1_000_000})["A"]
    assert (row["factor"], row["paid_fen"]) == ("1", 1_000_000)


def test_failing_unit_paid_in_proportion_to_score() -> None:
    """B scores 55 (不合格): 1,000,000 × 55/100 = 550,000 fen."""
    row = _rows({"B": "55"}, approved_fen={"B": 1_000_000})["B"]
    assert (row["paid_fen"], row["passing"]) == (550_000, False)
    assert "按得分比例核减" in str(row["why_zh"])


def test_proportional_payment_rounds_half_up_to_the_fen() -> None:
    """E scores 33.33: 15 × 0.3333 = 4.9995 → 5 fen; 12,345 × 0.3333 = 4,114.5885 → 4,115."""
    rows = _rows({"E": "33.33", "B": "33.33"}, approved_fen={"E": 15, "B": 12_345})
    assert (rows["E"]["paid_fen"], rows["B"]["paid_fen"]) == (5, 4_115)


def test_village_clinic_subsidy_by_agricultural_population() -> None:
    """D: 1,500 agricultural residents × 800,000 fen ÷ 1,200 = 1,000,000 fen; scores 80
    (合格) → paid 1,000,000; townships get none."""
    rows = _rows({"D": "80", "A": "80"})
    assert (rows["D"]["village_base_fen"], rows["D"]["village_paid_fen"]) == (1_000_000, 1_000_000)
    assert rows["A"]["village_base_fen"] is None


def test_village_clinic_subsidy_times_assessment_factor_when_failing() -> None:
    """D scores 45 (不合格): 1,000,000 × 0.45 = 450,000 fen."""
    assert _rows({"D": "45"})["D"]["village_paid_fen"] == 450_000


def test_proposed_village_rate() -> None:
    """1,500 × 1,200,000 ÷ 1,200 = 1,500,000 fen at the proposed 12,000 yuan per 1,200."""
    assert village_base_fen(1500, SubsidyParams.at(DAY, proposed=True)) == 1_500_000


def test_village_subsidy_rounds_half_up() -> None:
    """1,201 × 800,000 ÷ 1,200 = 800,666.67 → 800,667 fen; 3 × 800,000 ÷ 1,200 = 2,000."""
    p = SubsidyParams.at(DAY)
    assert (village_base_fen(1201, p), village_base_fen(3, p)) == (800_667, 2_000)


def test_staff_reward_is_half_the_surplus_rounded_half_up() -> None:
    """12,345 fen × 0.5 = 6,172.5 → 6,173; a deficit rewards nothing."""
    p = SubsidyParams.at(DAY)
    assert (staff_reward_fen(12_345, p), staff_reward_fen(-500, p)) == (6_173, 0)
    assert _rows({"A": "90"}, surplus_fen={"A": 12_345})["A"]["staff_reward_fen"] == 6_173


def test_money_must_be_integer_fen() -> None:
    with pytest.raises(TypeError, match="integer fen"):
        _rows({"A": "90"}, approved_fen={"A": 10.5})


def test_parameter_before_first_date_is_an_error() -> None:
    with pytest.raises(ParameterError, match="no value on 2000-01-01"):
        SubsidyParams.at(dt.date(2000, 1, 1))


#: a parameter file's fixed head; each test writes its ``values``
HEAD = "description: d\nmetadata: {reference: r, unit: fen}\n"


def _param(tmp_path: Path, values: str) -> Path:
    (tmp_path / "p.yaml").write_text(HEAD + values, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        pytest.param(
            "values: {2024-01-01: {value: 1, reference: r, note: x}}\n",
            r"p\.yaml key values\.2024-01-01\.note",
            id="unknown_key_names_file_and_key",
        ),
        pytest.param(
            "values: {2024/01/01: {value: 1, reference: r}}\n",
            r"key values: .*'2024/01/01' is not an ISO date",
            id="value_key_must_be_a_date",
        ),
        pytest.param(
            "values: {2024-13-01: {value: 1, reference: r}}\n",
            r"p\.yaml is not valid YAML: month must be in 1\.\.12",
            id="impossible_date_names_file",
        ),
        pytest.param(
            "values: {2024-01-01: {value: 1.5, reference: r}}\n",
            "money must be whole fen",
            id="money_must_be_whole_fen",
        ),
    ],
)
def test_a_bad_parameter_file_is_refused_naming_the_reason(
    tmp_path: Path, values: str, reason: str
) -> None:
    with pytest.raises(ParameterError, match=reason):
        load_parameter("p", _param(tmp_path, values))


def test_later_dated_value_takes_over(tmp_path: Path) -> None:
    root = _param(
        tmp_path,
        "values:\n"
        "  2024-01-01: {value: 800000, reference: a}\n"
        "  2026-01-01: {value: 1200000, reference: b}\n",
    )
    p = load_parameter("p", root)
    assert (p.at(dt.date(2025, 12, 31)), p.at(dt.date(2026, 1, 1))) == (800000, 1200000)

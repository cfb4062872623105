"""Dated parameters: strict loading, exact units and the values in force on a date."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yigai import params as shared
from yigai.params import NotInForce, ParameterError
from yigai.policy import params as policy
from yigai.policy.params import (
    DEFAULT_ROOT,
    Bracket,
    Scale,
    load,
    load_file,
    parameters,
    regions,
)

HERE = Path(__file__).parent
INVALID = HERE / "params_invalid"
FIXTURE = HERE / "params_fixture"

# one broken file per rule → the key the error must name and a word of each language; YAML that
# cannot be read (a syntax error, a repeated key) is the whole file's fault, key "(file)", as in
# every package read by yigai.params, with the repeated key named in the message
BROKEN = {
    "unknown_top_key": ("value", "不允许的键", "unknown key"),
    "unknown_metadata_key": ("metadata.source", "不允许的键", "unknown key"),
    "duplicate_date": ("(file)", "重复的键 2024-01-01", "duplicate key 2024-01-01"),
    "duplicate_level": ("(file)", "重复的键 county", "duplicate key county"),
    "bad_date_format": ("values.2024/01/01", "日期应为", "date must be"),
    "impossible_date": ("values.2024-02-30", "日期不存在", "no such date"),
    "missing_reference": ("values.2024-01-01.reference", "缺少必填键", "required key is missing"),
    "money_three_decimals": ("values.2024-01-01.value", "两位小数", "at most 2 decimals"),
    "negative": ("values.2024-01-01.value", "不能为负数", "must not be negative"),
    "ratio_above_one": ("values.2024-01-01.value", "0 到 1", "between 0 and 1"),
    "bool_not_bool": ("values.2024-01-01.value", "true 或 false", "true or false"),
    "unknown_unit": ("metadata.unit", "未知单位", "unknown unit"),
    "values_and_brackets": ("values", "values 或 brackets", "exactly one of values or brackets"),
    "brackets_without_threshold_unit": ("metadata.threshold_unit", "缺少必填键", "required key"),
    "yaml_syntax": ("(file)", "YAML 语法错误", "YAML syntax error"),
    "empty_values": ("values", "至少需要一个日期", "at least one dated value"),
    "text_value": ("values.2024-01-01.value", "应为数值", "must be a number"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_file_is_rejected_naming_file_and_key_in_both_languages(case: str) -> None:
    key, zh, en = BROKEN[case]
    path = INVALID / f"{case}.yaml"
    with pytest.raises(ParameterError) as info:
        load_file(path, case)
    err = info.value
    assert err.file == path
    assert err.key == key
    assert zh in err.zh and en in err.en
    message = str(err)
    assert str(path) in message and key in message
    assert message.index(zh) < message.index(en)  # Chinese first


def test_every_invalid_fixture_has_an_expected_error() -> None:
    assert {p.stem for p in INVALID.glob("*.yaml")} == {*BROKEN, "brackets_not_increasing"}


def test_brackets_whose_thresholds_do_not_increase_fail_when_read_on_a_date() -> None:
    scale = load_file(INVALID / "brackets_not_increasing.yaml", "x")
    assert isinstance(scale, Scale)
    with pytest.raises(ParameterError, match="strictly increasing"):
        scale.at(dt.date(2024, 6, 1))


def test_shipped_regions_load() -> None:
    assert {"hubei_xiaogan", "hebei_wuji"} <= set(regions())
    for region in ("hubei_xiaogan", "hebei_wuji"):
        tree = load(region)
        assert "inpatient.ratio" in tree and tree.description


def test_yuan_become_integer_fen_and_ratios_decimal() -> None:
    """孝感医保发〔2023〕18号: 县级（二级）起付线 400 元, 支付比例 75%."""
    p = parameters("hubei_xiaogan", dt.date(2024, 3, 1))
    assert p["inpatient.deductible"]["county"] == 40_000
    assert type(p["inpatient.deductible"]["county"]) is int
    assert p["inpatient.ratio"]["county"] == Decimal("0.75")
    assert isinstance(p["inpatient.ratio"]["county"], Decimal)
    assert p["drugs.primary_zero_markup"] is True


def test_value_in_force_follows_its_start_date() -> None:
    """Seed 003: the revised 2024 scheme took effect on 1 July (县级 78%)."""
    before = parameters("hebei_wuji", dt.date(2024, 6, 30))
    after = parameters("hebei_wuji", dt.date(2024, 7, 1))
    assert before["inpatient.ratio"]["county"] == Decimal("0.73")
    assert after["inpatient.ratio"]["county"] == Decimal("0.78")
    assert after.reference("inpatient.ratio").startswith("种子文件 003")


def test_nothing_is_in_force_before_the_first_date() -> None:
    p = parameters("hubei_xiaogan", dt.date(2023, 12, 31))
    assert p.get("inpatient.ratio") is None
    with pytest.raises(ParameterError, match="no value in force on 2023-12-31"):
        p["inpatient.ratio"]


def test_year_to_year_change_takes_effect_on_its_date() -> None:
    """Fixture: 县级起付线 50 元 in 2024, 40 元 from 2025-01-01."""
    assert (
        parameters("demo", dt.date(2024, 12, 31), root=FIXTURE)["inpatient.deductible"]["county"]
        == 5_000
    )
    assert (
        parameters("demo", dt.date(2025, 1, 1), root=FIXTURE)["inpatient.deductible"]["county"]
        == 4_000
    )
    assert dt.date(2025, 1, 1) in load("demo", root=FIXTURE).change_dates("inpatient.deductible")


def test_brackets_in_force_are_typed() -> None:
    """孝感 大病保险: 60% from 1.2万, 65% from 3万, 75% from 10万 (thresholds above the 1.2万 deductible)."""
    rates = parameters("hubei_xiaogan", dt.date(2024, 5, 1))["critical_illness.rates"]
    assert rates == (
        Bracket(0, Decimal("0.60")),
        Bracket(1_800_000, Decimal("0.65")),
        Bracket(8_800_000, Decimal("0.75")),
    )


def test_unknown_region_error_lists_known_regions() -> None:
    with pytest.raises(ParameterError, match="hubei_xiaogan"):
        load("atlantis")


def test_unknown_parameter_name_is_named() -> None:
    with pytest.raises(ParameterError, match="no such parameter"):
        load("hubei_xiaogan")["inpatient.nothing"]


def test_null_value_ends_a_parameter(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "flag.yaml").write_text(
        "description: d\nmetadata: {reference: r, unit: bool}\nvalues:\n"
        "  2024-01-01: {value: true, reference: r}\n  2025-01-01: {value: null, reference: r}\n",
        encoding="utf-8",
    )
    assert parameters("r", dt.date(2024, 5, 1), root=tmp_path)["flag"] is True
    assert parameters("r", dt.date(2025, 5, 1), root=tmp_path).get("flag") is None


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_yuan_with_two_decimals_convert_to_fen_exactly(yuan: int, cents: int) -> None:
    text = (
        "description: d\nmetadata: {reference: r, unit: yuan}\nvalues:\n"
        f"  2024-01-01: {{value: {yuan}.{cents:02d}, reference: r}}\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "amount.yaml"
        path.write_text(text, encoding="utf-8")
        param = load_file(path, "amount")
    assert param.at(dt.date(2024, 1, 1)) == yuan * 100 + cents


def _one_value(tmp_path: Path, unit: str, value: str) -> Path:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "coef.yaml").write_text(
        f"description: d\nmetadata: {{reference: r, unit: {unit}}}\nvalues:\n"
        f"  2024-01-01: {{value: {value}, reference: r}}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_factor_above_one_loads_exactly(tmp_path: Path) -> None:
    """DIP level coefficients such as 1.05 (三级医院) exceed 1: a factor has no upper bound."""
    root = _one_value(tmp_path, "factor", "1.05")
    assert parameters("r", dt.date(2024, 5, 1), root=root)["coef"] == Decimal("1.05")


def test_negative_factor_is_rejected_naming_the_key(tmp_path: Path) -> None:
    root = _one_value(tmp_path, "factor", "-0.5")
    with pytest.raises(ParameterError, match=r"values\.2024-01-01\.value"):
        parameters("r", dt.date(2024, 5, 1), root=root)


def test_policy_parameters_are_read_by_the_one_shared_loader() -> None:
    """docs/ARCHITECTURE.md "One loader for dated parameters": no second set of classes."""
    assert policy.ParameterError is shared.ParameterError
    assert policy.Parameter is shared.Parameter
    ratio = load("hubei_xiaogan")["inpatient.ratio"]
    assert isinstance(ratio, shared.Parameter)
    assert all(isinstance(v, shared.DatedValue) for v in ratio.values)


def test_a_parameter_ended_by_null_is_not_in_force_naming_the_date(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "flag.yaml").write_text(
        "description: d\nmetadata: {reference: r, unit: bool}\nvalues:\n"
        "  2024-01-01: {value: true, reference: r}\n  2025-01-01: {value: null, reference: r}\n",
        encoding="utf-8",
    )
    flag = load("r", root=tmp_path)["flag"]
    assert flag.at(dt.date(2024, 12, 31)) is True
    with pytest.raises(NotInForce, match="ended on 2025-01-01") as err:
        flag.at(dt.date(2025, 3, 1))
    assert err.value.key == "values.2025-01-01"


def test_a_note_beside_a_dated_value_is_allowed_but_must_be_text(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    text = (
        "description: d\nmetadata: {reference: r, unit: ratio, note: 工作假设}\nvalues:\n"
        "  2024-01-01: {value: 0.5, reference: r, note: NOTE}\n"
    )
    (folder / "share.yaml").write_text(text.replace("NOTE", "待核对"), encoding="utf-8")
    share = load("r", root=tmp_path)["share"]
    assert share.at(dt.date(2024, 1, 1)) == Decimal("0.5") and share.note == "工作假设"
    (folder / "blank.yaml").write_text(text.replace("NOTE", "' '"), encoding="utf-8")
    with pytest.raises(ParameterError, match="must be non-empty text") as err:
        load_file(folder / "blank.yaml", "blank")
    assert err.value.key == "values.2024-01-01.note"


def test_a_region_extending_another_inherits_what_it_does_not_set(tmp_path: Path) -> None:
    base = tmp_path / "base"
    shutil.copytree(DEFAULT_ROOT / "hebei_wuji", base)
    child = tmp_path / "child"
    (child / "inpatient").mkdir(parents=True)
    (child / "index.yaml").write_text(
        "description: 子方案 / child\nmetadata:\n  extends: base\n", encoding="utf-8"
    )
    ratio = (base / "inpatient" / "ratio.yaml").read_text(encoding="utf-8")
    (child / "inpatient" / "ratio.yaml").write_text(
        ratio.replace("county: 0.78", "county: 0.85"), encoding="utf-8"
    )
    on = dt.date(2025, 1, 1)
    values = parameters("child", on, root=tmp_path)
    assert values["inpatient.ratio"]["county"] == Decimal("0.85")
    assert (
        values["inpatient.deductible"]
        == parameters("base", on, root=tmp_path)["inpatient.deductible"]
    )


def test_regions_extending_each_other_in_a_cycle_are_refused(tmp_path: Path) -> None:
    for name, other in (("a", "b"), ("b", "a")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.yaml").write_text(
            f"description: {name}\nmetadata:\n  extends: {other}\n", encoding="utf-8"
        )
    with pytest.raises(ParameterError, match=r"a → b → a"):
        parameters("a", dt.date(2025, 1, 1), root=tmp_path)

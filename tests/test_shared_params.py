"""The shared dated-parameter loader (yigai.params): OpenFisca-style files, read strictly.

Pattern: openfisca-core parameters (a value is in force from its ISO date until the next one),
tests/core/parameter_validation (one broken file per rule, each error naming file and key).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from yigai import params

GOOD = """\
description: 测试参数 / test parameter
metadata: {reference: 文件, unit: ratio}
values:
  2020-01-01: {value: 0.1, reference: first}
  2024-07-01: {value: 0.2, reference: second}
"""


def _write(tmp_path: Path, text: str, name: str = "p") -> Path:
    path = params.path_of(name, tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_value_in_force_follows_its_start_date(tmp_path: Path) -> None:
    """Hand-read from GOOD: 0.1 until 2024-06-30, 0.2 from 2024-07-01."""
    p = params.load_file(_write(tmp_path, GOOD))
    assert p.at(dt.date(2024, 6, 30)) == Decimal("0.1")
    assert p.at(dt.date(2024, 7, 1)) == Decimal("0.2")


def test_nothing_in_force_before_the_first_date(tmp_path: Path) -> None:
    p = params.load_file(_write(tmp_path, GOOD))
    with pytest.raises(params.NotInForce, match=r"尚未生效.*no value on 2019-12-31"):
        p.at(dt.date(2019, 12, 31))


def test_duplicate_key_rejected_naming_file_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("2024-07-01", "2020-01-01"))
    with pytest.raises(params.ParameterError, match=r"重复的键 2020-01-01.*duplicate key") as err:
        params.load_file(path)
    assert err.value.file == path and str(path) in str(err.value)


def test_float_looking_text_is_read_exactly_as_decimal(tmp_path: Path) -> None:
    """0.1 + 0.2 is 0.30000000000000004 in binary float; read as written it is exactly 0.3."""
    p = params.load_file(_write(tmp_path, GOOD))
    first, second = (v.value for v in p.values)
    assert isinstance(first, Decimal) and first + second == Decimal("0.3")


def test_unknown_top_level_key_rejected(tmp_path: Path) -> None:
    with pytest.raises(
        params.KeyProblem, match=r"不允许的键 extra.*key extra is not allowed"
    ) as err:
        params.load_file(_write(tmp_path, GOOD + "extra: 1\n"))
    assert err.value.key == "extra" and not err.value.missing


def test_missing_value_reference_names_the_dotted_key(tmp_path: Path) -> None:
    text = GOOD.replace("{value: 0.2, reference: second}", "{value: 0.2}")
    with pytest.raises(params.KeyProblem) as err:
        params.load_file(_write(tmp_path, text))
    assert err.value.key == "values.2024-07-01.reference" and err.value.missing


def test_impossible_date_names_its_key(tmp_path: Path) -> None:
    with pytest.raises(params.BadDate, match=r"month must be in 1\.\.12") as err:
        params.load_file(_write(tmp_path, GOOD.replace("2024-07-01", "2024-13-01")))
    assert err.value.key == "values.2024-13-01"


def test_text_that_is_not_a_number_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(params.ParameterError, match="must be a number") as err:
        params.load_file(_write(tmp_path, GOOD.replace("0.2", "lots")))
    assert err.value.key == "values.2024-07-01.value"


def test_infinite_value_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(params.ParameterError, match="finite") as err:
        params.load_file(_write(tmp_path, GOOD.replace("0.2", ".inf")))
    assert err.value.key == "values.2024-07-01.value"


def test_null_value_is_rejected_not_an_end_of_the_parameter(tmp_path: Path) -> None:
    """None of the packages using this loader ends a parameter with null (policy does, alone)."""
    with pytest.raises(params.ParameterError, match="must be a number"):
        params.load_file(_write(tmp_path, GOOD.replace("0.2", "null")))


def test_dotted_name_is_the_sub_folder_path(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, "village_clinic_subsidy/amount")
    p = params.load("village_clinic_subsidy.amount", tmp_path)
    assert p.name == "village_clinic_subsidy.amount"
    assert p.file == tmp_path / "village_clinic_subsidy" / "amount.yaml"


def test_missing_parameter_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(params.ParameterError, match=r"参数文件不存在.*parameter file not found"):
        params.load("a.b", tmp_path)


def test_index_file_is_not_a_parameter(tmp_path: Path) -> None:
    _write(tmp_path, "description: 目录说明\n", "index")
    with pytest.raises(params.ParameterError, match="parameter file not found"):
        params.load("index", tmp_path)


def test_unit_outside_the_allow_list_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(params.ParameterError, match="unknown unit ratio") as err:
        params.load_file(_write(tmp_path, GOOD), units=("fen",))
    assert err.value.key == "metadata.unit"


def test_package_check_rejects_a_value_naming_its_key(tmp_path: Path) -> None:
    def below_015(value: Decimal, unit: str) -> tuple[str, str] | None:
        return None if value < Decimal("0.15") else ("太大", "too large")

    with pytest.raises(params.ParameterError, match="too large") as err:
        params.load_file(_write(tmp_path, GOOD), check=below_015)
    assert err.value.key == "values.2024-07-01.value"


def test_quoted_decimal_text_is_read_as_decimal(tmp_path: Path) -> None:
    p = params.load_file(_write(tmp_path, GOOD.replace("0.2", '"0.2"')))
    assert p.at(dt.date(2025, 1, 1)) == Decimal("0.2")


def test_values_are_sorted_by_start_whatever_the_file_order(tmp_path: Path) -> None:
    text = (
        GOOD.replace("  2020-01-01: {value: 0.1, reference: first}\n", "")
        + "  2020-01-01: {value: 0.1, reference: first}\n"
    )
    p = params.load_file(_write(tmp_path, text))
    assert [v.start for v in p.values] == [dt.date(2020, 1, 1), dt.date(2024, 7, 1)]


_DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


@given(starts=st.lists(_DAYS, min_size=1, max_size=6, unique=True), data=st.data())
def test_value_in_force_is_that_of_the_latest_start_on_or_before_the_day(
    starts: list[dt.date], data: st.DataObject
) -> None:
    """Invariant: at(day) is the value of max(start ≤ day); before every start, NotInForce."""
    # change days themselves are drawn often: that is where an off-by-one would hide
    day = data.draw(st.one_of(st.sampled_from(starts), _DAYS))
    values = tuple(
        params.DatedValue(s, Decimal(i), f"ref {i}") for i, s in enumerate(sorted(starts))
    )
    p = params.Parameter("p", "d", "ratio", "r", values)
    started = [v for v in values if v.start <= day]
    if started:
        assert p.at(day) == max(started, key=lambda v: v.start).value
    else:
        with pytest.raises(params.NotInForce):
            p.at(day)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=-(10**9), max_value=10**9
    )
)
def test_any_written_decimal_reads_back_exactly(number: Decimal) -> None:
    assert yaml.load(f"v: {number}", Loader=params.StrictLoader)["v"] == number


# ---------------------------------------------------------------- the three shared YAML loaders

_LOADERS = (params.UniqueKeyLoader, params.DecimalLoader, params.StrictLoader)


@pytest.mark.parametrize("loader", _LOADERS)
def test_every_shared_loader_rejects_a_repeated_key_naming_key_and_line(
    loader: type[yaml.SafeLoader],
) -> None:
    with pytest.raises(params.DuplicateKey) as err:
        yaml.load("a: 1\nb: 2\na: 3\n", Loader=loader)
    assert (err.value.key, err.value.line) == ("a", 3)


def test_duplicate_key_message_is_chinese_first() -> None:
    with pytest.raises(params.DuplicateKey, match=r"^重复的键 'a' / duplicate key 'a'"):
        yaml.load("a: 1\na: 2\n", Loader=params.UniqueKeyLoader)


def test_duplicate_key_is_a_yaml_error_for_callers_that_catch_those() -> None:
    with pytest.raises(yaml.YAMLError):
        yaml.load("a: 1\na: 2\n", Loader=params.UniqueKeyLoader)


def test_repeated_key_inside_a_list_of_mappings_is_found() -> None:
    with pytest.raises(params.DuplicateKey) as err:
        yaml.load("items:\n  - {id: 1}\n  - {id: 2, id: 3}\n", Loader=params.UniqueKeyLoader)
    assert (err.value.key, err.value.line) == ("id", 3)


def test_keys_written_differently_but_equal_are_duplicates() -> None:
    """0x10 is the integer 16: plain YAML would silently keep the second value."""
    with pytest.raises(params.DuplicateKey):
        yaml.load("16: a\n0x10: b\n", Loader=params.UniqueKeyLoader)


def test_unhashable_key_is_a_yaml_error_not_a_type_error() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match="unhashable key"):
        yaml.load("? [1, 2]\n: x\n", Loader=params.UniqueKeyLoader)


def test_unique_key_loader_keeps_yaml_dates_and_floats() -> None:
    doc = yaml.load("day: 2024-07-01\nshare: 0.25\n", Loader=params.UniqueKeyLoader)
    assert doc == {"day": dt.date(2024, 7, 1), "share": 0.25}
    assert isinstance(doc["share"], float)


def test_decimal_loader_reads_decimals_exactly_and_keeps_yaml_dates() -> None:
    doc = yaml.load("day: 2024-07-01\nshare: 0.1\ncount: 3\n", Loader=params.DecimalLoader)
    assert doc == {"day": dt.date(2024, 7, 1), "share": Decimal("0.1"), "count": 3}
    assert isinstance(doc["share"], Decimal) and isinstance(doc["count"], int)


def test_decimal_loader_impossible_date_is_a_value_error() -> None:
    """Documented: PyYAML raises a bare ValueError; callers catch it beside YAMLError."""
    with pytest.raises(ValueError, match=r"month must be in 1\.\.12"):
        yaml.load("day: 2024-13-01\n", Loader=params.DecimalLoader)


def test_strict_loader_leaves_dates_as_text() -> None:
    assert yaml.load("day: 2024-13-01\n", Loader=params.StrictLoader) == {"day": "2024-13-01"}


def test_strict_loader_is_still_a_decimal_and_unique_key_loader() -> None:
    """Backward compatible: packages subclassing StrictLoader keep both behaviours."""
    assert issubclass(params.StrictLoader, params.DecimalLoader)
    assert issubclass(params.DecimalLoader, params.UniqueKeyLoader)


def test_read_yaml_accepts_another_shared_loader(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("day: 2024-07-01\n", encoding="utf-8")
    assert params.read_yaml(path, params.DecimalLoader) == {"day": dt.date(2024, 7, 1)}


_PLAIN = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.dates()
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)


@given(_PLAIN)
def test_unique_key_loader_reads_a_file_without_repeats_as_safe_load_does(doc: object) -> None:
    """Invariant: the only change from yaml.safe_load is the rejection of repeated keys."""
    text = yaml.safe_dump(doc, allow_unicode=True)
    assert yaml.load(text, Loader=params.UniqueKeyLoader) == yaml.safe_load(text)

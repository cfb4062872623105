"""The calibration file loads strictly: every figure has a source, distributions sum to 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from yigai.synth import calibration


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "calibration.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _valid_text() -> str:
    return calibration.DEFAULT_PATH.read_text(encoding="utf-8")


def test_packaged_file_loads_and_every_leaf_has_a_reference() -> None:
    cal = calibration.load()
    assert len(cal) > 50
    for key in cal:
        assert cal.parameter(key).reference.strip(), key


def test_seed_003_jinan_figures_are_the_reference_county() -> None:
    """Seed 003 第四篇 金安区: 86万人, 17 乡镇卫生院, 269 村卫生室, 6 社区中心, 27 社区站."""
    cal = calibration.load()
    assert cal["institutions.reference_residents"] == 860000
    assert cal["institutions.township_centre"]["per_reference"] == 17
    assert cal["institutions.village_clinic"]["per_reference"] == 269
    assert cal["institutions.community_centre"]["per_reference"] == 6
    assert cal["institutions.community_station"]["per_reference"] == 27


def test_missing_parameter_error_names_file_and_key() -> None:
    cal = calibration.load()
    with pytest.raises(calibration.CalibrationError) as err:
        cal["care.no_such_thing"]
    assert "care.no_such_thing" in str(err.value)
    assert "缺少校准参数" in str(err.value)
    assert str(calibration.DEFAULT_PATH) in str(err.value)


def test_distribution_not_summing_to_one_is_rejected(tmp_path: Path) -> None:
    text = _valid_text().replace(
        "{resident: 0.74, employee: 0.23, none: 0.03}",
        "{resident: 0.74, employee: 0.23, none: 0.13}",
    )
    path = _write(tmp_path, text)
    with pytest.raises(calibration.CalibrationError) as err:
        calibration.load(path)
    assert err.value.key == "people.scheme"
    assert "比例之和应为1" in err.value.zh
    assert str(path) in str(err.value)


def test_leaf_without_reference_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "care:\n  los_sigma:\n    value: 0.4\n    unit: log sd\n")
    with pytest.raises(calibration.CalibrationError) as err:
        calibration.load(path)
    assert err.value.key == "care.los_sigma"
    assert "reference" in err.value.en


def test_unknown_leaf_key_is_rejected(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "care:\n  los_sigma:\n    value: 0.4\n    unit: x\n    reference: y\n    vaule: 1\n",
    )
    with pytest.raises(calibration.CalibrationError) as err:
        calibration.load(path)
    assert "vaule" in err.value.en


def test_duplicate_key_is_rejected(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "care:\n  a: {value: 1, unit: x, reference: y}\n  a: {value: 2, unit: x, reference: y}\n",
    )
    with pytest.raises(calibration.CalibrationError) as err:
        calibration.load(path)
    assert "duplicate key" in err.value.en


def test_missing_distribution_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "care:\n  a: {value: 1, unit: x, reference: y}\n")
    with pytest.raises(calibration.CalibrationError) as err:
        calibration.load(path)
    assert err.value.key in calibration.DISTRIBUTIONS

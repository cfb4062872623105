"""Scheme loader: shipped schemes load; each broken file fails naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from yigai.assess.model import SCHEME_DIR, SchemeError, available_schemes, load_scheme


def _broken(
    tmp_path: Path, change: dict[str, object] | None = None, text: str | None = None
) -> Path:
    data = yaml.safe_load((SCHEME_DIR / "primary_institution.yaml").read_text(encoding="utf-8"))
    data.update(change or {})
    path = tmp_path / "broken.yaml"
    path.write_text(text if text is not None else yaml.safe_dump(data, allow_unicode=True))
    return path


def test_shipped_schemes_load_with_weights_summing_to_full_marks() -> None:
    assert available_schemes() == ["community_2020", "primary_institution"]
    for sid in available_schemes():
        s = load_scheme(sid)
        assert sum(i.weight for i in s.items) == s.full_marks == 100


def test_shipped_schemes_use_only_catalogue_indicator_ids() -> None:
    """A scheme item pointing at an id the catalogue lacks scores nothing (health_record_rate
    vs electronic_health_record_rate was such a case): every id must be in the catalogue."""
    from yigai.indicators import catalogue

    known = {i.id for i in catalogue.default()}
    for sid in available_schemes():
        used = {i.indicator for i in load_scheme(sid).items if i.indicator}
        assert used <= known, (sid, used - known)


def test_community_scheme_covers_every_seed_002_item() -> None:
    """Seed 002 四（三）: 县域住院率和就诊率, 基层诊疗量占比, 双向转诊数量和比例, 慢性病患者健康改善,
    医保基金县域内支出率, 医保基金县域内基层医疗卫生机构支出率, 基本公共卫生服务任务落实
    (双向转诊 by its rate: a count grows with the community's size, see the scheme's note)."""
    used = {i.indicator for i in load_scheme("community_2020").items}
    for needed in (
        "in_county_visit_rate",
        "in_county_inpatient_rate",
        "primary_visit_rate",
        "down_referral_rate",
        "hypertension_control_rate",
        "fund_in_county_rate",
        "fund_primary_share",
        "phs_hypertension_standard_management_rate",
        "electronic_health_record_rate",
    ):
        assert needed in used


def test_unknown_scheme_id_lists_available() -> None:
    with pytest.raises(SchemeError, match=r"没有考核方案.*community_2020"):
        load_scheme("nope")


def test_unknown_key_is_named_with_file(tmp_path: Path) -> None:
    path = _broken(tmp_path, {"colour": "red"})
    with pytest.raises(SchemeError) as exc:
        load_scheme(path)
    assert str(path) in str(exc.value) and "键 colour" in str(exc.value)


def test_duplicate_key_is_rejected(tmp_path: Path) -> None:
    text = (SCHEME_DIR / "primary_institution.yaml").read_text(encoding="utf-8")
    path = _broken(tmp_path, text=text + "\ngrain: year\n")
    with pytest.raises(SchemeError, match="duplicate key 'grain'"):
        load_scheme(path)


def test_weights_not_summing_to_full_marks_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="weights sum to 100, not full_marks 90"):
        load_scheme(_broken(tmp_path, {"full_marks": 90}))


def test_bad_weight_names_item_key(tmp_path: Path) -> None:
    data = yaml.safe_load((SCHEME_DIR / "primary_institution.yaml").read_text(encoding="utf-8"))
    data["items"][2]["weight"] = "ten"
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(SchemeError, match=r"键 items\.2\.weight"):
        load_scheme(path)


def test_item_needs_indicator_or_manual(tmp_path: Path) -> None:
    data = yaml.safe_load((SCHEME_DIR / "primary_institution.yaml").read_text(encoding="utf-8"))
    del data["items"][0]["indicator"]
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(SchemeError, match=r"items\.0.*indicator 或 manual"):
        load_scheme(path)


def test_band_points_above_weight_are_rejected(tmp_path: Path) -> None:
    data = yaml.safe_load((SCHEME_DIR / "community_2020.yaml").read_text(encoding="utf-8"))
    banded = next(i for i in data["items"] if i["rule"]["kind"] == "threshold_bands")
    banded["weight"] = 10
    banded["rule"]["bands"][0]["points"] = 11
    path = tmp_path / "b.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(SchemeError, match="band points 11 exceed the weight 10"):
        load_scheme(path)


def test_grades_must_end_at_zero(tmp_path: Path) -> None:
    grades = [{"grade": "合格", "name_en": "pass", "min": 60, "passing": True}]
    with pytest.raises(SchemeError, match="last grade must start at 0"):
        load_scheme(_broken(tmp_path, {"grades": grades}))


def test_unknown_rule_kind_is_rejected(tmp_path: Path) -> None:
    data = yaml.safe_load((SCHEME_DIR / "primary_institution.yaml").read_text(encoding="utf-8"))
    data["items"][0]["rule"] = {"kind": "quadratic"}
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(SchemeError, match=r"items\.0\.rule"):
        load_scheme(path)


def test_tie_break_must_name_an_item(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="tie_break names unknown items"):
        load_scheme(_broken(tmp_path, {"ranking": {"peers": ["parent_id"], "tie_break": ["x"]}}))


def test_grade_of_uses_inclusive_minimum() -> None:
    s = load_scheme("community_2020")
    assert s.grade_of(s.full_marks).grade == "优秀"
    assert s.grade_of(type(s.full_marks)("60.00")).grade == "合格"
    assert s.grade_of(type(s.full_marks)("59.99")).grade == "不合格"

"""The resident scheme as typed values: levels, ratios, deductibles, tiers, dates."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from yigai.params import ParameterError
from yigai.policy.scheme import LEVELS, SchemeBook, schemes_for_year

FIXTURE = Path(__file__).parent / "params_fixture"


def test_xiaogan_inpatient_values_follow_the_document() -> None:
    """孝感医保发〔2023〕18号: 一级200（二次100）、二级400（二次200）、三级800（二次400）;
    比例一级85%、二级75%、三级60%; 年度最高支付限额15万元."""
    s = SchemeBook("hubei_xiaogan").at(dt.date(2024, 5, 1))
    assert s.admission_deductible("township", 1) == 20_000
    assert s.admission_deductible("county", 1) == 40_000
    assert s.admission_deductible("county", 2) == 20_000
    assert s.admission_deductible("city", 3) == 40_000
    assert s.inpatient_ratio["city"] == Decimal("0.60")
    assert s.annual_cap_fen == 15_000_000


def test_wuji_ratios_change_on_1_july_2024() -> None:
    """Seed 003: 2024年新型农村合作医疗统筹补偿方案（修订）版 from 7月1日: 县级78%, 乡级90%."""
    first, second = schemes_for_year("hebei_wuji", 2024)
    assert (first.valid_from, first.valid_to) == (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert second.valid_from == dt.date(2024, 7, 1)
    assert second.inpatient_ratio["county"] == Decimal("0.78")
    assert second.inpatient_ratio["township"] == Decimal("0.90")
    assert first.inpatient_ratio["county"] == Decimal("0.73")
    assert second.version == "hebei_wuji@2024-07-01"


def test_wuji_caps_follow_the_seed() -> None:
    """Seed 003 藁城方案: 最高支付限额不低于6万元; 大病再补偿最高10万元."""
    s = SchemeBook("hebei_wuji").at(dt.date(2024, 8, 1))
    assert s.annual_cap_fen == 6_000_000
    assert s.critical_cap_fen == 10_000_000


def test_levels_missing_from_a_ratio_table_are_out_of_scope() -> None:
    """孝感: 居民门诊统筹 only at primary institutions."""
    s = SchemeBook("hubei_xiaogan").at(dt.date(2024, 5, 1))
    assert s.covers("outpatient", "township")
    assert not s.covers("outpatient", "county")
    assert all(s.covers("inpatient", level) for level in LEVELS)


def test_out_of_county_without_referral_loses_the_cut() -> None:
    """孝感: 未按规定转诊备案外出就医的，降低10%报销比例 (60% → 50%)."""
    s = SchemeBook("hubei_xiaogan").at(dt.date(2024, 5, 1))
    assert s.ratio("inpatient", "out_of_county", in_county=False, referred=False) == Decimal("0.50")
    assert s.ratio("inpatient", "out_of_county", in_county=False, referred=True) == Decimal("0.60")
    assert s.ratio("inpatient", "county", in_county=True, referred=False) == Decimal("0.75")


def test_critical_illness_tiers_hand_computed() -> None:
    """孝感 大病保险: cumulative out-of-pocket 42,000 yuan → above 12,000: 18,000 × 60% + 12,000 × 65%
    = 10,800 + 7,800 = 18,600 yuan."""
    s = SchemeBook("hubei_xiaogan").at(dt.date(2024, 5, 1))
    assert s.critical_payable(4_200_000) == 1_860_000
    assert s.critical_payable(1_200_000) == 0


def test_critical_illness_is_held_to_its_cap() -> None:
    """孝感: cap 30万元; 600,000 yuan out-of-pocket would pay 10,800 + 45,500 + 375,000 = 431,300."""
    s = SchemeBook("hubei_xiaogan").at(dt.date(2024, 5, 1))
    assert s.critical_payable(60_000_000) == 30_000_000


def test_the_most_generous_assistance_group_is_chosen() -> None:
    """Wuji working values: poverty 70%, special family 50%."""
    s = SchemeBook("hebei_wuji").at(dt.date(2024, 5, 1))
    assert s.assistance_group({"special_family", "poverty"}) == "poverty"
    assert s.assistance_group({"diabetes"}) is None


def test_primary_zero_markup_flag_is_dated_policy() -> None:
    assert SchemeBook("hebei_wuji").at(dt.date(2024, 5, 1)).primary_zero_markup is True


def test_annual_amount_changing_mid_year_is_rejected(tmp_path: Path) -> None:
    region = tmp_path / "demo"
    region.mkdir()
    for path in (FIXTURE / "demo").rglob("*.yaml"):
        target = region / path.relative_to(FIXTURE / "demo")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (region / "annual_cap.yaml").write_text(
        "description: d\nmetadata: {reference: r, unit: yuan}\nvalues:\n"
        "  2024-01-01: {value: 1000, reference: r}\n  2024-05-01: {value: 2000, reference: r}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError, match="only change on 1 January") as info:
        schemes_for_year("demo", 2024, root=tmp_path)
    assert info.value.key == "annual_cap.2024-05-01"


def test_scheme_book_picks_the_segment_of_the_date() -> None:
    book = SchemeBook("demo", root=FIXTURE)
    assert book.at(dt.date(2024, 6, 30)).inpatient_ratio["county"] == Decimal("0.333333")
    assert book.at(dt.date(2024, 7, 1)).inpatient_ratio["county"] == Decimal("0.666667")
    assert book.at(dt.date(2025, 1, 1)).admission_deductible("county", 1) == 4_000


def _demo_with(tmp_path: Path, name: str, text: str) -> Path:
    """The fixture region in ``tmp_path`` with parameter file ``name`` replaced by ``text``."""
    shutil.copytree(FIXTURE / "demo", tmp_path / "demo")
    (tmp_path / "demo" / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_assistance_group_that_is_no_population_group_is_refused(tmp_path: Path) -> None:
    """``poor`` is not a group residents carry (``poverty`` is): it would pay no one."""
    root = _demo_with(
        tmp_path,
        "assistance/ratio.yaml",
        "description: d\nmetadata: {reference: r, unit: ratio}\nvalues:\n"
        "  2024-01-01: {value: {poor: 0.8}, reference: r}\n",
    )
    with pytest.raises(ParameterError, match="unknown population group") as info:
        schemes_for_year("demo", 2024, root=root)
    assert info.value.key == "assistance.ratio.poor"


def test_inpatient_ratio_table_missing_a_level_is_refused(tmp_path: Path) -> None:
    """Stays at 省级 would silently get nothing: loading names the missing level."""
    root = _demo_with(
        tmp_path,
        "inpatient/ratio.yaml",
        "description: d\nmetadata: {reference: r, unit: ratio}\nvalues:\n"
        "  2024-01-01: {value: {village: 0.9, township: 0.85, county: 0.5, city: 0.6,"
        " out_of_county: 0.5}, reference: r}\n",
    )
    with pytest.raises(ParameterError, match="levels missing: province") as info:
        schemes_for_year("demo", 2024, root=root)
    assert info.value.key == "inpatient.ratio.province"

"""Targets: the shipped seed targets and the rule choosing the one in force."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from yigai.indicators import targets
from yigai.indicators.catalogue import CatalogueError
from yigai.indicators.targets import Target, in_force


def _t(scope: str, value: str, deadline: dt.date, **kw: object) -> Target:
    return Target(
        indicator="drug_share", scope=scope, value=Decimal(value), comparison="below",
        deadline=deadline, source="测试", **kw,
    )  # fmt: skip


def _by(indicator: str) -> Target:
    """The seed target (the demo set re-dates the seeds' figures; it is not a seed's)."""
    return next(t for t in targets.load() if t.indicator == indicator and t.set_id != "demo_2025")


def test_zhanjiang_care_seeking_targets_for_2020() -> None:
    """Seed 002 一（二）3: 县域内就诊率 90%左右, 住院率 85%左右, 基层就诊率 65%左右 by 2020-12-31."""
    for ind, value in [
        ("in_county_visit_rate", "90"),
        ("in_county_inpatient_rate", "85"),
        ("primary_visit_rate", "65"),
    ]:
        t = _by(ind)
        assert (t.value, t.comparison, t.deadline) == (
            Decimal(value),
            "about",
            dt.date(2020, 12, 31),
        )


def test_zhanjiang_contract_rate_targets() -> None:
    """Seed 002 三（八）: 一般人群签约率 35%, 重点人群 70% in 2020."""
    assert _by("general_contract_rate").value == Decimal(35)
    assert _by("key_contract_rate").value == Decimal(70)


def test_liaoning_drug_share_and_referral_targets() -> None:
    """Seed 000 三、第二: 药占比降到40%以下; 到年底预约转诊占比提高到20%以上 (2015)."""
    drug, booked = _by("drug_share"), _by("booked_referral_share")
    assert (drug.value, drug.comparison) == (Decimal(40), "below")
    assert (booked.value, booked.comparison) == (Decimal(20), "at_least")
    assert drug.deadline == booked.deadline == dt.date(2015, 12, 31)


def test_kind_scope_applies_only_to_that_kind() -> None:
    shipped = targets.load()
    t = in_force("in_county_visit_rate", "K1", "2020", org_kind="county", targets=shipped)
    assert t is not None and t.value == Decimal(90)
    assert (
        in_force("in_county_visit_rate", "M1", "2020", org_kind="community", targets=shipped)
        is None
    )


def test_most_specific_scope_wins() -> None:
    pool = [
        _t("*", "40", dt.date(2020, 12, 31)),
        _t("kind:county", "38", dt.date(2020, 12, 31)),
        _t("K1", "35", dt.date(2020, 12, 31)),
    ]
    assert in_force("drug_share", "K1", "2020", org_kind="county", targets=pool).value == 35
    assert in_force("drug_share", "K2", "2020", org_kind="county", targets=pool).value == 38
    assert in_force("drug_share", "H1", "2020", org_kind="institution", targets=pool).value == 40


def test_nearest_upcoming_deadline_then_latest_past_one_while_valid() -> None:
    until = dt.date(2024, 12, 31)
    pool = [
        _t("*", "40", dt.date(2020, 12, 31), valid_until=until),
        _t("*", "35", dt.date(2022, 12, 31), valid_until=until),
    ]
    assert in_force("drug_share", "X", "2020Q3", targets=pool).value == 40
    assert in_force("drug_share", "X", "2021", targets=pool).value == 35
    overdue = in_force("drug_share", "X", "2024", targets=pool)
    assert (overdue.value, overdue.deadline) == (35, dt.date(2022, 12, 31))


def test_target_judges_nothing_after_its_deadline_without_valid_until() -> None:
    """Issue 14 §2: a Liaoning 2015 target must not judge a county in 2025."""
    pool = [_t("*", "40", dt.date(2015, 12, 31), set_on=dt.date(2015, 4, 24))]
    assert in_force("drug_share", "X", "2015Q4", targets=pool) is not None
    assert in_force("drug_share", "X", "2016Q1", targets=pool) is None
    assert in_force("drug_share", "X", "2025", targets=pool) is None


def test_target_judges_until_valid_until_then_stops() -> None:
    pool = [_t("*", "40", dt.date(2020, 12, 31), valid_until=dt.date(2021, 6, 30))]
    assert in_force("drug_share", "X", "2021Q2", targets=pool) is not None
    assert in_force("drug_share", "X", "2021Q3", targets=pool) is None


def test_file_level_valid_until_and_set_id(tmp_path: Path) -> None:
    path = tmp_path / "county_k1.yaml"
    path.write_text(
        "region: 某县\nvalid_until: 2026-12-31\ntargets:\n  - {indicator: drug_share,"
        " scope: '*', value: 38, comparison: below, deadline: 2025-12-31, source: x}\n",
        encoding="utf-8",
    )
    (t,) = targets.load([path])
    assert (t.valid_until, t.set_id) == (dt.date(2026, 12, 31), "county_k1")


def test_default_targets_are_the_active_deployments_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo deployment names demo_2025 only: Liaoning 2015 and Zhanjiang sets do not judge."""
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path))
    assert {t.set_id for t in targets.default()} == {"demo_2025"}
    found = in_force("drug_share", "K1", "2025Q4", org_kind="county")
    assert found is not None and found.set_id == "demo_2025"


def test_loaded_target_file_governs_only_the_units_its_deployment_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`yigai targets load`: a county's own file, named for its county in the deployment,
    judges that county (and its units) and not another county."""
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path))
    own = tmp_path / "k1_2025.yaml"
    own.write_text(
        "targets:\n  - {indicator: drug_share, scope: '*', value: 33, comparison: below,"
        " deadline: 2025-12-31, source: 本县方案}\n",
        encoding="utf-8",
    )
    assert targets.install(own, tmp_path) == ("k1_2025", 1)
    (tmp_path / "deployment.yaml").write_text(
        "id: two\nname: 两县\ngoverns:\n"
        "  - {units: [K1], targets: [k1_2025], plan: demo-2025}\n"
        "  - {units: ['*'], targets: [demo_2025]}\n",
        encoding="utf-8",
    )
    mine = targets.for_unit("H1", ["K1", "C1"])
    other = targets.for_unit("H2", ["K2", "C1"])
    assert [t.value for t in mine] == [Decimal(33)]
    assert "k1_2025" not in {t.set_id for t in other}


def test_bad_target_file_is_not_installed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("targets:\n  - {indicator: nope}\n", encoding="utf-8")
    with pytest.raises(CatalogueError):
        targets.install(bad, tmp_path / "home")
    assert not (tmp_path / "home" / "targets" / "bad.yaml").exists()


def test_target_not_in_force_before_it_was_set() -> None:
    pool = [_t("*", "40", dt.date(2015, 12, 31), set_on=dt.date(2015, 4, 24))]
    assert in_force("drug_share", "X", "201503", targets=pool) is None
    assert in_force("drug_share", "X", "201504", targets=pool) is not None


def test_float_value_is_rejected() -> None:
    with pytest.raises(ValueError, match="must not be a float"):
        Target(indicator="drug_share", scope="*", value=0.4, comparison="below",
               deadline=dt.date(2020, 1, 1), source="x")  # fmt: skip


def test_file_errors_name_file_and_entry(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "targets:\n  - {indicator: nope, scope: '*', value: 1, comparison: below,"
        " deadline: 2020-12-31, source: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        CatalogueError, match=r"t\.yaml \[#1 nope\].*'nope' is not in the catalogue"
    ):
        targets.load([path])


def test_bad_kind_scope_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "targets:\n  - {indicator: drug_share, scope: 'kind:village', value: 1,"
        " comparison: below, deadline: 2020-12-31, source: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="invalid scope kind:village"):
        targets.load([path])


def test_yaml_decimals_load_exactly(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "targets:\n  - {indicator: drug_share, scope: '*', value: 38.15, comparison: below,"
        " deadline: 2020-12-31, source: x}\n",
        encoding="utf-8",
    )
    assert targets.load([path])[0].value == Decimal("38.15")

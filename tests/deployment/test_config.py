"""Deployment configuration: which plan, targets and insurance rules govern which units."""

from __future__ import annotations

from pathlib import Path

import pytest

from yigai import deployment
from yigai.deployment import DeploymentError


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "deployment.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_shipped_demo_deployment_declares_plan_targets_and_rules(tmp_path: Path) -> None:
    dep = deployment.active(tmp_path)  # no deployment.yaml in this home: the shipped demo
    assert dep.path == deployment.DEMO_FILE and dep.synthetic
    rule = dep.rule_for("440101", ["4401", "44"], kind="county")
    assert rule is not None
    assert (rule.plan, rule.targets, rule.insurance) == ("demo-2025", ("demo_2025",), "hebei_wuji")


def test_demo_city_has_no_plan_of_its_own(tmp_path: Path) -> None:
    """The demo plan is a county's: a city's bulletin must not list it as the city's tasks."""
    city = deployment.active(tmp_path).rule_for("4401", ["44"], kind="city")
    assert city is not None and city.plan is None and city.targets == ("demo_2025",)


def test_a_rule_for_some_kinds_only_does_not_clash_with_another_kind(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "id: x\nname: n\ngoverns:\n"
        "  - {units: ['*'], kinds: [county], plan: demo-2025}\n"
        "  - {units: ['*'], kinds: [city], plan: zhanjiang-2020}\n",
    )
    dep = deployment.load(path)
    assert dep.rule_for("K1", ["C1"], kind="county").plan == "demo-2025"  # type: ignore[union-attr]
    assert dep.rule_for("C1", [], kind="city").plan == "zhanjiang-2020"  # type: ignore[union-attr]
    assert dep.rule_for("H1", ["K1"], kind="institution") is None


def test_demo_notes_say_synthetic_and_name_what_governs(tmp_path: Path) -> None:
    notes = deployment.active(tmp_path).notes_zh()
    assert "合成示范数据" in notes[0]
    assert any("demo-2025" in n and "demo_2025" in n and "hebei_wuji" in n for n in notes)


def test_home_deployment_file_replaces_the_demo(tmp_path: Path) -> None:
    _write(tmp_path, "id: own\nname: 本县\ngoverns:\n  - {units: [K1], plan: liaoning-2015}\n")
    dep = deployment.active(tmp_path)
    assert dep.id == "own" and not dep.synthetic


def test_nearest_named_unit_wins_then_star(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "id: x\nname: 市\ngoverns:\n"
        "  - {units: [K1], plan: demo-2025}\n"
        "  - {units: [C1], plan: zhanjiang-2020}\n"
        "  - {units: ['*'], plan: liaoning-2015}\n",
    )
    dep = deployment.load(path)
    assert dep.rule_for("H1", ["K1", "C1"]).plan == "demo-2025"  # type: ignore[union-attr]
    assert dep.rule_for("H2", ["K2", "C1"]).plan == "zhanjiang-2020"  # type: ignore[union-attr]
    assert dep.rule_for("H3", ["K3", "C2"]).plan == "liaoning-2015"  # type: ignore[union-attr]


def test_unit_without_a_rule_has_none(tmp_path: Path) -> None:
    dep = deployment.load(_write(tmp_path, "id: x\nname: 县\ngoverns:\n  - {units: [K1]}\n"))
    assert dep.rule_for("K2", ["C1"]) is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("id: x\nname: n\ngoverns:\n  - {units: [K1], plan: nope}\n", "unknown plan nope"),
        ("id: x\nname: n\ngoverns:\n  - {units: [K1], targets: [nope]}\n", "unknown target set"),
        ("id: x\nname: n\ngoverns:\n  - {units: [K1], insurance: mars}\n", "unknown insurance"),
        ("id: x\nname: n\ngoverns:\n  - {units: [K1]}\n  - {units: [K1]}\n", "named twice"),
        ("id: x\nname: n\ngoverns:\n  - {plan: demo-2025}\n", "names no org units"),
        ("id: x\nname: n\ngoverns:\n  - {units: [K1], plans: x}\n", "unknown keys"),
        ("id: x\nname: n\ngoverns:\n  - {units: [K1], kinds: [village]}\n", "unknown kinds"),
        (
            "id: x\nname: n\ngoverns:\n  - {units: ['*']}\n  - {units: ['*'], kinds: [city]}\n",
            "named twice",
        ),
        ("id: x\nname: n\ngoverns: []\n", "non-empty list"),
        ("id: x\nname: n\nsynthetic: yes please\ngoverns:\n  - {units: [K1]}\n", "true or false"),
    ],
)
def test_bad_deployment_is_refused_naming_file_and_place(
    tmp_path: Path, body: str, message: str
) -> None:
    with pytest.raises(DeploymentError, match=message) as info:
        deployment.load(_write(tmp_path, body))
    assert "deployment.yaml" in str(info.value)


def test_deployment_may_name_a_target_set_loaded_into_its_home(tmp_path: Path) -> None:
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "k1_2025.yaml").write_text(
        "targets:\n  - {indicator: drug_share, scope: '*', value: 33, comparison: below,"
        " deadline: 2025-12-31, source: x}\n",
        encoding="utf-8",
    )
    path = _write(tmp_path, "id: x\nname: n\ngoverns:\n  - {units: [K1], targets: [k1_2025]}\n")
    assert deployment.load(path, tmp_path).target_sets() == ["k1_2025"]
    with pytest.raises(DeploymentError, match="unknown target set k1_2025"):
        deployment.load(path)  # without the home, the county's set is unknown

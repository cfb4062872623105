"""The indicator reference is generated from the catalogue and targets."""

from __future__ import annotations

from pathlib import Path

from yigai.indicators import catalogue, docs, targets

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_reference_equals_generated_markdown() -> None:
    expected = docs.render_markdown(catalogue.default(), targets.shipped())
    assert (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8") == expected


def test_every_indicator_has_a_row() -> None:
    text = docs.render_markdown(catalogue.default(), targets.shipped())
    for ind in catalogue.default():
        assert f"| `{ind.id}` |" in text


def test_targets_show_baseline_and_comparison() -> None:
    """Seed 002 annex 3: 每千人口基层卫生人员数 4.02 → 4.55 by 2022."""
    text = docs.render_markdown(catalogue.default(), targets.shipped())
    row = next(line for line in text.splitlines() if "`primary_staff_per_1000`" in line)
    assert "4.02 → ≥4.55 by 2022-12-31" in row


def test_formula_in_words_names_factor_and_grains() -> None:
    ind = catalogue.default()["hypertension_management_rate"]
    assert "× hypertension_prevalence" in docs.formula(ind)
    std = catalogue.default()["phs_hypertension_standard_management_rate"]
    assert "grains: year" in docs.formula(std) and "having count ge 4" in docs.formula(std)


def test_formula_names_threshold_parameters() -> None:
    """Control thresholds are dated parameters (spec 2017, domain §3), shown by name."""
    f = docs.formula(catalogue.default()["hypertension_control_rate"])
    assert "sbp lt param:hypertension_sbp_controlled_below" in f

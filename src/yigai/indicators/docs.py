"""Indicator reference (指标说明): the catalogue and targets rendered as Markdown.

``docs/indicators.md`` is generated from the YAML by :func:`render_markdown`, never edited by
hand; a test checks the shipped file equals the output. Regenerate with::

    python -m yigai.indicators.docs > docs/indicators.md
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from yigai.indicators import catalogue as catalogue_mod
from yigai.indicators import targets as targets_mod
from yigai.indicators.catalogue import Catalogue
from yigai.indicators.model import Indicator, Side
from yigai.indicators.targets import Target
from yigai.sources import cite

_COMPARISON = {
    "about": "≈",
    "at_least": "≥",
    "above": ">",
    "at_most": "≤",
    "below": "<",
}

_KIND = {"ratio": "计算 computed", "growth": "同比 growth", "reported": "填报 reported"}


def _cell(text: str) -> str:
    """One table cell: a single line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _side(side: Side) -> str:
    m = side.measure
    what = "count" if m.kind == "count" else f"{m.kind}({m.column})"
    parts = [f"{what} of {side.records}"]
    if side.where:
        parts.append("where " + ", ".join(_cond(c) for c in side.where))
    if side.per and side.having:
        parts.append(f"per {side.per} having count {side.having.op} {side.having.value}")
    if side.per and side.latest:
        parts.append(f"latest {side.latest} per {side.per}")
    if side.then:
        parts.append("then " + ", ".join(_cond(c) for c in side.then))
    if side.attribution:
        parts.append(f"by {side.attribution}")
    if side.factor:
        parts.append(f"× {side.factor}")
    return " ".join(parts)


def _cond(c: object) -> str:
    column, op, value = c.column, c.op, c.value  # type: ignore[attr-defined]
    if c.param:  # type: ignore[attr-defined]
        value = f"param:{c.param}"  # type: ignore[attr-defined]
    if isinstance(value, tuple | list):
        value = "[" + ", ".join(str(v) for v in value) + "]"
    return f"{column} {op} {value}"


def formula(ind: Indicator) -> str:
    """The formula in words (公式): numerator ÷ denominator, or the growth base."""
    if ind.kind == "reported":
        return "填报 reported (yigai.aggregates)"
    if ind.kind == "growth":
        return f"同比增长率 of {ind.of}"
    assert ind.numerator is not None
    num = _side(ind.numerator)
    grains = f"; grains: {', '.join(ind.grains)}" if ind.grains else ""
    if ind.denominator is None:
        return f"{num}; by {ind.attribution}{grains}"
    return f"({num}) ÷ ({_side(ind.denominator)}); by {ind.attribution}{grains}"


def _targets_text(ind_id: str, targets: Iterable[Target]) -> str:
    out = []
    for t in targets:
        if t.indicator != ind_id:
            continue
        base = f"{t.baseline} → " if t.baseline is not None else ""
        where = f"{t.scope}, {t.set_id}" if t.set_id else t.scope  # which set: see deployment
        out.append(f"{base}{_COMPARISON[t.comparison]}{t.value} by {t.deadline} ({where})")
    return "; ".join(out)


def render_markdown(catalogue: Catalogue, targets: Iterable[Target]) -> str:
    """A table per catalogue file: id, 中文名, unit, direction, formula, source, flag, targets."""
    tlist = list(targets)
    by_file: dict[str, list[Indicator]] = {}
    for ind in catalogue:
        by_file.setdefault(Path(catalogue.files[ind.id]).name, []).append(ind)
    lines = [
        "# 监测指标目录 Indicator catalogue",
        "",
        "Generated from `src/yigai/indicators/catalogue/*.yaml` and `targets/*.yaml` by",
        "`python -m yigai.indicators.docs`; do not edit by hand. “工作口径” marks a working",
        "definition still to be checked against the official text.",
        "",
        "目标 Targets: every shipped target set is listed, each with its scope and set",
        "(`targets/<set>.yaml`). A set judges only the org units a deployment assigns it",
        "(`yigai deployment show`) and only the periods up to its deadline (or its",
        "`valid_until`), so a 2015 provincial target never judges a 2025 county.",
        "",
        "年龄 Age: `age` (周岁) is counted at the period end from the birth year-month only",
        "(`birth_ym`; the birth day is not stored, docs/PRIVACY.md). A person born in month M",
        "of year Y has their birthday counted on the last day of month M. Every period ends on",
        "the last day of a month, where this rule gives the exact completed age (everyone born",
        "in month M has had their birthday by its last day); on any other day it never",
        "overstates an age, so nobody is counted as 65+ (重点人群) or 18+ before their time.",
        "",
        "时点数 Stocks (residents, staff, chronic cases under management, and the contracts",
        "behind `has_contract`) count in a period when active at the end of its last day: a",
        "record that starts on the period end (registered, joined, managed from, valid from)",
        "counts; one that stops on it (`left_on` 迁出/死亡/离职, `closed_on` 结案) does not — the",
        "person has left that day; a contract's `valid_to` (到期日期) is its last valid day, so a",
        "contract ending on the period end still counts there.",
        "",
        "登记版本 Register versions (resources: beds, 中医馆, standardised clinic, essential",
        "drugs …) count as the version in force on the period end: a version taking effect on",
        "the period end day counts there, the one before it ends the day before.",
        "",
        "期内服务 Check-ups (`health_checkups`) count in a period when dated from its first to",
        "its last day, for the people who are residents on its end (their age and home then):",
        "a check-up on 31 December counts in that year, and someone who left before the end",
        "counts on neither side of the 老年人健康管理率. Orders (`drug_purchases`) count in the",
        "period of their order date, with the amount delivered by the time of import.",
    ]
    for name in sorted(by_file):
        lines += [
            "",
            f"## {name}",
            "",
            "| id | 中文名 | unit | direction | kind | formula | source | 工作口径 | targets |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for ind in by_file[name]:
            cells = [
                f"`{ind.id}`",
                ind.name_zh,
                ind.unit.value,
                ind.direction,
                _KIND[ind.kind],
                formula(ind),
                cite(ind.source or ""),
                "是" if ind.working_definition else "否",
                _targets_text(ind.id, tlist),
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the shipped catalogue's reference to stdout."""
    print(render_markdown(catalogue_mod.default(), targets_mod.shipped()), end="")


if __name__ == "__main__":
    main()

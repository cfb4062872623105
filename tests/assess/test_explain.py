"""Every score explains itself in Chinese and English."""

from __future__ import annotations

from decimal import Decimal as D

from yigai.assess.explain import explain
from yigai.assess.model import Item
from yigai.assess.scoring import score

from .factories import item, make_scheme


def _why(it: Item, value: D | None, target: D | None, baseline: D | None) -> tuple[str, str]:
    return explain(it, value, target, baseline, score(it, value, target, baseline))


def _item(weight: str, rule: dict[str, object], **kw: object) -> Item:
    filler = item("filler", "10", {"kind": "at_target"})  # a scheme needs full marks > 0
    return make_scheme([item("x", weight, rule, **kw), filler]).items[0]


def test_linear_sentence_states_value_target_baseline_and_points() -> None:
    """18 × (87.2 − 80) ÷ 10 = 12.96."""
    it = _item("18", {"kind": "linear"}, name_zh="县域内就诊率", name_en="In-county visit rate")
    zh, en = _why(it, D("87.2"), D("90"), D("80"))
    assert zh == "县域内就诊率 87.20%，目标 90.00%，基线 80.00%，按线性计分得 12.96/18 分"
    assert en == (
        "In-county visit rate 87.20%, target 90.00%, baseline 80.00%: "
        "linear scoring gives 12.96/18 points"
    )


def test_lower_is_better_is_said() -> None:
    it = _item("12", {"kind": "linear"}, name_zh="药占比", direction="lower")
    zh, en = _why(it, D("45"), D("40"), D("50"))
    assert "（越低越好）" in zh and "得 6.00/12 分" in zh and "lower is better" in en


def test_missing_value_says_scored_zero() -> None:
    it = _item("18", {"kind": "linear"}, name_zh="县域内就诊率")
    zh, en = _why(it, None, D("90"), D("80"))
    assert zh == "县域内就诊率 无数据（未上报或分母为0），按0分计，得 0.00/18 分"
    assert "no value" in en and "scored 0" in en


def test_at_target_sentence_says_met_or_not() -> None:
    it = _item("8", {"kind": "at_target"}, name_zh="门诊次均费用", unit="yuan", direction="lower")
    assert "39.78元" in _why(it, D("39.78"), D("40"), None)[0]
    assert "已达标" in _why(it, D("39.78"), D("40"), None)[0]
    assert "未达标，得 0.00/8 分" in _why(it, D("41"), D("40"), None)[0]


def test_band_sentence_names_band_reached() -> None:
    it = _item(
        "10", {"kind": "threshold_bands", "bands": [{"reach": 80, "points": 7}]}, name_zh="建档率"
    )
    assert (
        _why(it, D("85"), None, None)[0]
        == "建档率 85.00%，达到 ≥80.00% 档，按分档计分得 7.00/10 分"
    )
    assert "未达到最低档" in _why(it, D("50"), None, None)[0]


def test_penalty_sentence_counts_occurrences() -> None:
    it = _item(
        "0",
        {"kind": "penalty", "per_occurrence": 2, "minimum": -10},
        manual=True,
        unit="count",
        name_zh="违规",
    )
    zh, _ = _why(it, D(3), None, None)
    assert zh == "违规 发生 3 次，每次扣 2.00 分（最低 -10.00 分），得 -6.00/0 分"


def test_entered_sentence_says_assessor() -> None:
    it = _item("14", {"kind": "entered"}, manual=True, unit="points", name_zh="公共卫生职能")
    assert _why(it, D("12.5"), None, None)[0] == "公共卫生职能 由考核人员评分，得 12.50/14 分"

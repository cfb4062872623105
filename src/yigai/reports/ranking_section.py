"""三、考核排名: the ranking table, its sentences, and the items nobody could be scored on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from yigai.reports.model import (
    CONSEQUENCE_ZH,
    AssessmentTotal,
    Consequence,
    ReportData,
)
from yigai.reports.wording import names as _names
from yigai.reports.wording import period_zh


@dataclass(frozen=True)
class RankingRow:
    rank: int
    org_id: str
    name_zh: str
    total: Decimal
    grade: str
    consequences_zh: str


RANKING_HEADERS = [
    ("名次", "Rank"),
    ("单位", "Unit"),
    ("综合得分", "Total score"),
    ("等次", "Grade"),
    ("考核结果运用", "Consequence"),
]

ITEM_HEADERS = [
    ("单位", "Unit"),
    ("考核项目", "Item"),
    ("实际值", "Value"),
    ("目标值", "Target"),
    ("得分", "Points"),
    ("说明", "Explanation"),
]


def consequence_text(c: Consequence) -> str:
    """A consequence in the ranking table: the one wording the body text uses too."""
    return CONSEQUENCE_ZH[c.kind]


def grade_text(total: AssessmentTotal) -> str:
    """The grade as printed, marked 暂定 when the total rests on missing inputs."""
    return f"{total.grade}（暂定）" if total.provisional else total.grade


def in_rank_order(totals: Sequence[AssessmentTotal]) -> list[AssessmentTotal]:
    """Units by rank, ties (并列) by org id, the order every ranking sentence and table uses."""
    return sorted(totals, key=lambda t: (t.rank, t.org_id))


def ranking(data: ReportData) -> tuple[list[RankingRow], list[str]]:
    by_org: dict[str, list[str]] = {}
    for c in data.consequences:
        by_org.setdefault(c.org_id, []).append(consequence_text(c))
    rows = [
        RankingRow(
            rank=t.rank,
            org_id=t.org_id,
            name_zh=data.unit_name(t.org_id),
            total=t.total,
            grade=grade_text(t),
            consequences_zh="；".join(by_org.get(t.org_id, [])) or "—",
        )
        for t in in_rank_order(data.totals)
    ]
    sentences: list[str] = []
    if rows:
        scheme = f"按《{data.scheme_zh}》方案" if data.scheme_zh else ""
        ties = len({r.rank for r in rows}) < len(rows)
        sentences.append(
            f"{period_zh(data.period)}{scheme}对{len(rows)}个单位开展考核，得分与名次见表2"
            + ("（得分相同者名次并列，其后名次顺延）" if ties else "")
            + "。"
        )
    for group in data.other_rankings:
        ordered = in_rank_order(group.totals)
        if len(ordered) == 1:
            t = ordered[0]
            sentences.append(
                f"{group.title_zh}结果：{data.unit_name(t.org_id)}得分{t.total}分（{t.grade}）。"
            )
        elif ordered:
            sentences.append(
                f"{group.title_zh}结果："
                + "；".join(
                    f"第{t.rank}名{data.unit_name(t.org_id)}（{t.total}分，{t.grade}）"
                    for t in ordered
                )
                + "。"
            )
    for kind, wording in CONSEQUENCE_ZH.items():  # the table's wording (consequence_text)
        named = [data.unit_name(c.org_id) for c in data.consequences if c.kind is kind]
        if named:
            sentences.append(f"对{_names(named)}{wording}。")
    if not rows and not data.other_rankings:
        sentences.insert(0, "本期未开展考核排名。")
    provisional = [data.unit_name(t.org_id) for t in in_rank_order(data.totals) if t.provisional]
    if provisional:
        sentences.append(
            f"{_names(provisional)}的考核得分为暂定：部分考核项目缺少数据或评分，按0分暂计"
            "（见考核得分明细表“说明”栏），数据和评分补齐后据实更新。"
        )
    nobody = _items_nobody_scored(data)
    if nobody:
        sentences.append(
            f"各单位在{_names(nobody)}等{len(nobody)}个考核项目上均未得分"
            "（无数据、未录入或暂不能计分，原因见考核得分明细表“说明”栏），"
            "相关数据和评分补齐后据实更新考核结果。"
        )
    return rows, sentences


def _items_nobody_scored(data: ReportData) -> list[str]:
    """Items no assessed unit could be scored on (no data, not entered, or not scorable),
    in first-seen order: a reader of the ranking must know when totals rest on only part of
    the scheme. An item scored 0 by its rule (a value below the target) is a result, not a
    gap, and a deduction item (weight 0) at 0 means nothing was deducted; when the status is
    not given, 0 points counts as not scored."""
    by_item: dict[str, list[bool]] = {}
    for i in data.items:
        if i.weight == 0:
            continue
        gap = i.status == "missing" if i.status else i.points == 0
        by_item.setdefault(i.item, []).append(gap)
    return [item for item, gaps in by_item.items() if all(gaps)]

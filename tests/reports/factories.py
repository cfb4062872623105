"""Hand-built report inputs for a small county (示范县) with four units.

Numbers are chosen so every status and sentence can be checked by hand; see
tests/reports/test_sections.py for the worked values.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yigai.orgs.model import OrgKind
from yigai.periods import Period, parse
from yigai.reports import (
    AssessmentItem,
    AssessmentTotal,
    Consequence,
    ConsequenceKind,
    Direction,
    DocumentHeader,
    IndicatorMeta,
    IndicatorValue,
    OrgUnit,
    ReformTask,
    ReportData,
    Target,
    Unit,
)

D = Decimal

INDICATORS = [
    IndicatorMeta(
        "in_county_visit_rate",
        "县域内就诊率",
        "In-county visit rate",
        Unit.PERCENT,
        Direction.HIGHER,
    ),
    IndicatorMeta(
        "primary_visit_rate",
        "基层就诊率",
        "Primary-level visit rate",
        Unit.PERCENT,
        Direction.HIGHER,
    ),
    IndicatorMeta("drug_share", "药占比", "Drug share of revenue", Unit.PERCENT, Direction.LOWER),
    IndicatorMeta(
        "outpatient_cost_per_visit",
        "门诊次均费用",
        "Outpatient cost per visit",
        Unit.YUAN,
        Direction.LOWER,
    ),
    IndicatorMeta(
        "key_contract_rate",
        "重点人群签约率",
        "Key-population contract rate",
        Unit.PERCENT,
        Direction.HIGHER,
    ),
]

# (current, previous period, same period last year) of the county, per indicator.
REGION_VALUES: dict[str, tuple[str | None, str | None, str | None]] = {
    "in_county_visit_rate": ("88.50", "87.90", "85.20"),
    "primary_visit_rate": ("55.00", "56.00", "57.10"),
    "drug_share": ("38.20", "39.00", "42.50"),
    "outpatient_cost_per_visit": ("47.85", "48.40", "51.03"),
    "key_contract_rate": (None, "68.00", None),
}

REGION = OrgUnit("C01", "示范县", OrgKind.COUNTY)
UNITS = [
    OrgUnit("U1", "甲镇卫生院"),
    OrgUnit("U2", "乙镇卫生院"),
    OrgUnit("U3", "丙镇卫生院"),
    OrgUnit("U4", "丁社区卫生服务中心"),
]
# 县域内就诊率 of each unit in the current period; U4 has a zero denominator.
UNIT_KEY_VALUES = {"U1": "92.10", "U2": "86.40", "U3": "90.00", "U4": None}
# Monthly 县域内就诊率 of the county for the trend chart (the last six months).
TREND = {"202410": "84.00", "202411": "85.10", "202412": "86.30", "202501": "87.00"}

TARGETS = [
    Target("in_county_visit_rate", D("90"), dt.date(2025, 12, 31), source="seed 002 一（二）3"),
    Target("primary_visit_rate", D("65"), dt.date(2025, 12, 31), source="seed 002"),
    Target("drug_share", D("40"), dt.date(2025, 12, 31), source="seed 000"),
    Target("outpatient_cost_per_visit", D("45.00"), dt.date(2025, 12, 31), source="local"),
    Target("key_contract_rate", D("70"), dt.date(2025, 12, 31), source="seed 002"),
]

TOTALS = [
    AssessmentTotal("U1", D("95.50"), "合格", 1),
    AssessmentTotal("U3", D("88.00"), "合格", 2),
    AssessmentTotal("U4", D("72.25"), "合格", 3),
    AssessmentTotal("U2", D("58.00"), "不合格", 4),
]
ITEMS = [
    AssessmentItem(
        "U1", "in_county_visit_rate", D("92.10"), D("90"), D("20.00"), "达到目标，得满分"
    ),
    AssessmentItem(
        "U2", "in_county_visit_rate", D("86.40"), D("90"), D("12.50"), "低于目标，按比例得分"
    ),
    AssessmentItem(
        "U2", "outpatient_cost_per_visit", D("52.30"), D("45.00"), D("5.00"), "费用偏高"
    ),
]
CONSEQUENCES = [
    Consequence("U1", ConsequenceKind.COMMENDED, "通报表扬"),
    Consequence("U3", ConsequenceKind.COMMENDED, "通报表扬"),
    Consequence("U4", ConsequenceKind.COMMENDED, "通报表扬"),
    Consequence("U2", ConsequenceKind.WARNED, "通报批评，限期一个月整改"),
]
TASKS = [
    ReformTask(
        "T01",
        "组建县域医共体理事会",
        "县卫生健康局",
        ("县委编办",),
        dt.date(2025, 1, 31),
        "completed",
        False,
        "理事会已于1月成立",
    ),
    ReformTask(
        "T02",
        "实行医保基金总额付费",
        "县医疗保障局",
        ("县财政局", "县卫生健康局"),
        dt.date(2025, 2, 28),
        "in_progress",
        True,
        "测算方案待审定",
    ),
    ReformTask(
        "T03",
        "家庭医生签约服务扩面",
        "县卫生健康局",
        (),
        dt.date(2025, 6, 30),
        "in_progress",
        False,
        "已签约12.3万人",
    ),
]


def header(title: str = "") -> DocumentHeader:
    return DocumentHeader(
        issuer_zh="示范县深化医药卫生体制改革领导小组办公室",
        doc_number="县医改办〔2025〕12号",
        issue_date=dt.date(2025, 4, 10),
        recipients_zh="各镇人民政府，县直有关单位",
        cc_zh="县委办公室，县人大常委会办公室，县政府办公室",
        printer_zh="示范县深化医药卫生体制改革领导小组办公室",
        title_zh=title,
    )


def _row(indicator: str, org: str, period: str, value: str | None) -> IndicatorValue:
    den = 0 if value is None else 10000
    num = 0 if value is None else int(D(value) * 100)
    return IndicatorValue(
        indicator,
        org,
        period,
        parse(period).grain.value,
        num,
        den,
        None if value is None else D(value),
    )


def make_data(period_id: str = "202503", **overrides: object) -> ReportData:
    """The fixture county for ``period_id`` (a month or a quarter)."""
    period: Period = parse(period_id)
    prev, last = period.previous().id, period.same_period_last_year().id
    results = []
    for ind, (cur, before, year_ago) in REGION_VALUES.items():
        results += [
            _row(ind, "C01", period.id, cur),
            _row(ind, "C01", prev, before),
            _row(ind, "C01", last, year_ago),
        ]
    for org, value in UNIT_KEY_VALUES.items():
        results.append(_row("in_county_visit_rate", org, period.id, value))
    have = {(r.indicator_id, r.org_id, r.period_id) for r in results}
    for month, value in TREND.items():
        if ("in_county_visit_rate", "C01", month) not in have:
            results.append(_row("in_county_visit_rate", "C01", month, value))
    kwargs: dict[str, object] = dict(
        header=header(),
        period=period,
        region=REGION,
        units=UNITS,
        indicators=INDICATORS,
        results=results,
        targets=TARGETS,
        totals=TOTALS,
        items=ITEMS,
        consequences=CONSEQUENCES,
        tasks=TASKS,
        key_indicator_id="in_county_visit_rate",
    )
    kwargs.update(overrides)
    return ReportData(**kwargs)  # type: ignore[arg-type]

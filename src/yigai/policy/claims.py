"""The adjudicated claims record set (医保结算记录, ``claims``).

One row per encounter of a person insured under a scheme the region settles — 城乡居民医保,
or 职工医保 where the region has employee-scheme parameters (``scheme_region`` then names the
``<region>_employee`` folder) — with the split computed by :mod:`yigai.policy.adjudication`:
政策范围内费用, 起付线, 统筹基金, 大病保险, 医疗救助 and 个人负担, and the scheme
region/version that settled it. Partitioned by
the month of ``event_date`` like encounters, so indicators can join the two month by month.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from yigai.policy.scheme import CARE_TYPES, LEVELS
from yigai.records.fields import Field, Kind, RecordSet, RowCheck

_SPLIT = ("fund_fen", "critical_fen", "assistance_fen", "patient_fen")


def _split_mismatch(t: pa.Table) -> pa.Array:
    total = t[_SPLIT[0]]
    for name in _SPLIT[1:]:
        total = pc.add(total, t[name])
    return pc.fill_null(pc.not_equal(total, t["cost_total_fen"]), True)


CLAIMS = RecordSet(
    name="claims",
    zh="医保结算记录",
    en="adjudicated claims",
    fields=(
        Field("encounter_id", Kind.STRING, "就诊流水号", "encounter id"),
        Field("person_id", Kind.STRING, "居民标识（假名）", "person id (pseudonym)", personal=True),
        Field("institution_id", Kind.STRING, "就诊机构", "institution"),
        Field("event_date", Kind.DATE, "统计日期", "statistics date"),
        Field("year", Kind.INT, "医保年度", "insurance year", min=1900, max=9999),
        Field("care_type", Kind.ENUM, "就诊类型", "care type", choices=CARE_TYPES),
        Field(
            "level",
            Kind.ENUM,
            "医保支付级别（含县外）",
            "policy level (incl. out of county)",
            choices=LEVELS,
        ),
        Field("in_county", Kind.BOOL, "县域内就诊", "inside the home county"),
        Field("cost_total_fen", Kind.MONEY, "医疗总费用", "total cost", min=0),
        Field("eligible_fen", Kind.MONEY, "政策范围内费用", "eligible (in-scope) cost", min=0),
        Field("deductible_fen", Kind.MONEY, "起付线", "deductible", min=0),
        Field("fund_fen", Kind.MONEY, "统筹基金支付", "basic fund paid", min=0),
        Field("critical_fen", Kind.MONEY, "大病保险支付", "critical-illness insurance paid", min=0),
        Field("assistance_fen", Kind.MONEY, "医疗救助支付", "medical assistance paid", min=0),
        Field("patient_fen", Kind.MONEY, "个人负担", "patient paid", min=0),
        Field("scheme_region", Kind.STRING, "待遇方案地区", "scheme region"),
        Field("scheme_version", Kind.STRING, "待遇方案版本", "scheme version"),
    ),
    key=("encounter_id",),
    partition_by="event_date",
    checks=(
        RowCheck(
            "patient_fen",
            "统筹基金、大病保险、医疗救助与个人负担之和不等于总费用",
            "fund + critical + assistance + patient is not the total",
            _split_mismatch,
        ),
        RowCheck(
            "eligible_fen",
            "政策范围内费用大于总费用",
            "eligible cost exceeds total",
            lambda t: pc.fill_null(pc.greater(t["eligible_fen"], t["cost_total_fen"]), True),
        ),
    ),
    references=(
        ("encounter_id", "encounters"),
        ("person_id", "residents"),
        ("institution_id", "org_units"),
    ),
)

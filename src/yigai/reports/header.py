"""公文要素 of a report: issuing office, document number, recipients, 抄送, 成文日期
(defaults in :mod:`yigai.reports.assemble`).
"""

from __future__ import annotations

import datetime as dt

from yigai.orgs.hierarchy import OrgInfo
from yigai.orgs.model import OrgKind
from yigai.periods import Period
from yigai.reports.model import (
    DocumentHeader,
)

ISSUE_DAY = 15  # 成文日期: the 15th of the month after the period (module docstring)

_SUFFIXES = ("自治县", "县", "市", "区", "旗")


def short_name(name: str) -> str:
    """县简称 for the 发文字号: the name without its 县/市/区 suffix (南凤县 → 南凤)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def issue_date(period: Period) -> dt.date:
    nxt = period.end + dt.timedelta(days=1)
    return dt.date(nxt.year, nxt.month, ISSUE_DAY)


#: Months in which an office issues a quarterly bulletin (the month after each quarter).
BULLETIN_MONTHS = (1, 4, 7, 10)


def sequence_number(issued: dt.date, kind: str) -> int:
    """发文字号的顺序号 of a report in its issuing office's year (a yigai working default).

    An office issuing only yigai's products issues, in each month, the monthly report of
    the month before and, in January, April, July and October, the bulletin of the quarter
    before (on the same day, the report first). Numbering them in that order gives every
    product of one office and year its own number, so a monthly report and a bulletin never
    share 〔2026〕2号. An office with other documents gives its register's number
    (``--doc-number``).
    """
    month = issued.month
    bulletins_before = sum(m < month for m in BULLETIN_MONTHS)
    if kind == "monthly":
        return month + bulletins_before
    return month + bulletins_before + 1


def doc_number(region: OrgInfo, period: Period, kind: str) -> str:
    """发文字号: <简称>医改办〔<issuing year>〕<n>号 (GB/T 9704-2012 7.2.4: the year is the
    year of issue; the bulletin of 2025年第四季度 is issued in 2026)."""
    issued = issue_date(period)
    return f"{short_name(region.name)}医改办〔{issued.year}〕{sequence_number(issued, kind)}号"


#: 主送机关 of a bulletin by the issuing region's kind (a 通报 goes to those it names).
BULLETIN_RECIPIENTS = {
    OrgKind.COUNTY.value: "县医改领导小组各成员单位，各医共体、乡镇卫生院、社区卫生服务中心",
    OrgKind.CITY.value: "市医改领导小组各成员单位，各县（市、区）医改办",
    OrgKind.PROVINCE.value: "省医改领导小组各成员单位，各市医改办",
}


def header(
    region: OrgInfo,
    parent: OrgInfo | None,
    period: Period,
    kind: str,
    *,
    document_number: str | None = None,
    issuer: str | None = None,
) -> DocumentHeader:
    """公文要素 of the report (defaults in the module docstring)."""
    issuer_zh = issuer or f"{region.name}深化医药卫生体制改革领导小组办公室"
    number = document_number or doc_number(region, period, kind)
    if kind == "monthly":
        # 报告 is a report upward, to the leading group the office serves.
        recipients = f"{region.name}深化医药卫生体制改革领导小组"
    else:
        recipients = BULLETIN_RECIPIENTS.get(str(region.kind), "各有关单位")
    cc = f"{parent.name}深化医药卫生体制改革领导小组办公室" if parent is not None else ""
    return DocumentHeader(
        issuer_zh=issuer_zh,
        doc_number=number,
        issue_date=issue_date(period),
        recipients_zh=recipients,
        cc_zh=cc,
    )

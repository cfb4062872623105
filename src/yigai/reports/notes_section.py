"""说明 (notes) of every document: the data's nature, what governs the region, the data version.

Issue 14 §2: the demo region is coherent — its plan, targets and rules are declared in its
deployment (:mod:`yigai.deployment`) and printed in the bulletin's notes, and every document
written from synthetic data says 合成示范数据. Whether the data are synthetic is decided when
the report is assembled, from the deployment in force or the warehouse's demo mark
(:attr:`ReportData.synthetic`), never by a flag the writers' caller passes. The warehouse
table versions read (:attr:`ReportData.warehouse_versions`) are printed so a reader can
compare them with ``yigai warehouse snapshot`` and assemble the same report again from them.
"""

from __future__ import annotations

from collections.abc import Mapping

from yigai.reports.model import ReportData

#: The words every document written from synthetic data carries.
SYNTHETIC_MARK = "合成示范数据"
SYNTHETIC_NOTE = f"本文所用数据均为{SYNTHETIC_MARK}，不代表任何真实地区 / synthetic demo data"
#: Where the mark stands on every page or sheet (DOCX page header, HTML banner).
SYNTHETIC_BANNER = f"{SYNTHETIC_MARK} / synthetic demo data"


def document_notes(data: ReportData) -> list[str]:
    """The 说明 lines: synthetic data first, then what governs the region, then the data
    version. Empty for a report of real data assembled by hand (no deployment, no versions)."""
    lines = list(data.governance_zh)
    if data.synthetic and not any(SYNTHETIC_MARK in line for line in lines):
        lines.insert(0, SYNTHETIC_NOTE)
    if data.warehouse_versions:
        lines.append(versions_line(data.warehouse_versions))
    return lines


def versions_line(versions: Mapping[str, int]) -> str:
    """数据版本: each warehouse table the report read with its version, in name order."""
    listed = "、".join(f"{name} v{version}" for name, version in sorted(versions.items()))
    return (
        f"数据版本：{listed}（数据仓库各表版本，可与 yigai warehouse snapshot 对照，"
        "按此版本汇集可重新生成本文）"
    )


#: DOCX core properties hold at most 255 characters each.
PROPERTY_LIMIT = 255


def properties_text(data: ReportData, limit: int = PROPERTY_LIMIT) -> str:
    """The synthetic mark and the data version for a document's properties, compact; where
    the versions do not fit in ``limit`` characters, a pointer to the 说明 that lists them."""
    parts = [SYNTHETIC_BANNER] if data.synthetic else []
    versions = sorted(data.warehouse_versions.items())
    if versions:
        parts.append("数据版本 " + " ".join(f"{name}:{v}" for name, v in versions))
    text = "；".join(parts)
    if len(text) > limit:
        text = "；".join([*parts[:-1], "数据版本见文末说明 / data versions: see the notes"])
    return text

"""Hand-built inputs for assessment tests: a tiny county, indicator values and targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa

from yigai.assess.model import Scheme, Target

CONSEQUENCES: dict[str, Any] = {
    "commend": {"top": 3, "require_passing": True},
    "warn": {"require_failing": True, "correction_days": 90},
    "remove_head": {"consecutive_lasts": 3},
    "min_ranked": 2,
    "source": "test",
}
GRADES: list[dict[str, Any]] = [
    {"grade": "合格", "name_en": "pass", "min": 60, "passing": True},
    {"grade": "不合格", "name_en": "fail", "min": 0, "passing": False},
]


def item(id: str, weight: Any, rule: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """An item dict; indicator defaults to ``<id>_rate`` unless manual."""
    out: dict[str, Any] = {
        "id": id,
        "name_zh": kw.pop("name_zh", id),
        "name_en": kw.pop("name_en", id),
        "weight": weight,
        "rule": rule,
        "source": "test",
    }
    if not kw.get("manual"):
        out["indicator"] = kw.pop("indicator", f"{id}_rate")
    out.update(kw)
    return out


def make_scheme(items: list[dict[str, Any]], **kw: Any) -> Scheme:
    data: dict[str, Any] = {
        "id": "test_scheme",
        "name_zh": "测试方案",
        "name_en": "Test scheme",
        "source": "test",
        "org_kind": "institution",
        "grain": "quarter",
        "full_marks": sum(Decimal(str(i["weight"])) for i in items),
        "items": items,
        "grades": GRADES,
        "consequences": CONSEQUENCES,
    }
    data.update(kw)
    return Scheme.model_validate(data)


def org_units(rows: list[tuple[str, str, str | None]], **extra: list[Any]) -> pa.Table:
    """org_units from (org_id, kind, parent_id) rows, extra columns by keyword."""
    cols: dict[str, list[Any]] = {
        "org_id": [r[0] for r in rows],
        "kind": [r[1] for r in rows],
        "parent_id": [r[2] for r in rows],
        "name": [f"机构{r[0]}" for r in rows],
    }
    cols.update(extra)
    return pa.table(cols)


def values(rows: list[tuple[str, str, str, str | None]]) -> pa.Table:
    """Indicator result rows (indicator_id, org_id, period_id, value)."""
    n = len(rows)
    return pa.table(
        {
            "indicator_id": [r[0] for r in rows],
            "org_id": [r[1] for r in rows],
            "period_id": [r[2] for r in rows],
            "grain": ["quarter"] * n,
            "numerator": pa.array([None] * n, pa.int64()),
            "denominator": pa.array([None] * n, pa.int64()),
            "value": pa.array([r[3] for r in rows], pa.string()),
            "source": ["computed"] * n,
        }
    )


def target(
    indicator: str,
    value: str,
    baseline: str | None = None,
    scope: str = "*",
    deadline: dt.date = dt.date(2030, 12, 31),
) -> Target:
    return Target(
        indicator, scope, Decimal(value), deadline, None if baseline is None else Decimal(baseline)
    )


def county_units() -> pa.Table:
    """One county C1 with four primary institutions (D a village clinic), and C2 with one."""
    return org_units(
        [
            ("C1", "county", None),
            ("A", "institution", "C1"),
            ("B", "institution", "C1"),
            ("D", "institution", "C1"),
            ("E", "institution", "C1"),
            ("F", "institution", "C2"),
        ],
        inst_type=[
            None,
            "township_centre",
            "township_centre",
            "village_clinic",
            "township_centre",
            "township_centre",
        ],
        agri_population=[None, None, None, 1500, None, None],
    )

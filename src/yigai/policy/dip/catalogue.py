"""DIP catalogue (病种目录库) built from base-year inpatient cases, and its points (病种分值).

Source: 国家医疗保障按病种分值付费（DIP）技术规范（医保办发〔2020〕50号）, read through
secondary sources (恒健知行《按病种分值付费（DIP）技术规范的核心概念》; the 唐山 DIP
grouping notes at drg.fusiontech.cn) because the primary text was not available offline.

Definitions (each choice the spec leaves open is stated):

- **Diagnosis key**: the principal diagnosis's ICD-10 亚目 (category + first digit after the
  point, e.g. ``K35.8``; ``I10`` when there is none) — the spec's "截取主要诊断代码 X00.0".
- **Procedure key**: the principal ICD-9-CM-3 code as recorded (trimmed, upper case); none
  means conservative treatment. Only the principal procedure is used (the encounter record
  holds one).
- **核心病种 core group**: a diagnosis key + procedure key combination with at least
  ``core_case_threshold`` cases over all base years together (unweighted count).
- **综合病种 comprehensive group**: every other case, grouped by ICD-10 category (first three
  characters) × treatment type (:func:`treatment_type`).
- **Means**: for a group, each base year's mean cost is weighted by the base-year weights
  (1:2:7, oldest → latest) over the years in which the group has cases:
  ``m_i = Σ w_y·mean_iy ÷ Σ w_y``; ``M`` is the same over all cases. Means are kept in fen,
  rounded half up to 0.01 fen, and the points are computed from the rounded means so the
  published catalogue reproduces exactly.
- **病种分值 points**: ``RW_i = m_i ÷ M × points_scale``, rounded half up to
  ``points_decimals`` places.
- **Same-level mean** (for outlier cases): the group's mean cost at each institution level in
  the latest base year (the spec's "上一年度同级别定点医疗机构该病种次均医疗总费用").
- **Budget basis** (预算点值): ``T = Σ w_y·total_y ÷ Σ w_y`` (weighted yearly inpatient
  cost) and ``Σ RW_i × n̄_i`` with ``n̄_i = Σ w_y·n_iy ÷ Σ w_y``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import pyarrow as pa

from yigai.policy.dip._common import event_month, input_error, quantize, require_columns
from yigai.policy.dip.parameters import DipParams

_ICD10 = re.compile(r"^([A-Z]\d{2})(?:\.?(\d))?")
_ICD9CM3 = re.compile(r"^(\d{2})(?:\.(\d))?")
_MEAN_PLACES = 2


class Treatment(StrEnum):
    """Treatment type of a comprehensive group (综合病种治疗方式)."""

    CONSERVATIVE = "conservative"  # 保守治疗
    DIAGNOSTIC = "diagnostic"  # 诊断性操作
    THERAPEUTIC = "therapeutic"  # 治疗性操作
    SURGERY = "surgery"  # 相关手术


class GroupKind(StrEnum):
    CORE = "core"  # 核心病种
    COMPREHENSIVE = "comprehensive"  # 综合病种


def diagnosis_key(code: str) -> str:
    """ICD-10 亚目 of a diagnosis code (``K35.800x002`` → ``K35.8``); ValueError when not ICD-10."""
    match = _ICD10.match(code.strip().upper())
    if not match:
        raise ValueError(f"不是 ICD-10 编码：{code!r} / not an ICD-10 code: {code!r}")
    return match[1] + (f".{match[2]}" if match[2] else "")


def procedure_key(code: str | None) -> str:
    """Normalised ICD-9-CM-3 code ('' for none); ValueError when not ICD-9-CM-3."""
    if code is None or not code.strip():
        return ""
    text = code.strip().upper()
    if not _ICD9CM3.match(text):
        raise ValueError(f"不是 ICD-9-CM-3 编码：{code!r} / not an ICD-9-CM-3 code: {code!r}")
    return text


def treatment_type(procedure: str) -> Treatment:
    """Treatment type of a normalised ICD-9-CM-3 procedure key (documented working rule).

    ICD-9-CM-3 chapters 00–86 are operations by body system → surgery (相关手术; this
    includes the interventional and endoscopic procedures coded there); 87–91 (imaging,
    other diagnostic procedures, microscopic examination) and 92.0–92.1 (nuclear-medicine
    scans) → diagnostic (诊断性操作); 92.2 onwards (radiotherapy) and 93–99 (physical therapy,
    non-operative treatments) → therapeutic (治疗性操作); no procedure → conservative
    (保守治疗). The national clinical edition flags each code's type; when a region ships that
    flag, it should replace this chapter rule.
    """
    if not procedure:
        return Treatment.CONSERVATIVE
    match = _ICD9CM3.match(procedure)
    if not match:
        raise ValueError(f"不是 ICD-9-CM-3 编码：{procedure!r} / not an ICD-9-CM-3 code")
    chapter = int(match[1])
    if 87 <= chapter <= 91 or (chapter == 92 and match[2] in ("0", "1")):
        return Treatment.DIAGNOSTIC
    if chapter >= 92:
        return Treatment.THERAPEUTIC
    return Treatment.SURGERY


def core_group_id(diagnosis: str, procedure: str) -> str:
    return f"{diagnosis}+{procedure}" if procedure else diagnosis


def comprehensive_group_id(category: str, treatment: Treatment) -> str:
    return f"{category}:{treatment.value}"


@dataclass(frozen=True)
class DipGroup:
    """One group of the catalogue (病种组合) with its base-year statistics and points."""

    group_id: str
    kind: GroupKind
    diagnosis: str  # 亚目 for a core group, category (3 characters) for a comprehensive one
    procedure: str  # '' for conservative and for comprehensive groups
    treatment: Treatment
    cases: int  # base-year cases, all years together
    weighted_cases: Decimal  # n̄_i, weighted mean yearly cases
    mean_fen: Decimal  # m_i
    points: Decimal  # RW_i × points_scale
    level_means: Mapping[str, Decimal]  # latest base year, by institution level

    def reference_mean(self, level: str) -> Decimal:
        """Mean cost an outlier is judged against: same level in the latest year, else m_i."""
        return self.level_means.get(level, self.mean_fen)


@dataclass(frozen=True)
class DipCatalogue:
    """The DIP catalogue (目录库) of one settlement year."""

    base_years: tuple[int, ...]
    weights: tuple[Decimal, ...]
    overall_mean_fen: Decimal  # M
    weighted_total_cost_fen: Decimal  # T, for the budget point value
    groups: Mapping[str, DipGroup]

    def match(self, diagnosis_code: str, procedure_code: str | None) -> DipGroup | None:
        """The group a case falls in: its core combination, else its comprehensive group."""
        diagnosis = diagnosis_key(diagnosis_code)
        procedure = procedure_key(procedure_code)
        core = self.groups.get(core_group_id(diagnosis, procedure))
        if core is not None and core.kind is GroupKind.CORE:
            return core
        comprehensive = self.groups.get(
            comprehensive_group_id(diagnosis[:3], treatment_type(procedure))
        )
        if comprehensive is not None and comprehensive.kind is GroupKind.COMPREHENSIVE:
            return comprehensive
        return None

    @property
    def weighted_points_total(self) -> Decimal:
        """Σ RW_i × n̄_i: the expected yearly points behind the budget point value."""
        return sum((g.points * g.weighted_cases for g in self.groups.values()), Decimal(0))

    def to_table(self) -> pa.Table:
        """The catalogue as a table (one row per group), Decimals as decimal128 columns."""
        rows = sorted(self.groups.values(), key=lambda g: (g.kind.value, g.group_id))
        return pa.table(
            {
                "group_id": pa.array([g.group_id for g in rows], pa.string()),
                "kind": pa.array([g.kind.value for g in rows], pa.string()),
                "diagnosis": pa.array([g.diagnosis for g in rows], pa.string()),
                "procedure": pa.array([g.procedure for g in rows], pa.string()),
                "treatment": pa.array([g.treatment.value for g in rows], pa.string()),
                "cases": pa.array([g.cases for g in rows], pa.int64()),
                "weighted_cases": pa.array(
                    [quantize(g.weighted_cases, 6) for g in rows], pa.decimal128(24, 6)
                ),
                "mean_fen": pa.array([g.mean_fen for g in rows], pa.decimal128(24, _MEAN_PLACES)),
                "points": pa.array([quantize(g.points, 10) for g in rows], pa.decimal128(30, 10)),
            }
        )


@dataclass(frozen=True)
class InpatientCase:
    """One inpatient case as the DIP rules read it."""

    row: int  # 1-based row in the input table, for error messages
    encounter_id: str | None
    institution_id: str | None
    level: str
    month: int
    diagnosis: str
    procedure: str
    cost_fen: int
    record: Mapping[str, Any]


def read_cases(
    table: pa.Table, name: str, org_units: pa.Table | None = None
) -> list[InpatientCase]:
    """Validated inpatient cases of ``table`` (other care types are skipped).

    Needs ``diagnosis_code``, ``cost_total_fen``, ``event_date`` or ``month``, and the
    institution's ``level`` — a column, or looked up in ``org_units`` by ``institution_id``.
    """
    require_columns(table, name, ("diagnosis_code", "cost_total_fen"))
    if "event_date" not in table.column_names and "month" not in table.column_names:
        raise input_error(
            name, "event_date", "缺少统计日期列（event_date 或 month）", "needs event_date or month"
        )
    levels: dict[str, str] = {}
    if "level" not in table.column_names:
        if org_units is None:
            raise input_error(
                name,
                "level",
                "缺少机构级别：请提供 level 列或 org_units",
                "needs a level column or org_units",
            )
        require_columns(table, name, ("institution_id",))
        require_columns(org_units, "org_units", ("org_id", "level"))
        levels = {
            r["org_id"]: r["level"]
            for r in org_units.select(["org_id", "level"]).to_pylist()
            if r["level"] is not None
        }
    cases = []
    for index, record in enumerate(table.to_pylist()):
        row = index + 1
        if record.get("care_type") not in (None, "inpatient"):
            continue
        level = (
            record.get("level")
            if "level" in record
            else levels.get(record.get("institution_id") or "")
        )
        if not level:
            raise input_error(name, "level", "找不到机构级别", "institution level unknown", row)
        code = record.get("diagnosis_code")
        if not code:
            raise input_error(
                name, "diagnosis_code", "缺少主要诊断", "principal diagnosis missing", row
            )
        try:
            diagnosis = diagnosis_key(code)
        except ValueError as exc:
            raise input_error(
                name, "diagnosis_code", f"无法识别 {code!r}", f"cannot read {code!r}", row
            ) from exc
        try:
            procedure = procedure_key(record.get("procedure_code"))
        except ValueError as exc:
            value = record.get("procedure_code")
            raise input_error(
                name, "procedure_code", f"无法识别 {value!r}", f"cannot read {value!r}", row
            ) from exc
        cost = record.get("cost_total_fen")
        if not isinstance(cost, int) or isinstance(cost, bool) or cost < 0:
            raise input_error(
                name,
                "cost_total_fen",
                "总费用须为非负整数分",
                "total cost must be whole non-negative fen",
                row,
            )
        cases.append(
            InpatientCase(
                row=row,
                encounter_id=record.get("encounter_id"),
                institution_id=record.get("institution_id"),
                level=level,
                month=event_month(record, name, index),
                diagnosis=diagnosis,
                procedure=procedure,
                cost_fen=cost,
                record=record,
            )
        )
    return cases


def _weighted_mean(
    by_year: Mapping[int, tuple[int, int]], weights: Mapping[int, Decimal]
) -> Decimal:
    """Σ w_y·(sum_y ÷ n_y) ÷ Σ w_y over years with cases; plain mean when those weights are 0."""
    present = [y for y, (_, n) in by_year.items() if n]
    total_weight = sum((weights[y] for y in present), Decimal(0))
    if total_weight == 0:
        cost = sum(by_year[y][0] for y in present)
        count = sum(by_year[y][1] for y in present)
        return Decimal(cost) / Decimal(count)
    return (
        sum(
            (weights[y] * Decimal(by_year[y][0]) / Decimal(by_year[y][1]) for y in present),
            Decimal(0),
        )
        / total_weight
    )


def build_catalogue(
    base_cases: pa.Table,
    params: DipParams,
    *,
    base_years: Sequence[int] | None = None,
    org_units: pa.Table | None = None,
) -> DipCatalogue:
    """Build the DIP catalogue from base-year inpatient cases (see the module docstring).

    ``base_years`` default to the distinct years of the cases; with fewer years than weights
    the latest weights are used (two years → 2:7). Cases outside ``base_years`` are ignored.
    """
    cases = read_cases(base_cases, "base_cases", org_units)
    years = tuple(sorted(base_years if base_years is not None else {c.month // 100 for c in cases}))
    if not years:
        raise input_error(
            "base_cases", "event_date", "没有基准年住院病例", "no base-year inpatient cases"
        )
    if len(years) > len(params.base_year_weights):
        raise ValueError(
            f"基准年 {len(years)} 个，多于权重 {len(params.base_year_weights)} 个 / "
            f"{len(years)} base years but only {len(params.base_year_weights)} weights"
        )
    weights = dict(zip(years, params.base_year_weights[-len(years) :], strict=True))
    cases = [c for c in cases if c.month // 100 in weights]
    if not cases:
        raise input_error(
            "base_cases",
            "event_date",
            "基准年内没有住院病例",
            "no inpatient cases in the base years",
        )

    combination_cases: dict[tuple[str, str], int] = defaultdict(int)
    for case in cases:
        combination_cases[(case.diagnosis, case.procedure)] += 1
    core = {k for k, n in combination_cases.items() if n >= params.core_case_threshold}

    def group_of(case: InpatientCase) -> tuple[str, GroupKind, str, str, Treatment]:
        treatment = treatment_type(case.procedure)
        if (case.diagnosis, case.procedure) in core:
            gid = core_group_id(case.diagnosis, case.procedure)
            return gid, GroupKind.CORE, case.diagnosis, case.procedure, treatment
        category = case.diagnosis[:3]
        return (
            comprehensive_group_id(category, treatment),
            GroupKind.COMPREHENSIVE,
            category,
            "",
            treatment,
        )

    latest = years[-1]
    stats: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    level_stats: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    year_stats: dict[int, list[int]] = {y: [0, 0] for y in years}
    describe: dict[str, tuple[GroupKind, str, str, Treatment]] = {}
    for case in cases:
        gid, kind, diagnosis, procedure, treatment = group_of(case)
        describe[gid] = (kind, diagnosis, procedure, treatment)
        year = case.month // 100
        for bucket in (stats[gid][year], year_stats[year]):
            bucket[0] += case.cost_fen
            bucket[1] += 1
        if year == latest:
            level_stats[gid][case.level][0] += case.cost_fen
            level_stats[gid][case.level][1] += 1

    overall = quantize(
        _weighted_mean({y: tuple(s) for y, s in year_stats.items()}, weights), _MEAN_PLACES
    )
    if overall == 0:
        raise input_error(
            "base_cases",
            "cost_total_fen",
            "全部病例均次费用为 0，无法计算分值",
            "mean cost of all cases is 0",
        )
    weight_sum = sum(weights.values(), Decimal(0))
    groups = {}
    for gid, by_year in stats.items():
        kind, diagnosis, procedure, treatment = describe[gid]
        mean = quantize(
            _weighted_mean({y: tuple(s) for y, s in by_year.items()}, weights), _MEAN_PLACES
        )
        groups[gid] = DipGroup(
            group_id=gid,
            kind=kind,
            diagnosis=diagnosis,
            procedure=procedure,
            treatment=treatment,
            cases=sum(n for _, n in by_year.values()),
            weighted_cases=sum((weights[y] * n for y, (_, n) in by_year.items()), Decimal(0))
            / weight_sum,
            mean_fen=mean,
            points=quantize(mean / overall * params.points_scale, params.points_decimals),
            level_means=MappingProxyType(
                {
                    level: quantize(Decimal(total) / Decimal(n), _MEAN_PLACES)
                    for level, (total, n) in level_stats[gid].items()
                }
            ),
        )
    total_cost = sum((weights[y] * year_stats[y][0] for y in years), Decimal(0)) / weight_sum
    return DipCatalogue(
        base_years=years,
        weights=tuple(weights[y] for y in years),
        overall_mean_fen=overall,
        weighted_total_cost_fen=total_cost,
        groups=MappingProxyType(groups),
    )

"""Manual inputs of the demo county (示范县的人工填报数据), synthetic and seeded.

Some numbers a county bulletin prints never come from record feeds: values reported by the
communities (上报数), progress on the reform plan (重点任务进展) and the assessors' scores
(手工评分). :func:`seed_manual_inputs` supplies plausible ones for the demo county through the
same public paths a county's staff use, so they are validated exactly as real input is:

- **reported values** — a CSV in the aggregates template layout, imported with
  :func:`yigai.aggregates.import_file` (every row's 备注 says it is synthetic; its 填报人
  (filled by) is :data:`USER`): for every month, quarter and year of ``years``, for each community
  and the county, the catalogue's ``reported`` indicators —
  牵头医院出院患者三、四级手术比例 (grade 3–4 operations ÷ discharges of the lead hospital;
  a quarter or year sums its months), 县级医院医疗服务能力基本标准达标率 (county hospitals meeting
  the standard ÷ county hospitals, as at the period's end) and 基层医疗卫生机构服务能力标准达标率
  (township and community health centres meeting the standard ÷ those centres, at the end;
  the units reach their standard one after another across the demo years, so both rates rise
  to 100% by the end; county-level only, as these rates describe the county);
- **reform progress** — the plan the deployment assigns the county (the demo deployment's
  :data:`PLAN`, the demo county's own 2024–2025 plan) loaded with
  :func:`yigai.reform.load_plan` and progress entered with :func:`yigai.reform.report_progress`
  as the county's own progress (``unit`` = the county; note :data:`NOTE`): tasks with a deadline are done on a date before it, except
  :data:`LATE_TASKS` overdue ones still in progress; open-ended tasks (长期/持续) mostly report
  progress during the demo years, a few done;
- **manual assessment scores** — one CSV per quarter of ``years`` in the assessment's manual-
  score layout (``org_id,item_id,value,note``), stored in the operational store with
  :func:`yigai.assess.stored.import_scores` (what ``yigai assess --manual`` does), for every
  primary institution of the county that
  the ``primary_institution`` scheme assesses: 公共卫生服务职能履行 and 群众满意度 as points
  within the item's weight, 违反基本药物制度 as a count of breaches.

Deterministic: a ``random.Random(seed)`` per input kind, so the same seed writes the same bytes
and a second call changes nothing (the import is ``already_imported``; a progress entry equal
to a stored one is not added again). Values are drawn inside their valid ranges by construction
and still pass every validator.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from yigai import aggregates, assess, reform
from yigai.aggregates.layout import COLUMNS
from yigai.assess.stored import import_scores, stored_scores
from yigai.indicators import catalogue as catalogue_mod
from yigai.orgs.hierarchy import OrgInfo, org_info
from yigai.periods import Grain, Period, periods_of_year
from yigai.records.versions import read_in_force
from yigai.store import ReformProgress, ReformTask
from yigai.warehouse import Warehouse

#: Every stored row and file says where it came from.
NOTE = "合成示范数据 / synthetic demo input"
USER = "synthetic-demo"

#: The demo deployment's plan (yigai/deployment/data/demo.yaml): the demo county's own plan,
#: laid out after seed 002's county-community plan, with the demo years' deadlines.
PLAN = "demo-2025"
#: How many tasks with a deadline are left overdue (still in progress at the demo's end).
LATE_TASKS = 2
#: Share of open-ended tasks reported done; the rest report progress.
OPEN_DONE_SHARE = Decimal("0.3")

SCHEME = "primary_institution"

SURGERY = "lead_hospital_grade34_surgery_share"
COUNTY_STANDARD = "county_hospital_capability_standard_rate"
PRIMARY_STANDARD = "primary_capability_standard_rate"
REPORTED = (SURGERY, COUNTY_STANDARD, PRIMARY_STANDARD)

COUNTY_HOSPITALS = frozenset({"county_general", "county_tcm", "county_mch"})
CENTRES = frozenset({"township_centre", "community_centre"})


class ManualInputError(ValueError):
    """The demo's manual inputs were rejected by a validator (a bug: they are valid by
    construction); the message carries the validator's own."""


@dataclass
class ManualInputs:
    """What :func:`seed_manual_inputs` wrote and where."""

    aggregates_file: Path
    aggregates: aggregates.ImportReport
    plan_id: str
    progress_added: int
    manual_score_files: dict[str, Path] = field(default_factory=dict)
    #: period id → table ``org_id, item_id, value, note``: the scores as stored (every
    #: command reads them from the store, :func:`yigai.assess.stored.stored_scores`)
    manual_scores: dict[str, pa.Table] = field(default_factory=dict)


def seed_manual_inputs(
    session: Session,
    wh: Warehouse,
    *,
    county_id: str,
    years: tuple[int, ...],
    seed: int,
    inputs_dir: Path | None = None,
) -> ManualInputs:
    """Supply the demo county's reported values, reform progress and manual scores (module
    docstring). Files go to ``inputs_dir`` (default: ``inputs`` next to the warehouse)."""
    info = org_info(wh.read("org_units"))
    if county_id not in info:
        raise ManualInputError(
            f"机构表中没有县 {county_id} / org_units holds no county {county_id}"
        )
    folder = inputs_dir or wh.root.parent / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    years = tuple(sorted(years))

    agg_path = _write_csv(
        folder / f"synthetic_reported_{county_id}_{years[0]}_{years[-1]}.csv",
        reported_rows(info, county_id, years, seed),
    )
    cat = catalogue_mod.default()
    report = aggregates.import_file(
        session,
        agg_path,
        catalogue_ids=[i for i in cat if i.id in REPORTED],
        org_ids=set(info),
        filled_by=USER,
    )
    if report.status not in ("committed", "already_imported", "unchanged"):
        raise ManualInputError("\n".join(f"{r}" for r in report.rejections[:10]))

    added = seed_progress(session, years, seed, county_id)

    files: dict[str, Path] = {}
    scheme = assess.load_scheme(SCHEME)
    units = read_in_force(wh, "org_units")
    for pid, rows in manual_score_rows(info, county_id, years, seed).items():
        path = assess.write_manual_scores(
            folder / f"synthetic_{SCHEME}_{county_id}_{pid}.csv", rows
        )
        # the user's path (`yigai assess --manual`): checked against the scheme, then stored
        import_scores(session, path, scheme, pid, units)
        files[pid] = path
    tables = stored_scores(session, SCHEME, files)
    return ManualInputs(agg_path, report, plan_of(county_id), added, files, tables)


# --- reported values -----------------------------------------------------------------------


def _children(info: dict[str, OrgInfo], parent: str) -> list[OrgInfo]:
    return sorted((u for u in info.values() if u.parent_id == parent), key=lambda u: u.org_id)


def reported_rows(
    info: dict[str, OrgInfo], county_id: str, years: Sequence[int], seed: int
) -> list[dict[str, str]]:
    """Template rows (numerator/denominator) of the reported indicators (module docstring)."""
    rng = random.Random(f"{seed}:reported")
    members = _children(info, county_id)
    communities = [u for u in members if u.kind == "community"]
    hospitals = [u for u in members if u.inst_type in COUNTY_HOSPITALS]
    centres = [u for u in members if u.inst_type in CENTRES]
    months = [p for y in years for p in periods_of_year(y, (Grain.MONTH,))]
    rows: list[dict[str, str]] = []

    # Grade 3–4 surgery: discharges and operations per month, the share drifting up a little
    # as the lead hospital's capability grows (the point of seed 002's 能力提升).
    surgery: dict[str, dict[str, tuple[int, int]]] = {}
    for c in communities:
        share = Decimal(rng.randint(180, 240)) / 1000
        monthly = {}
        for p in months:
            discharges = rng.randint(160, 260)
            share = min(share + Decimal(rng.randint(-4, 8)) / 1000, Decimal("0.45"))
            operations = int((discharges * share).to_integral_value(ROUND_HALF_UP))
            monthly[p.id] = (operations, discharges)
        surgery[c.org_id] = monthly
    # Capability standards: units reach the standard one after another over the demo years
    # (the county works through them), in a seeded order with a few months' jitter; the month
    # each first meets it fixes the counts at every period's end.
    met_from: dict[str, str] = {}
    for group in (hospitals, centres):
        order = list(group)
        rng.shuffle(order)
        for k, u in enumerate(order):
            at = (k + 1) * len(months) // (len(order) + 1) + rng.randint(-2, 2)
            met_from[u.org_id] = months[min(max(at, 0), len(months) - 1)].id

    def met(units: list[OrgInfo], period: Period) -> int:
        end = Period.month(period.end.year, period.end.month).id
        return sum(1 for u in units if met_from[u.org_id] <= end)

    periods = [p for y in years for p in periods_of_year(y, tuple(Grain))]
    for p in periods:
        inside = [m.id for m in months if p.start <= m.start and m.end <= p.end]
        for c in communities:
            num = sum(surgery[c.org_id][m][0] for m in inside)
            den = sum(surgery[c.org_id][m][1] for m in inside)
            rows.append(_row(SURGERY, c, p, num, den))
        if communities:
            num = sum(surgery[c.org_id][m][0] for c in communities for m in inside)
            den = sum(surgery[c.org_id][m][1] for c in communities for m in inside)
            rows.append(_row(SURGERY, info[county_id], p, num, den))
        if hospitals:
            rows.append(
                _row(COUNTY_STANDARD, info[county_id], p, met(hospitals, p), len(hospitals))
            )
        if centres:
            rows.append(_row(PRIMARY_STANDARD, info[county_id], p, met(centres, p), len(centres)))
    return rows


def _row(indicator: str, unit: OrgInfo, period: Period, num: int, den: int) -> dict[str, str]:
    return {
        "indicator_id": indicator,
        "org_id": unit.org_id,
        "period_id": period.id,
        "numerator": str(num),
        "denominator": str(den),
        "org_name": unit.name,
        "note": NOTE,
    }


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    keys = [c.key for c in COLUMNS]
    lines = [",".join(keys)]
    for r in rows:
        # no field holds a comma or quote (ids, digits, names, NOTE), so no quoting is needed
        lines.append(",".join(r.get(k, "") for k in keys))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


# --- reform progress -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressEntry:
    code: str
    on: dt.date
    percent: int
    reporter: str


def progress_plan(years: Sequence[int], seed: int, plan: str = PLAN) -> list[ProgressEntry]:
    """The progress entries of ``plan`` (module docstring), oldest first per task."""
    rng = random.Random(f"{seed}:reform")
    spec = reform.plan_spec(plan)
    dated = [t for t in spec.tasks if t.deadline is not None]
    open_ended = [t for t in spec.tasks if t.deadline is None]
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
    # only a task due before the demo's last day can be overdue on it
    can_be_late = [t.code for t in dated if t.deadline is not None and t.deadline < last]
    late = set(rng.sample(can_be_late, min(LATE_TASKS, len(can_be_late))))
    out: list[ProgressEntry] = []
    issued = spec.issued or dt.date(2019, 12, 1)
    for t in dated:
        assert t.deadline is not None
        who = t.lead or "县医改办"
        span = max((t.deadline - issued).days, 2)
        half = issued + dt.timedelta(days=rng.randint(1, span // 2))
        out.append(ProgressEntry(t.code, half, rng.choice((30, 40, 50, 60)), who))
        if t.code in late:
            # still short of done in the demo years: overdue at every bulletin date
            out.append(
                ProgressEntry(
                    t.code,
                    first + dt.timedelta(days=rng.randint(30, 300)),
                    rng.choice((70, 80)),
                    who,
                )
            )
            out.append(
                ProgressEntry(
                    t.code, last - dt.timedelta(days=rng.randint(20, 60)), rng.choice((85, 90)), who
                )
            )
        else:
            done = t.deadline - dt.timedelta(
                days=rng.randint(0, max((t.deadline - half).days - 1, 0))
            )
            out.append(ProgressEntry(t.code, max(done, half + dt.timedelta(days=1)), 100, who))
    done_open = set(
        rng.sample([t.code for t in open_ended], int(len(open_ended) * OPEN_DONE_SHARE))
    )
    for t in open_ended:
        who = t.lead or "县医改办"
        start = first + dt.timedelta(days=rng.randint(20, 200))
        out.append(ProgressEntry(t.code, start, rng.choice((20, 30, 40)), who))
        later = last - dt.timedelta(days=rng.randint(15, 120))
        percent = 100 if t.code in done_open else rng.choice((50, 60, 70, 80, 90))
        out.append(ProgressEntry(t.code, later, percent, who))
    return out


def seed_progress(session: Session, years: Sequence[int], seed: int, county_id: str) -> int:
    """Load the county's plan and enter its own progress; returns how many entries were new."""
    plan = plan_of(county_id)
    reform.load_plan(session, plan)
    stored = {
        (code, p.reported_on, p.percent, p.reporter, p.note)
        for code, p in session.execute(
            select(ReformTask.code, ReformProgress)
            .join(ReformProgress, ReformProgress.task_id == ReformTask.id)
            .where(ReformTask.plan_id == plan, ReformProgress.unit == county_id)
        )
    }
    added = 0
    for e in progress_plan(years, seed, plan):
        if (e.code, e.on, e.percent, e.reporter, NOTE) in stored:
            continue
        reform.report_progress(
            session,
            plan,
            e.code,
            reported_on=e.on,
            percent=e.percent,
            reporter=e.reporter,
            note=NOTE,
            unit=county_id,
        )
        added += 1
    session.flush()
    return added


def plan_of(county_id: str) -> str:
    """The plan the active deployment assigns the county (:data:`PLAN` when none)."""
    from yigai import deployment

    rule = deployment.active().rule_for(county_id, kind="county")
    return rule.plan if rule is not None and rule.plan is not None else PLAN


# --- manual assessment scores ----------------------------------------------------------------


def manual_score_rows(
    info: dict[str, OrgInfo], county_id: str, years: Sequence[int], seed: int
) -> dict[str, list[dict[str, str]]]:
    """Per quarter, the scores of every unit the scheme assesses in the county (module doc).

    Each unit has a steady level of performance plus quarterly noise, so rankings are stable
    enough to read but not frozen; points are in steps of 0.5 within the item's weight.
    """
    rng = random.Random(f"{seed}:manual")
    scheme = assess.load_scheme(SCHEME)
    types = {str(t) for t in scheme.inst_types}
    units = [
        u for u in _children(info, county_id) if u.kind == "institution" and u.inst_type in types
    ]
    level = {u.org_id: Decimal(rng.randint(70, 95)) / 100 for u in units}
    out: dict[str, list[dict[str, str]]] = {}
    for y in years:
        for q in periods_of_year(y, (Grain.QUARTER,)):
            rows = []
            for u in units:
                for item in scheme.items:
                    if not item.manual:
                        continue
                    if item.rule.kind == "entered":
                        share = min(
                            max(level[u.org_id] + Decimal(rng.randint(-8, 8)) / 100, Decimal(0)),
                            Decimal(1),
                        )
                        value = (item.weight * share * 2).to_integral_value(ROUND_HALF_UP) / 2
                        text = f"{value:.1f}"
                    else:  # penalty: a count of breaches, mostly none
                        text = str(rng.choices((0, 1, 2), weights=(85, 12, 3))[0])
                    rows.append(
                        {"org_id": u.org_id, "item_id": item.id, "value": text, "note": NOTE}
                    )
            out[q.id] = rows
    return out

"""Encounters (就诊记录) and referrals (双向转诊) of a chunk of residents in one year.

Per resident-year, outpatient visits and admissions are Poisson with rates by age and chronic
condition and a per-person gamma frailty (``care.*`` in the calibration). Each encounter picks
a month (winter peak), a care level from shares that depend on the month (a per-county random
shift plus a drift toward the seed 002 targets over time), then an institution of that level:
village clinic / station = the resident's home unit, township = its centre, county = a county
hospital, city / province = a hospital of the resident's city / the province.

Costs are lognormal integer fen per level (seed 003 金安区 for the township level), grown by
``care.cost_growth_per_year``, split into the ten cost lines with integer arithmetic: each line
is ``total × cumulative basis points // 10000`` differenced, so the lines sum to the total
exactly. Out-of-scope cost is ``total × bp // 10000`` with bp drawn in the calibrated band
(floor, never above the total).

Referrals: hospital encounters booked ``referral`` come with an up-referral from the resident's
centre or home unit (completed; green channel when the resident's family-doctor team referred a
contracted resident); some hospital discharges are referred down to the home centre with a
follow-up visit there; a share of extra referrals are rejected, cancelled or expired.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from yigai.orgs.model import PRIMARY_TYPES
from yigai.orgs.model import InstitutionType as IT
from yigai.records import schemas
from yigai.synth.calibration import Calibration, CalibrationError
from yigai.synth.config import SynthConfig
from yigai.synth.people import Cohort
from yigai.synth.region import County, Higher
from yigai.synth.tables import dates, day_number, half_up, padded, pick, rng, to_table

LEVELS = ("village", "township", "county", "private", "city", "province")
VILLAGE, TOWNSHIP, COUNTY, PRIVATE, CITY, PROVINCE = range(6)
#: What a level can treat, for the case-mix "lowest level" column.
_CAPABILITY = np.array([0, 1, 2, 2, 3, 4])
_MIN_RANK = {"township": 1, "county": 2, "city": 3, "province": 4}
COST_LINES = tuple(name for name, _, _ in schemas.COST_FIELDS)
_BP = 10_000  # basis points
_SPLIT_ROWS = 200_000


@dataclass(frozen=True)
class Units:
    """Every institution a county's residents may visit, with offsets per level."""

    ids: tuple[str, ...]
    types: np.ndarray  # InstitutionType value per unit
    home0: int
    centre0: int
    county0: int
    county_w: np.ndarray
    private0: int
    n_private: int
    city0: int
    city_w: np.ndarray
    province0: int
    province_w: np.ndarray


def units_of(county: County, higher: Higher, cal: Calibration) -> Units:
    insts = {i.org_id: i for i in county.institutions}
    ids: list[str] = list(county.home_units) + list(county.centres)
    types = [insts[i].inst_type.value for i in ids]
    county0 = len(ids)
    weights = cal["care.county_hospital_weights"]
    hosp = county.county_hospitals
    per_type = {t: sum(1 for h in hosp if h.inst_type.value == t) for t in weights}
    county_w = np.array(
        [
            float(weights.get(h.inst_type.value, 0.0)) / max(1, per_type.get(h.inst_type.value, 1))
            for h in hosp
        ]
    )
    ids += [h.org_id for h in hosp]
    types += [h.inst_type.value for h in hosp]
    private0 = len(ids)
    ids += [p.org_id for p in county.private]
    types += [IT.PRIVATE.value] * len(county.private)
    city0 = len(ids)
    cities = higher.city_hospitals[county.city_index]
    ids += [h.org_id for h in cities]
    types += [h.inst_type.value for h in cities]
    province0 = len(ids)
    ids += [h.org_id for h in higher.province_hospitals]
    types += [h.inst_type.value for h in higher.province_hospitals]
    return Units(
        ids=tuple(ids),
        types=np.array(types),
        home0=0,
        centre0=len(county.home_units),
        county0=county0,
        county_w=county_w / county_w.sum(),
        private0=private0,
        n_private=len(county.private),
        city0=city0,
        city_w=np.array([h.weight for h in cities]) / sum(h.weight for h in cities),
        province0=province0,
        province_w=np.array([h.weight for h in higher.province_hospitals])
        / sum(h.weight for h in higher.province_hospitals),
    )


def level_shares(base: list[float], in_shift: float, primary_shift: float) -> np.ndarray:
    """Level shares after moving ``in_shift`` from out-of-county to county level and
    ``primary_shift`` from county level to village/township (each proportionally)."""
    p = np.array(base, dtype=float)
    out = p[CITY] + p[PROVINCE]
    p[CITY] -= in_shift * p[CITY] / out
    p[PROVINCE] -= in_shift * p[PROVINCE] / out
    p[COUNTY] += in_shift
    primary = p[VILLAGE] + p[TOWNSHIP]
    p[VILLAGE] += primary_shift * p[VILLAGE] / primary
    p[TOWNSHIP] += primary_shift * p[TOWNSHIP] / primary
    p[COUNTY] -= primary_shift
    if (p < 0).any():
        raise ValueError("level shares went negative: county effects or drift too large")
    return p / p.sum()


def season_weights(cal: Calibration) -> np.ndarray:
    amp = float(cal["care.season_amplitude"])
    w = 1.0 + amp * np.cos(2 * np.pi * np.arange(12) / 12)
    return w / w.sum()


def _month_days(year: int, months: np.ndarray, gen: np.random.Generator) -> np.ndarray:
    """A uniform day inside each given month (1–12) of ``year``, as day numbers."""
    starts = np.array(
        [day_number(dt.date(year, m, 1)) for m in range(1, 13)]
        + [day_number(dt.date(year + 1, 1, 1))]
    )
    first = starts[months - 1]
    length = starts[months] - first
    return first + (gen.random(len(months)) * length).astype(np.int64)


def _sample_levels(gen: np.random.Generator, probs: np.ndarray, month: np.ndarray) -> np.ndarray:
    cum = np.cumsum(probs, axis=1)[month - 1]
    u = gen.random(len(month))
    return np.minimum((u[:, None] >= cum).sum(axis=1), probs.shape[1] - 1)


def _choose_units(
    gen: np.random.Generator, u: Units, level: np.ndarray, home: np.ndarray, centre: np.ndarray
) -> np.ndarray:
    n = len(level)
    out = np.empty(n, dtype=np.int64)
    for lv, pick_fn in (
        (VILLAGE, lambda m: u.home0 + home[m]),
        (TOWNSHIP, lambda m: u.centre0 + centre[m]),
        (
            COUNTY,
            lambda m: u.county0 + gen.choice(len(u.county_w), size=int(m.sum()), p=u.county_w),
        ),
        (PRIVATE, lambda m: u.private0 + gen.integers(0, u.n_private, size=int(m.sum()))),
        (CITY, lambda m: u.city0 + gen.choice(len(u.city_w), size=int(m.sum()), p=u.city_w)),
        (
            PROVINCE,
            lambda m: (
                u.province0 + gen.choice(len(u.province_w), size=int(m.sum()), p=u.province_w)
            ),
        ),
    ):
        mask = level == lv
        if mask.any():
            out[mask] = pick_fn(mask)
    return out


def split_costs(
    gen: np.random.Generator,
    total: np.ndarray,
    shares: dict[str, float],
    conc: float,
    tcm: np.ndarray,
    herbal: float,
) -> dict[str, np.ndarray]:
    """Split integer ``total`` fen into the cost lines; the lines sum to the total exactly.

    Works in slices of :data:`_SPLIT_ROWS` rows to bound the temporary matrices."""
    if len(total) > _SPLIT_ROWS:
        parts = [
            split_costs(
                gen, total[i : i + _SPLIT_ROWS], shares, conc, tcm[i : i + _SPLIT_ROWS], herbal
            )
            for i in range(0, len(total), _SPLIT_ROWS)
        ]
        return {name: np.concatenate([p[name] for p in parts]) for name in COST_LINES}
    mean = np.array([float(shares[name]) for name in COST_LINES])
    alpha = np.tile(mean, (len(total), 1))
    w, h = COST_LINES.index("cost_drug_western_fen"), COST_LINES.index("cost_herbal_fen")
    moved = min(herbal, mean[w])
    alpha[tcm, w] -= moved
    alpha[tcm, h] += moved
    draws = gen.gamma(alpha * conc)
    sums = draws.sum(axis=1, keepdims=True)
    shares_row = np.divide(draws, sums, out=np.tile(mean, (len(total), 1)), where=sums > 0)
    bp = np.rint(np.cumsum(shares_row, axis=1) * _BP).astype(np.int64)
    bp = np.minimum(np.maximum.accumulate(bp, axis=1), _BP)
    bp[:, -1] = _BP
    cum = total[:, None] * bp // _BP
    lines = np.diff(cum, axis=1, prepend=0)
    return {name: lines[:, i] for i, name in enumerate(COST_LINES)}


def _lognormal_fen(
    gen: np.random.Generator, median_yuan: np.ndarray, sigma: np.ndarray, growth: np.ndarray
) -> np.ndarray:
    fen = median_yuan * 100.0 * growth * np.exp(sigma * gen.standard_normal(len(median_yuan)))
    return np.maximum(np.rint(fen), 100).astype(np.int64)


@dataclass
class _Part:
    """Columns of one kind of encounter, before they become an Arrow table."""

    person: np.ndarray
    unit: np.ndarray
    level: np.ndarray
    care: np.ndarray
    visit: np.ndarray
    discharge: np.ndarray  # -1 = none
    diag: np.ndarray
    proc: np.ndarray  # "" = none
    dept: np.ndarray
    tcm: np.ndarray
    booking: np.ndarray
    total: np.ndarray
    lines: dict[str, np.ndarray]
    oos: np.ndarray


def generate_care(
    config: SynthConfig,
    cal: Calibration,
    county: County,
    higher: Higher,
    cohort: Cohort,
    chunk: int,
    year: int,
    contracted: np.ndarray,
) -> tuple[pa.Table, pa.Table]:
    """(encounters, referrals) of the chunk's residents in ``year``."""
    if tuple(cal["care.levels"]) != LEVELS:
        raise CalibrationError(
            cal.path,
            "care.levels",
            f"层级顺序应为 {list(LEVELS)}",
            f"levels must be {list(LEVELS)}",
        )
    gen = rng(config.seed, "care", county.index, chunk, year)
    u = units_of(county, higher, cal)
    step = year - config.years[0]
    age = cohort.age + step
    n = len(cohort)
    band = np.digitize(age, [7, 18, 45, 65])
    hyp, dia = cohort.groups["hypertension"], cohort.groups["diabetes"]
    frailty = gen.gamma(
        float(cal["care.frailty_shape"]), 1.0 / float(cal["care.frailty_shape"]), size=n
    )

    out_rate = np.array(cal["care.outpatient_age_factor"], dtype=float)[band]
    out_rate = out_rate / out_rate.mean() * float(cal["care.outpatient_per_resident"])
    out_rate = out_rate + float(cal["care.chronic_extra_visits"]) * (hyp.astype(float) + dia)
    out_rate *= float(cal["care.outpatient_per_resident"]) / out_rate.mean()
    adm_rate = np.array(cal["care.admission_age_factor"], dtype=float)[band]
    adm_rate = adm_rate / adm_rate.mean() * float(cal["care.admissions_per_resident"])
    n_out = gen.poisson(out_rate * frailty)
    n_adm = gen.poisson(adm_rate * frailty)

    season = season_weights(cal)
    eff, drift = county.effects, cal["care.drift_per_year"]
    t = step + (np.arange(12) + 0.5) / 12
    out_probs = np.stack(
        [
            level_shares(
                cal["care.outpatient_level_shares"],
                eff["in_county"] + float(drift["in_county"]) * ti,
                eff["primary"] + float(drift["primary"]) * ti,
            )
            for ti in t
        ]
    )
    adm_probs = np.stack(
        [
            level_shares(
                cal["care.admission_level_shares"],
                eff["admission_in_county"] + float(drift["admission_in_county"]) * ti,
                0.0,
            )
            for ti in t
        ]
    )
    growth = (1.0 + float(cal["care.cost_growth_per_year"])) ** t
    tcm_share = cal["care.tcm_share"]
    primary_types = [x.value for x in PRIMARY_TYPES]

    def tcm_flags(unit: np.ndarray) -> np.ndarray:
        ty = u.types[unit]
        p = np.where(
            np.isin(ty, primary_types),
            float(tcm_share["primary"]),
            np.where(
                ty == IT.COUNTY_TCM.value, float(tcm_share["county_tcm"]), float(tcm_share["other"])
            ),
        )
        return gen.random(len(unit)) < p

    conc = float(cal["care.cost_line_concentration"])
    herbal = float(cal["care.tcm_herbal_share"])
    oos_lo, oos_hi = (half_up(float(x) * _BP) for x in cal["care.out_of_scope_share"])

    # ---------------------------------------------------------------- outpatient
    person = np.repeat(np.arange(n), n_out)
    m = len(person)
    month = gen.choice(12, size=m, p=season) + 1
    visit = _month_days(year, month, gen)
    level = _sample_levels(gen, out_probs, month)
    unit = _choose_units(gen, u, level, cohort.home[person], cohort.centre[person])
    hospital = (level == COUNTY) | (level == CITY) | (level == PROVINCE)
    care = np.where(
        hospital & (gen.random(m) < float(cal["care.emergency_share"])), "emergency", "outpatient"
    )
    dx = cal["care.outpatient_diagnoses"]
    dx_codes = np.array([d[0] for d in dx])
    dx_w = np.array([float(d[1]) for d in dx])
    dx_dept = np.array([d[2] for d in dx])
    k = gen.choice(len(dx), size=m, p=dx_w / dx_w.sum())
    diag, dept = dx_codes[k], dx_dept[k]
    chronic_share = cal["care.chronic_visit_diagnosis_share"]
    r = gen.random(m)
    as_hyp = hyp[person] & (r < float(chronic_share["hypertension"]))
    as_dia = ~as_hyp & dia[person] & (r >= 1 - float(chronic_share["diabetes"]))
    diag = np.where(as_hyp, "I10", np.where(as_dia, "E11.9", diag))
    dept = np.where(as_hyp, "内科", np.where(as_dia, "内分泌科", dept))
    tcm = tcm_flags(unit)
    dept = np.where(level <= TOWNSHIP, "全科", dept)
    dept = np.where(tcm, "中医科", dept)
    booking = np.full(m, "walk_in", dtype=object)
    bshares = cal["care.booking"]
    rb = gen.random(m)
    for lv, name in ((COUNTY, "county"), (CITY, "city"), (PROVINCE, "province")):
        appt, ref = float(bshares[name]["appointment"]), float(bshares[name]["referral"])
        sel = (level == lv) & (care == "outpatient")
        booking[sel & (rb < appt)] = "appointment"
        booking[sel & (rb >= appt) & (rb < appt + ref)] = "referral"
    cost = cal["care.outpatient_cost_yuan"]
    med = np.array([float(cost[lv][0]) for lv in LEVELS])[level]
    sig = np.array([float(cost[lv][1]) for lv in LEVELS])[level]
    total = _lognormal_fen(gen, med, sig, growth[month - 1])
    outp = _Part(
        person,
        unit,
        level,
        care,
        visit,
        np.full(m, -1, dtype=np.int64),
        diag,
        np.full(m, "", dtype=object),
        dept,
        tcm,
        booking,
        total,
        split_costs(gen, total, cal["care.cost_lines_outpatient"], conc, tcm, herbal),
        total * gen.integers(oos_lo, oos_hi + 1, size=m) // _BP,
    )

    # ---------------------------------------------------------------- inpatient
    person = np.repeat(np.arange(n), n_adm)
    m = len(person)
    month = gen.choice(12, size=m, p=season) + 1
    discharge = _month_days(year, month, gen)
    level = _sample_levels(gen, adm_probs, month)
    unit = _choose_units(gen, u, level, cohort.home[person], cohort.centre[person])
    cases = cal["care.inpatient_cases"]
    case_w = np.array([float(c[3]) for c in cases])
    case_rank = np.array([_MIN_RANK[c[4]] for c in cases])
    case = np.zeros(m, dtype=np.int64)
    for lv in np.unique(level):
        sel = level == lv
        w = np.where(case_rank <= _CAPABILITY[lv], case_w, 0.0)
        case[sel] = gen.choice(len(cases), size=int(sel.sum()), p=w / w.sum())
    los_med = np.array([float(c[6]) for c in cases])[case]
    los = np.maximum(
        1, np.rint(los_med * np.exp(float(cal["care.los_sigma"]) * gen.standard_normal(m)))
    ).astype(np.int64)
    visit = discharge - los
    tcm = tcm_flags(unit)
    booking = np.full(m, "walk_in", dtype=object)
    aref = cal["care.admission_referral_share"]
    ra = gen.random(m)
    for lv, name in ((COUNTY, "county"), (CITY, "city"), (PROVINCE, "province")):
        booking[(level == lv) & (ra < float(aref[name]))] = "referral"
    icost = cal["care.inpatient_cost_yuan"]
    med = np.array([float(icost[lv][0]) if lv in icost else 0.0 for lv in LEVELS])[level]
    med = med * np.array([float(c[5]) for c in cases])[case]
    sig = np.array([float(icost[lv][1]) if lv in icost else 0.0 for lv in LEVELS])[level]
    total = _lognormal_fen(gen, med, sig, growth[month - 1])
    inp = _Part(
        person,
        unit,
        level,
        np.full(m, "inpatient", dtype=object),
        visit,
        discharge,
        np.array([c[0] for c in cases])[case],
        np.array([c[1] or "" for c in cases], dtype=object)[case],
        np.array([c[2] for c in cases])[case],
        tcm,
        booking,
        total,
        split_costs(gen, total, cal["care.cost_lines_inpatient"], conc, tcm, herbal),
        total * gen.integers(oos_lo, oos_hi + 1, size=m) // _BP,
    )

    # ---------------------------------------------------------------- referrals
    jan1, dec31 = day_number(dt.date(year, 1, 1)), day_number(dt.date(year, 12, 31))
    ref_rows: list[dict[str, np.ndarray]] = []
    up_enc: list[np.ndarray] = []
    for part in (outp, inp):
        idx = np.flatnonzero(part.booking == "referral")
        k = len(idx)
        who = part.person[idx]
        from_home = gen.random(k) < 0.3
        src = np.where(from_home, u.home0 + cohort.home[who], u.centre0 + cohort.centre[who])
        requested = part.visit[idx] - gen.integers(0, 6, size=k)
        accepted = requested + (gen.random(k) * (part.visit[idx] - requested + 1)).astype(np.int64)
        event = np.where(part.discharge[idx] >= 0, part.discharge[idx], part.visit[idx])
        team = contracted[who] & (gen.random(k) < float(cal["care.by_family_doctor_share"]))
        ref_rows.append(
            {
                "person": who,
                "direction": np.full(k, "up"),
                "from": src,
                "to": part.unit[idx],
                "reason": np.full(k, "超出本机构诊疗能力"),
                "green": team,
                "team": team,
                "requested": requested,
                "status": np.full(k, "completed"),
                "accepted": accepted,
                "arrived": part.visit[idx],
                "completed": event,
            }
        )
        up_enc.append(idx)

    # Down-referrals after hospital stays, with the follow-up visit at the home centre.
    down = np.flatnonzero(
        (inp.level >= COUNTY)
        & (inp.level != PRIVATE)
        & (gen.random(len(inp.person)) < float(cal["care.down_referral_share"]))
    )
    k = len(down)
    who = inp.person[down]
    arrive = inp.discharge[down] + gen.integers(1, 8, size=k)
    arrived = arrive <= dec31
    ref_rows.append(
        {
            "person": who,
            "direction": np.full(k, "down"),
            "from": inp.unit[down],
            "to": u.centre0 + cohort.centre[who],
            "reason": np.full(k, "病情稳定，转回基层继续治疗"),
            "green": np.zeros(k, bool),
            "team": np.zeros(k, bool),
            "requested": inp.discharge[down],
            "status": np.where(arrived, "completed", "accepted"),
            "accepted": inp.discharge[down],
            "arrived": np.where(arrived, arrive, -1),
            "completed": np.where(arrived, arrive, -1),
        }
    )
    dwho, dday = who[arrived], arrive[arrived]
    dm = len(dwho)
    dunit = u.centre0 + cohort.centre[dwho]
    dmonth = (dday.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12) + 1
    dtotal = _lognormal_fen(
        gen,
        np.full(dm, float(cost["township"][0])),
        np.full(dm, float(cost["township"][1])),
        growth[dmonth - 1],
    )
    dtcm = np.zeros(dm, dtype=bool)
    downp = _Part(
        dwho,
        dunit,
        np.full(dm, TOWNSHIP),
        np.full(dm, "outpatient", dtype=object),
        dday,
        np.full(dm, -1, dtype=np.int64),
        inp.diag[down][arrived],
        np.full(dm, "", dtype=object),
        np.full(dm, "全科", dtype=object),
        dtcm,
        np.full(dm, "referral", dtype=object),
        dtotal,
        split_costs(gen, dtotal, cal["care.cost_lines_outpatient"], conc, dtcm, herbal),
        dtotal * gen.integers(oos_lo, oos_hi + 1, size=dm) // _BP,
    )

    # Referrals that never led to a visit.
    n_up = sum(len(i) for i in up_enc)
    k = int(gen.binomial(n_up, float(cal["care.failed_referral_share"]))) if n_up else 0
    who = gen.integers(0, n, size=k)
    requested = jan1 + gen.integers(0, dec31 - jan1 + 1, size=k)
    to = u.county0 + gen.choice(len(u.county_w), size=k, p=u.county_w)
    team = contracted[who] & (gen.random(k) < float(cal["care.by_family_doctor_share"]))
    ref_rows.append(
        {
            "person": who,
            "direction": np.full(k, "up"),
            "from": u.centre0 + cohort.centre[who],
            "to": to,
            "reason": np.full(k, "超出本机构诊疗能力"),
            "green": team,
            "team": team,
            "requested": requested,
            "status": np.array(["rejected", "cancelled", "expired"])[gen.integers(0, 3, size=k)],
            "accepted": np.full(k, -1),
            "arrived": np.full(k, -1),
            "completed": np.full(k, -1),
        }
    )

    refs = {key: np.concatenate([r[key] for r in ref_rows]) for key in ref_rows[0]}
    n_ref = len(refs["person"])
    ref_ids = padded(f"{county.code}{year}{chunk:03d}R", np.arange(1, n_ref + 1), 7)
    referrals = to_table(
        schemas.REFERRALS,
        {
            "referral_id": ref_ids,
            "person_id": cohort.person_id.take(pa.array(refs["person"])),
            "direction": refs["direction"],
            "from_institution_id": pick(u.ids, refs["from"]),
            "to_institution_id": pick(u.ids, refs["to"]),
            "reason": refs["reason"],
            "green_channel": refs["green"],
            "by_family_doctor": refs["team"],
            "requested_on": dates(refs["requested"]),
            "status": refs["status"],
            "accepted_on": dates(refs["accepted"], mask=refs["accepted"] < 0),
            "arrived_on": dates(refs["arrived"], mask=refs["arrived"] < 0),
            "completed_on": dates(refs["completed"], mask=refs["completed"] < 0),
        },
    )

    # Encounter → referral id: up-referred encounters, then down-referral visits.
    ref_of_out = np.full(len(outp.person), -1, dtype=np.int64)
    ref_of_inp = np.full(len(inp.person), -1, dtype=np.int64)
    ref_of_out[up_enc[0]] = np.arange(len(up_enc[0]))
    ref_of_inp[up_enc[1]] = len(up_enc[0]) + np.arange(len(up_enc[1]))
    ref_of_down = n_up + np.flatnonzero(arrived)
    ref_index = np.concatenate([ref_of_out, ref_of_inp, ref_of_down])
    encounters = _encounter_table(
        county, year, chunk, cohort, u, (outp, inp, downp), ref_ids, ref_index
    )
    return encounters, referrals


def _encounter_table(
    county: County,
    year: int,
    chunk: int,
    cohort: Cohort,
    u: Units,
    parts: tuple[_Part, ...],
    ref_ids: pa.Array,
    ref_index: np.ndarray,
) -> pa.Table:
    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    person, unit, care = cat("person"), cat("unit"), cat("care")
    visit, discharge = cat("visit"), cat("discharge")
    inpatient = discharge >= 0
    proc = cat("proc")
    has_ref = ref_index >= 0
    n = len(person)
    referral_id = (
        ref_ids.take(pa.array(np.where(has_ref, ref_index, 0), mask=~has_ref))
        if len(ref_ids)
        else pa.nulls(n, pa.string())
    )
    cols: dict[str, object] = {
        "encounter_id": padded(f"{county.code}{year}{chunk:03d}E", np.arange(1, n + 1), 8),
        "person_id": cohort.person_id.take(pa.array(person)),
        "institution_id": pick(u.ids, unit),
        "care_type": care.astype(str),
        "visit_date": dates(visit),
        "discharge_date": dates(discharge, mask=~inpatient),
        "event_date": dates(np.where(inpatient, discharge, visit)),
        "diagnosis_code": cat("diag").astype(str),
        "procedure_code": pa.array(proc.astype(str), mask=proc == ""),
        "department": cat("dept").astype(str),
        "is_tcm": cat("tcm"),
        "booking": cat("booking").astype(str),
        "referral_id": referral_id,
        "cost_total_fen": cat("total"),
        "out_of_scope_fen": cat("oos"),
    }
    for name in COST_LINES:
        cols[name] = np.concatenate([p.lines[name] for p in parts])
    return to_table(schemas.ENCOUNTERS, cols)

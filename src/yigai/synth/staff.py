"""Staff of a county's institutions (卫生人员), calibrated to seed 002 附件3.

Primary-level staff (基层卫生人员) are ``staff.primary_per_1000`` per 1,000 residents, spread
over village clinics, township and community centres and stations; county hospitals get
``staff.staff_per_bed`` per bed. General practitioners (全科医生) are exactly
``staff.gp_per_10000`` per 10,000 residents (rounded half up), chosen among primary doctors,
so the workforce indicators land on the calibration rather than near it by chance.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from yigai.orgs.model import PRIMARY_TYPES
from yigai.orgs.model import InstitutionType as IT
from yigai.records import schemas
from yigai.synth.calibration import Calibration
from yigai.synth.config import SynthConfig
from yigai.synth.region import County
from yigai.synth.tables import dates, day_number, half_up, padded, pick, rng, to_table

_OTHER = ("pharmacist", "technician", "public_health", "management", "worker")


def _choice(gen: np.random.Generator, dist: dict[str, float], n: int) -> np.ndarray:
    keys = list(dist)
    return np.array(keys, dtype=object)[
        gen.choice(len(keys), size=n, p=np.array([dist[k] for k in keys]))
    ]


def _quota(gen: np.random.Generator, dist: dict[str, float], n: int) -> np.ndarray:
    """Exactly ``round(n × share)`` of each value (largest remainder), in random order, so the
    county's ratios (医护比) match the calibration rather than scatter around it."""
    keys = list(dist)
    exact = np.array([dist[k] for k in keys]) * n
    counts = np.floor(exact).astype(np.int64)
    short = n - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return gen.permutation(np.repeat(np.array(keys, dtype=object), counts))


def headcounts(county: County, cal: Calibration, gen: np.random.Generator) -> dict[str, int]:
    """Staff per institution id."""
    residents = county.residents
    primary_total = half_up(float(cal["staff.primary_per_1000"]) * residents / 1000)
    split = cal["staff.primary_split"]
    counts: dict[str, int] = {}
    for inst_type in (
        IT.VILLAGE_CLINIC,
        IT.TOWNSHIP_CENTRE,
        IT.COMMUNITY_CENTRE,
        IT.COMMUNITY_STATION,
    ):
        insts = [i for i in county.institutions if i.inst_type is inst_type]
        n = half_up(primary_total * float(split[inst_type.value]))
        if inst_type is IT.VILLAGE_CLINIC:
            w = np.array([float(i.agri_population or 1) for i in insts])
        else:
            w = np.ones(len(insts))
        # At least one person per institution, the rest spread by size.
        extra = gen.multinomial(max(0, n - len(insts)), w / w.sum())
        for inst, k in zip(insts, extra, strict=True):
            counts[inst.org_id] = 1 + int(k)
    per_bed = float(cal["staff.staff_per_bed"])
    ph = float(cal["staff.public_health_per_1000"]) * residents / 1000
    for inst in county.institutions:
        if inst.inst_type in PRIMARY_TYPES:
            continue
        if inst.inst_type is IT.PRIVATE:
            counts[inst.org_id] = int(cal["staff.private_per_clinic"])
        elif inst.beds:
            counts[inst.org_id] = max(1, half_up(inst.beds * per_bed))
        else:
            counts[inst.org_id] = max(1, half_up(ph))
    return counts


def _professions(gen: np.random.Generator, cal: Calibration, inst_type: np.ndarray) -> np.ndarray:
    """Professions by quota per group, so even a small county's primary level has the
    calibrated 医护比: village clinics are staffed mostly by 乡村医生, the rest in the common mix."""
    other = cal["staff.other_professions"]
    other_total = sum(float(other[k]) for k in _OTHER)
    ratio = float(cal["staff.nurses_per_doctor"])
    doctor = (1.0 - other_total) / (1.0 + ratio)
    dist = {"doctor": doctor, "nurse": doctor * ratio, **{k: float(other[k]) for k in _OTHER}}
    vd = float(cal["staff.village_doctor_share"])
    village_dist = {"village_doctor": vd, **{k: v * (1 - vd) for k, v in dist.items()}}
    is_village = inst_type == IT.VILLAGE_CLINIC.value
    is_primary = np.isin(inst_type, [t.value for t in PRIMARY_TYPES])
    profession = np.empty(len(inst_type), dtype=object)
    for group, shares in (
        (is_village, village_dist),
        (is_primary & ~is_village, dist),
        (~is_primary, dist),
    ):
        profession[group] = _quota(gen, shares, int(group.sum()))
    # A CDC has public-health staff, not clinicians (keeps the 医护比 of the clinics intact).
    is_cdc = inst_type == IT.COUNTY_CDC.value
    profession[is_cdc & np.isin(profession, ["doctor", "nurse"])] = "public_health"
    return profession


def _qualifications(
    gen: np.random.Generator, cal: Calibration, profession: np.ndarray, is_primary: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Titles and education: primary doctors by quota (the seed's shares), the rest drawn."""
    n = len(profession)
    title = _choice(gen, cal["staff.other_titles"], n)
    education = _choice(gen, cal["staff.other_education"], n)
    pdoc = is_primary & (profession == "doctor")
    hdoc = ~is_primary & (profession == "doctor")
    title[pdoc] = _quota(gen, cal["staff.primary_doctor_titles"], int(pdoc.sum()))
    education[pdoc] = _quota(gen, cal["staff.primary_doctor_education"], int(pdoc.sum()))
    title[hdoc] = _choice(gen, cal["staff.hospital_doctor_titles"], int(hdoc.sum()))
    education[hdoc] = _choice(gen, cal["staff.hospital_doctor_education"], int(hdoc.sum()))
    return title, education


def _turnover(
    gen: np.random.Generator,
    cal: Calibration,
    config: SynthConfig,
    per_inst: np.ndarray,
    primary_insts: np.ndarray,
    inst_idx: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Primary-level turnover year by year: who of the staff in post leaves (and when), and
    the hires (institution and day) that replace them and grow the workforce toward the
    target (``staff.annual_leaving``, ``staff.annual_growth``). Hospitals are left stable."""
    leaving = float(cal["staff.annual_leaving"])
    growth = float(cal["staff.annual_growth"])
    left = np.full(len(inst_idx), -1, dtype=np.int64)
    hire_inst: list[np.ndarray] = []
    hire_day: list[np.ndarray] = []
    on_primary = np.isin(inst_idx, primary_insts)
    weights = per_inst[primary_insts].astype(float)
    for year in config.years:
        first, last = day_number(dt.date(year, 1, 1)), day_number(dt.date(year, 12, 31))
        in_post = on_primary & (left < 0)
        go = in_post & (gen.random(len(inst_idx)) < leaving)
        left[go] = gen.integers(first, last + 1, size=int(go.sum()))
        hires_so_far = sum(len(h) for h in hire_inst)
        n_hires = half_up((int(in_post.sum()) + hires_so_far) * (leaving + growth))
        hire_inst.append(gen.choice(primary_insts, size=n_hires, p=weights / weights.sum()))
        hire_day.append(gen.integers(first, last + 1, size=n_hires))
    return left, np.concatenate(hire_inst), np.concatenate(hire_day)


def generate_staff(config: SynthConfig, cal: Calibration, county: County) -> pa.Table:
    """The county's staff registry (STAFF record set): those in post on the first day of the
    first year, calibrated exactly, then the primary level's leavers and hires year by year."""
    gen = rng(config.seed, "staff", county.index)
    counts = headcounts(county, cal, gen)
    types = {i.org_id: i.inst_type for i in county.institutions}
    inst_ids = [i.org_id for i in county.institutions]
    type_of = np.array([types[i].value for i in inst_ids], dtype=object)
    per_inst = np.array([counts[i] for i in inst_ids])
    primary_insts = np.flatnonzero(np.isin(type_of, [t.value for t in PRIMARY_TYPES]))

    base_idx = np.repeat(np.arange(len(inst_ids)), per_inst)
    n_base = len(base_idx)
    start = day_number(dt.date(config.years[0], 1, 1))
    base_joined = start - 1 - gen.integers(0, 30 * 365, size=n_base)
    left, hire_idx, hire_joined = _turnover(gen, cal, config, per_inst, primary_insts, base_idx)

    inst_idx = np.concatenate([base_idx, hire_idx])
    joined = np.concatenate([base_joined, hire_joined])
    left = np.concatenate([left, np.full(len(hire_idx), -1, dtype=np.int64)])
    n = len(inst_idx)
    inst_type = type_of[inst_idx]
    is_primary = np.isin(inst_type, [t.value for t in PRIMARY_TYPES])
    profession = np.concatenate(
        [_professions(gen, cal, type_of[base_idx]), _professions(gen, cal, type_of[hire_idx])]
    )

    # Exact GP count among the first day's primary doctors (not village doctors); a hired
    # primary doctor is a GP as often as the first day's primary doctors are.
    is_gp = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(is_primary[:n_base] & (profession[:n_base] == "doctor"))
    want = min(
        len(candidates), half_up(float(cal["staff.gp_per_10000"]) * county.residents / 10000)
    )
    is_gp[gen.choice(candidates, size=want, replace=False)] = True
    hired_doctors = n_base + np.flatnonzero(is_primary[n_base:] & (profession[n_base:] == "doctor"))
    share = want / max(1, len(candidates))
    is_gp[hired_doctors] = gen.random(len(hired_doctors)) < share

    title, education = _qualifications(gen, cal, profession, is_primary)
    post = np.where(
        profession == "management",
        "management",
        np.where(profession == "worker", "worker", "professional"),
    )
    established = (
        (gen.random(n) < float(cal["staff.established_share"]))
        & (inst_type != IT.VILLAGE_CLINIC.value)
        & (inst_type != IT.PRIVATE.value)
    )
    return to_table(
        schemas.STAFF,
        {
            "staff_id": padded(f"{county.code}P", np.arange(1, n + 1), 6),
            "institution_id": pick(inst_ids, inst_idx),
            "profession": profession.astype(str),
            "is_gp": is_gp,
            "title": title.astype(str),
            "education": education.astype(str),
            "post_type": post.astype(str),
            "established": established,
            "joined_on": dates(joined),
            "left_on": dates(np.maximum(left, 0), mask=left < 0),
        },
    )

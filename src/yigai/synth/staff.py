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


def generate_staff(config: SynthConfig, cal: Calibration, county: County) -> pa.Table:
    """The county's staff registry (STAFF record set)."""
    gen = rng(config.seed, "staff", county.index)
    counts = headcounts(county, cal, gen)
    types = {i.org_id: i.inst_type for i in county.institutions}
    inst_ids = [i.org_id for i in county.institutions]
    per_inst = np.array([counts[i] for i in inst_ids])
    inst_idx = np.repeat(np.arange(len(inst_ids)), per_inst)
    n = len(inst_idx)
    inst_type = np.array([types[i].value for i in inst_ids], dtype=object)[inst_idx]
    is_village = inst_type == IT.VILLAGE_CLINIC.value
    is_primary = np.isin(inst_type, [t.value for t in PRIMARY_TYPES])
    is_cdc = inst_type == IT.COUNTY_CDC.value

    other = cal["staff.other_professions"]
    other_total = sum(float(other[k]) for k in _OTHER)
    ratio = float(cal["staff.nurses_per_doctor"])
    doctor = (1.0 - other_total) / (1.0 + ratio)
    dist = {"doctor": doctor, "nurse": doctor * ratio, **{k: float(other[k]) for k in _OTHER}}
    vd = float(cal["staff.village_doctor_share"])
    # Quotas per group, so even a small county's primary level has the calibrated 医护比:
    # village clinics are staffed mostly by 乡村医生, the rest in the common mix.
    village_dist = {"village_doctor": vd, **{k: v * (1 - vd) for k, v in dist.items()}}
    profession = np.empty(n, dtype=object)
    for group, shares in (
        (is_village, village_dist),
        (is_primary & ~is_village, dist),
        (~is_primary, dist),
    ):
        profession[group] = _quota(gen, shares, int(group.sum()))
    # A CDC has public-health staff, not clinicians (keeps the 医护比 of the clinics intact).
    profession[is_cdc & np.isin(profession, ["doctor", "nurse"])] = "public_health"

    # Exact GP count among primary doctors (not village doctors).
    is_gp = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(is_primary & (profession == "doctor"))
    want = min(
        len(candidates), half_up(float(cal["staff.gp_per_10000"]) * county.residents / 10000)
    )
    is_gp[gen.choice(candidates, size=want, replace=False)] = True

    title = _choice(gen, cal["staff.other_titles"], n)
    education = _choice(gen, cal["staff.other_education"], n)
    pdoc = is_primary & (profession == "doctor")
    hdoc = ~is_primary & (profession == "doctor")
    title[pdoc] = _quota(gen, cal["staff.primary_doctor_titles"], int(pdoc.sum()))
    education[pdoc] = _quota(gen, cal["staff.primary_doctor_education"], int(pdoc.sum()))
    title[hdoc] = _choice(gen, cal["staff.hospital_doctor_titles"], int(hdoc.sum()))
    education[hdoc] = _choice(gen, cal["staff.hospital_doctor_education"], int(hdoc.sum()))

    post = np.where(
        profession == "management",
        "management",
        np.where(profession == "worker", "worker", "professional"),
    )
    established = (
        (gen.random(n) < float(cal["staff.established_share"]))
        & ~is_village
        & (inst_type != IT.PRIVATE.value)
    )
    start = day_number(dt.date(config.years[0], 1, 1))
    joined = start - 1 - gen.integers(0, 30 * 365, size=n)
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
        },
    )

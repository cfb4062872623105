"""The county's resource register (机构资源登记, ``resources``) of the synthetic region.

One first version per institution (in force since ever): beds open as the institution's
approved beds (private hospitals get theirs from ``resources.private_beds_per_1000``), the
approved posts (核定编制) of public institutions as their first day's headcount ×
``resources.posts_per_staff``, and the township / community centres' 中医馆, standardised
village clinics and upgraded township centres chosen at random in exactly their calibrated
shares. Of the centres without a 中医馆 on the first day, ``resources.tcm_clinic_opening`` open
one on 1 July of the first year: a second, dated version (seed 002 plans every centre to have
one), so the register exercises versions. Village clinics use the national essential drugs in
the share ``resources.essential_drug_share`` (seed 000's 64%); of the others,
``resources.essential_drug_adoption`` start on 1 July of the first year (a dated version).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from yigai.orgs.model import InstitutionType as IT
from yigai.records import schemas
from yigai.synth.calibration import Calibration
from yigai.synth.config import SynthConfig
from yigai.synth.region import County
from yigai.synth.tables import dates, day_number, half_up, rng, to_table

CENTRES = (IT.TOWNSHIP_CENTRE, IT.COMMUNITY_CENTRE)


def _posts(county: County, cal: Calibration, staff: pa.Table, start: dt.date) -> dict[str, int]:
    """Approved posts of public institutions: staff in post on ``start`` × posts per staff."""
    joined = staff["joined_on"].to_pylist()
    ids = staff["institution_id"].to_pylist()
    counts: dict[str, int] = {}
    for inst, day in zip(ids, joined, strict=True):
        if day < start:
            counts[inst] = counts.get(inst, 0) + 1
    ratio = float(cal["resources.posts_per_staff"])
    public = {i.org_id for i in county.institutions if i.inst_type is not IT.PRIVATE}
    return {i: half_up(n * ratio) for i, n in counts.items() if i in public}


def _chosen(gen: np.random.Generator, ids: list[str], share: float) -> set[str]:
    """Exactly ``share`` of ``ids`` (half up), chosen at random."""
    k = half_up(len(ids) * share)
    return {ids[int(i)] for i in gen.choice(len(ids), size=k, replace=False)} if k else set()


def _flags(gen: np.random.Generator, county: County, cal: Calibration) -> dict[str, set[str]]:
    """The ids with a 中医馆 on the first day, opening one on 1 July, standardised, upgraded,
    using the essential drugs on the first day, adopting them on 1 July."""
    of = {t: [i.org_id for i in county.institutions if i.inst_type is t] for t in IT}
    centres = of[IT.TOWNSHIP_CENTRE] + of[IT.COMMUNITY_CENTRE]
    tcm = _chosen(gen, centres, float(cal["resources.tcm_clinic_share"]))
    without = [c for c in centres if c not in tcm]
    flags = {
        "tcm_clinic": tcm,
        "opens": _chosen(gen, without, float(cal["resources.tcm_clinic_opening"])),
        "standard_clinic": _chosen(
            gen, of[IT.VILLAGE_CLINIC], float(cal["resources.standard_clinic_share"])
        ),
        "upgraded_centre": _chosen(
            gen, of[IT.TOWNSHIP_CENTRE], float(cal["resources.upgraded_centre_share"])
        ),
    }
    # Drawn after the flags above, so adding them left those draws as they were.
    clinics = of[IT.VILLAGE_CLINIC]
    essential = _chosen(gen, clinics, float(cal["resources.essential_drug_share"]))
    rest = [c for c in clinics if c not in essential]
    flags["essential_drugs"] = essential
    flags["adopts"] = _chosen(gen, rest, float(cal["resources.essential_drug_adoption"]))
    return flags


#: Which institutions a flag is recorded for (blank elsewhere).
FLAG_TYPES = {
    "tcm_clinic": CENTRES,
    "standard_clinic": (IT.VILLAGE_CLINIC,),
    "upgraded_centre": (IT.TOWNSHIP_CENTRE,),
    "essential_drugs": (IT.VILLAGE_CLINIC,),
}


def generate_resources(
    config: SynthConfig, cal: Calibration, county: County, staff: pa.Table
) -> pa.Table:
    """The county's ``resources`` rows; deterministic from the seed and the county."""
    gen = rng(config.seed, "resources", county.index)
    start = dt.date(config.years[0], 1, 1)
    posts = _posts(county, cal, staff, start)
    flags = _flags(gen, county, cal)
    n_private = sum(1 for i in county.institutions if i.inst_type is IT.PRIVATE)
    private_beds = float(cal["resources.private_beds_per_1000"]) * county.residents / 1000
    per_private = half_up(private_beds / max(1, n_private))
    rows: list[dict[str, object]] = []
    for inst in county.institutions:
        t = inst.inst_type
        row: dict[str, object] = {
            "org_id": inst.org_id,
            "beds": per_private if t is IT.PRIVATE else inst.beds or 0,
            "posts": posts.get(inst.org_id),
            **{
                f: inst.org_id in flags[f] if t in types else None
                for f, types in FLAG_TYPES.items()
            },
            "version_from": None,
        }
        rows.append(row)
        july = dt.date(start.year, 7, 1)
        if inst.org_id in flags["opens"]:
            rows.append(row | {"tcm_clinic": True, "version_from": july})
        if inst.org_id in flags["adopts"]:  # a village clinic, never also a centre opening
            rows.append(row | {"essential_drugs": True, "version_from": july})
    names = schemas.RESOURCES.names
    columns = {n: [r.get(n) for r in rows] for n in names if n != "version_from"}
    froms = [r["version_from"] for r in rows]
    days = np.array([day_number(d) if d else 0 for d in froms])  # type: ignore[arg-type]
    columns["version_from"] = dates(days, mask=np.array([d is None for d in froms]))
    return to_table(schemas.RESOURCES, columns)

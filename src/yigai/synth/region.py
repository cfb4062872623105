"""The synthetic region's org units (组织机构) and county communities (县域医共体).

A province holds cities; each city holds counties and its city hospitals; the province holds
the provincial hospitals. Each county gets the institutions of seed 003 金安区 (17 township
health centres, 269 village clinics, 6 community centres, 27 community stations, county
institutions) scaled by its residents, and one or two communities led by the county general
hospital (and the TCM hospital in big counties) with dated membership.

Org ids follow division codes: province ``44``, city ``4401``, county ``440101``; institutions
``<county><letter><seq>`` (``440101W003`` = third township centre), communities
``<county>Y<n>``, city hospitals ``<city>H<n>``, province hospitals ``<province>H<n>``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pyarrow as pa

from yigai.orgs.model import InstitutionType as IT
from yigai.orgs.model import OrgKind, Ownership, PolicyLevel
from yigai.records import schemas
from yigai.synth.calibration import Calibration
from yigai.synth.config import SynthConfig
from yigai.synth.tables import dates, day_number, half_up, rng, to_table

LETTER = {
    IT.COUNTY_GENERAL: "G",
    IT.COUNTY_TCM: "Z",
    IT.COUNTY_MCH: "F",
    IT.COUNTY_CDC: "J",
    IT.TOWNSHIP_CENTRE: "W",
    IT.COMMUNITY_CENTRE: "S",
    IT.COMMUNITY_STATION: "Q",
    IT.VILLAGE_CLINIC: "C",
    IT.PRIVATE: "M",
}
LEVEL = {
    IT.COUNTY_GENERAL: PolicyLevel.COUNTY,
    IT.COUNTY_TCM: PolicyLevel.COUNTY,
    IT.COUNTY_MCH: PolicyLevel.COUNTY,
    IT.COUNTY_CDC: PolicyLevel.COUNTY,
    IT.TOWNSHIP_CENTRE: PolicyLevel.TOWNSHIP,
    IT.COMMUNITY_CENTRE: PolicyLevel.TOWNSHIP,
    # Stations are the urban counterpart of village clinics (first contact in a catchment).
    IT.COMMUNITY_STATION: PolicyLevel.VILLAGE,
    IT.VILLAGE_CLINIC: PolicyLevel.VILLAGE,
    IT.PRIVATE: PolicyLevel.COUNTY,
    IT.CITY_HOSPITAL: PolicyLevel.CITY,
    IT.PROVINCE_HOSPITAL: PolicyLevel.PROVINCE,
}

_SYLLABLES = "安平康宁丰泰和清兴永顺阳东西南北新城山河桥湖溪林石金玉龙凤华明德仁义"


def place_name(index: int) -> str:
    """A deterministic two-character place name (地名) for the ``index``-th place."""
    n = len(_SYLLABLES)
    return _SYLLABLES[index % n] + _SYLLABLES[(index // n + 7 * index + 3) % n]


def scaled_count(per_reference: int, residents: int, reference: int, minimum: int) -> int:
    """Institutions for a county: ``per_reference × residents ÷ reference``, half up, ≥ min."""
    exact = Decimal(per_reference) * Decimal(residents) / Decimal(reference)
    return max(minimum, int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


@dataclass(frozen=True)
class Institution:
    org_id: str
    name: str
    inst_type: IT
    parent_id: str
    beds: int | None = None
    agri_population: int | None = None
    weight: float = 1.0  # choice weight among its peers (city / province hospitals)

    @property
    def ownership(self) -> Ownership:
        return Ownership.PRIVATE if self.inst_type is IT.PRIVATE else Ownership.PUBLIC


@dataclass(frozen=True)
class Higher:
    """Province-wide units: the province, its cities and the out-of-county hospitals."""

    province_code: str
    province_name: str
    city_codes: tuple[str, ...]
    city_hospitals: tuple[tuple[Institution, ...], ...]  # per city
    province_hospitals: tuple[Institution, ...]

    def org_units(self) -> pa.Table:
        rows = [
            _unit(
                self.province_code,
                None,
                OrgKind.PROVINCE,
                self.province_name,
                division=f"{self.province_code}0000",
            )
        ]
        for i, code in enumerate(self.city_codes):
            rows.append(
                _unit(
                    code,
                    self.province_code,
                    OrgKind.CITY,
                    f"{place_name(i)}市",
                    division=f"{code}00",
                )
            )
        rows += [_inst_row(h) for hs in self.city_hospitals for h in hs]
        rows += [_inst_row(h) for h in self.province_hospitals]
        return _org_table(rows)


@dataclass(frozen=True)
class County:
    """One county's layout: institutions, catchments (村卫生室/社区站 → residents) and communities."""

    index: int  # 0-based over the province, city-major
    city_index: int
    code: str  # 6-digit division code, also the county's org_id
    name: str
    residents: int
    institutions: tuple[Institution, ...]
    #: first-contact units (village clinics then community stations): residents' home_unit_id
    home_units: tuple[str, ...]
    home_weights: np.ndarray  # share of the county's residents in each home unit
    home_centre: np.ndarray  # index into ``centres`` of each home unit's township/community centre
    centres: tuple[str, ...]  # township centres then community centres
    county_hospitals: tuple[Institution, ...]  # those that see patients (no CDC)
    private: tuple[Institution, ...]
    communities: tuple[tuple[str, str], ...]  # (community org_id, name)
    members: tuple[tuple[str, str, str, dt.date], ...]  # community, institution, role, from
    effects: dict[str, float]  # per-county random shifts of the care shares

    def org_units(self, city_code: str) -> pa.Table:
        rows = [_unit(self.code, city_code, OrgKind.COUNTY, self.name, division=self.code)]
        rows += [_unit(cid, self.code, OrgKind.COMMUNITY, name) for cid, name in self.communities]
        # 乡村一体化: each village clinic / community station belongs to its catchment's centre
        pairs = zip(self.home_units, self.home_centre, strict=True)
        centre_of = {unit: self.centres[int(c)] for unit, c in pairs}
        rows += [
            _inst_row(inst, self.code) | {"centre_id": centre_of.get(inst.org_id)}
            for inst in self.institutions
        ]
        return _org_table(rows)

    def community_members(self) -> pa.Table:
        cols = list(zip(*self.members, strict=True))
        return to_table(
            schemas.COMMUNITY_MEMBERS,
            {
                "community_id": list(cols[0]),
                "institution_id": list(cols[1]),
                "role": list(cols[2]),
                "valid_from": dates(np.array([day_number(d) for d in cols[3]])),
            },
        )


def _unit(
    org_id: str, parent: str | None, kind: OrgKind, name: str, division: str | None = None
) -> dict[str, object]:
    return {
        "org_id": org_id,
        "parent_id": parent,
        "kind": kind.value,
        "name": name,
        "division_code": division,
    }


def _inst_row(inst: Institution, division: str | None = None) -> dict[str, object]:
    return {
        "org_id": inst.org_id,
        "parent_id": inst.parent_id,
        "kind": OrgKind.INSTITUTION.value,
        "name": inst.name,
        "inst_type": inst.inst_type.value,
        "level": LEVEL[inst.inst_type].value,
        "ownership": inst.ownership.value,
        "division_code": division,
        "beds": inst.beds,
        "agri_population": inst.agri_population,
    }


def _org_table(rows: list[dict[str, object]]) -> pa.Table:
    names = schemas.ORG_UNITS.names
    return to_table(
        schemas.ORG_UNITS,
        {
            n: pa.array([r.get(n) for r in rows], schemas.ORG_UNITS.field(n).arrow_type)
            for n in names
        },
    )


def province_code(config: SynthConfig, cal: Calibration) -> str:
    return config.province_code or str(cal["region.province_code"])


def build_higher(config: SynthConfig, cal: Calibration) -> Higher:
    pcode = province_code(config, cal)
    city_codes = tuple(f"{pcode}{c + 1:02d}" for c in range(config.cities))
    city_hospitals = tuple(
        tuple(
            Institution(
                f"{code}H{j + 1:02d}",
                f"{place_name(c)}{spec['name']}",
                IT(spec["type"]),
                code,
                weight=float(spec["weight"]),
            )
            for j, spec in enumerate(cal["institutions.city_hospitals"])
        )
        for c, code in enumerate(city_codes)
    )
    province_hospitals = tuple(
        Institution(
            f"{pcode}H{j + 1:02d}",
            str(spec["name"]),
            IT(spec["type"]),
            pcode,
            weight=float(spec["weight"]),
        )
        for j, spec in enumerate(cal["institutions.province_hospitals"])
    )
    return Higher(
        pcode, str(cal["region.province_name"]), city_codes, city_hospitals, province_hospitals
    )


def build_county(config: SynthConfig, cal: Calibration, higher: Higher, index: int) -> County:
    """The ``index``-th county; deterministic from the seed and the index alone."""
    city_index = index // config.counties_per_city
    code = f"{higher.city_codes[city_index]}{index % config.counties_per_city + 1:02d}"
    residents = config.county_residents(index)
    gen = rng(config.seed, "region", index)
    ref = int(cal["institutions.reference_residents"])

    def count(kind: str) -> int:
        spec = cal[f"institutions.{kind}"]
        return scaled_count(int(spec["per_reference"]), residents, ref, int(spec["min"]))

    n_town, n_vil = count("township_centre"), count("village_clinic")
    n_cc, n_st, n_priv = count("community_centre"), count("community_station"), count("private")
    cname = f"{place_name(1000 + index)}县"

    def ident(t: IT, seq: int) -> str:
        return f"{code}{LETTER[t]}{seq + 1:03d}"

    county_beds = float(cal["institutions.county_beds_per_1000"]) * residents / 1000
    specs = [
        s for s in cal["institutions.county_institutions"] if residents >= int(s["min_residents"])
    ]
    share_total = sum(float(s["bed_share"]) for s in specs) or 1.0
    seq_by_type: dict[IT, int] = {}
    county_insts: list[Institution] = []
    for s in specs:
        t = IT(s["type"])
        seq = seq_by_type.get(t, 0)
        seq_by_type[t] = seq + 1
        beds = half_up(county_beds * float(s["bed_share"]) / share_total)
        county_insts.append(
            Institution(ident(t, seq), f"{cname}{s['name']}", t, code, beds=beds or None)
        )

    rural = 1.0 - float(cal["region.urban_share"])
    conc = float(cal["region.catchment_concentration"])
    vil_w = gen.dirichlet(np.full(n_vil, conc)) * rural
    st_w = gen.dirichlet(np.full(n_st, conc)) * (1.0 - rural)
    home_weights = np.concatenate([vil_w, st_w])
    home_weights = home_weights / home_weights.sum()

    # Villages are spread round-robin over townships, stations over community centres.
    vil_town = np.arange(n_vil) % n_town
    st_cc = np.arange(n_st) % n_cc
    primary_beds = float(cal["institutions.primary_beds_per_1000"]) * residents / 1000
    centre_beds = max(1, half_up(primary_beds / (n_town + n_cc)))
    towns = []
    for t in range(n_town):
        agri = half_up(residents * float(vil_w[vil_town == t].sum()))
        towns.append(
            Institution(
                ident(IT.TOWNSHIP_CENTRE, t),
                f"{place_name(index * 97 + t)}镇卫生院",
                IT.TOWNSHIP_CENTRE,
                code,
                centre_beds,
                agri,
            )
        )
    ccs = [
        Institution(
            ident(IT.COMMUNITY_CENTRE, c),
            f"{cname}{place_name(index * 31 + c + 500)}社区卫生服务中心",
            IT.COMMUNITY_CENTRE,
            code,
            centre_beds,
        )
        for c in range(n_cc)
    ]
    villages = [
        Institution(
            ident(IT.VILLAGE_CLINIC, v),
            f"{towns[vil_town[v]].name[:2]}{place_name(index * 7919 + v + 2000)}村卫生室",
            IT.VILLAGE_CLINIC,
            code,
            agri_population=half_up(residents * float(vil_w[v])),
        )
        for v in range(n_vil)
    ]
    stations = [
        Institution(
            ident(IT.COMMUNITY_STATION, s),
            f"{ccs[st_cc[s]].name[:-6]}卫生服务站（{s + 1}）",
            IT.COMMUNITY_STATION,
            code,
        )
        for s in range(n_st)
    ]
    private = [
        Institution(
            ident(IT.PRIVATE, p),
            f"{cname}{place_name(index + p + 3000)}医院（民营）",
            IT.PRIVATE,
            code,
        )
        for p in range(n_priv)
    ]

    centres = tuple(i.org_id for i in towns + ccs)
    home_centre = np.concatenate([vil_town, n_town + st_cc]).astype(np.int64)

    communities, members = _communities(
        cal, config, code, cname, residents, county_insts, towns, ccs, villages, stations, vil_town
    )
    half = cal["care.county_effect"]
    effects = {k: float(gen.uniform(-float(v), float(v))) for k, v in sorted(half.items())}
    return County(
        index=index,
        city_index=city_index,
        code=code,
        name=cname,
        residents=residents,
        institutions=tuple(county_insts + towns + ccs + villages + stations + private),
        home_units=tuple(i.org_id for i in villages + stations),
        home_weights=home_weights,
        home_centre=home_centre,
        centres=centres,
        county_hospitals=tuple(
            i for i in county_insts if i.inst_type is not IT.COUNTY_CDC and (i.beds or 0) > 0
        ),
        private=tuple(private),
        communities=communities,
        members=members,
        effects=effects,
    )


def _communities(
    cal: Calibration,
    config: SynthConfig,
    code: str,
    cname: str,
    residents: int,
    county_insts: list[Institution],
    towns: list[Institution],
    ccs: list[Institution],
    villages: list[Institution],
    stations: list[Institution],
    vil_town: np.ndarray,
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, str, dt.date], ...]]:
    start = dt.date(config.years[0], 1, 1)
    join = dt.date(config.years[0], int(cal["institutions.membership_join_month"]), 1)
    general = next(i for i in county_insts if i.inst_type is IT.COUNTY_GENERAL)
    tcm = next((i for i in county_insts if i.inst_type is IT.COUNTY_TCM), None)
    two = (
        tcm is not None
        and residents >= int(cal["region.community_split_residents"])
        and len(towns) >= 2
    )
    leads = [general] + ([tcm] if two and tcm else [])
    communities = tuple(
        (f"{code}Y{k + 1}", f"{cname}{lead.name[len(cname) :]}医共体")
        for k, lead in enumerate(leads)
    )
    members: list[tuple[str, str, str, dt.date]] = []
    for k, lead in enumerate(leads):
        members.append((communities[k][0], lead.org_id, "lead", start))
    first = communities[0][0]
    for inst in county_insts:
        if inst in leads or inst.inst_type is IT.COUNTY_CDC:
            continue
        members.append((first, inst.org_id, "member", start))
    # The last township centre (and its villages) joins mid-year: membership is dated.
    late = len(towns) - 1 if len(towns) > 1 else -1
    for t, town in enumerate(towns):
        cid = communities[t % len(leads)][0]
        members.append((cid, town.org_id, "member", join if t == late else start))
        for v in np.flatnonzero(vil_town == t):
            members.append((cid, villages[v].org_id, "member", join if t == late else start))
    for inst in ccs + stations:
        members.append((first, inst.org_id, "member", start))
    return communities, tuple(members)

"""居民与机构目录 (the directory): who a resident is, where they belong, which hospital leads.

The service never stores names or identity numbers: a resident is their pseudonym
``person_id`` with the masked identity number, sex, birth year-month, home institution and the
population-group flags of the warehouse's ``residents`` registry. Institutions carry their
policy level and their community, so a referral knows the lead hospital (牵头医院).

:meth:`ResidentDirectory.from_warehouse` reads the registries as they stand on a day; tests and
the demo build one from rows. Every look-up of a resident is scope-checked: a resident outside
the caller's org units is :class:`~yigai.errors.NotFound`, as if absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from yigai.auth.principal import not_found
from yigai.indicators.views import KEY_GROUPS
from yigai.records.schemas import POPULATION_GROUPS
from yigai.records.versions import read_in_force

if TYPE_CHECKING:
    from yigai.auth.principal import Principal

#: 重点人群 by age (the catalogue's ``key_contract_rate`` definition, indicators/views.py).
KEY_AGE_FROM, KEY_AGE_UP_TO = 65, 6


@dataclass(frozen=True)
class Resident:
    person_id: str
    home_unit_id: str
    id_masked: str
    sex: str
    birth_ym: dt.date
    groups: frozenset[str] = frozenset()

    def age_on(self, day: dt.date) -> int:
        """Completed years on ``day`` (the birth day within the month is not kept)."""
        return day.year - self.birth_ym.year - ((day.month, day.day) < (self.birth_ym.month, 1))

    def key_population(self, day: dt.date) -> bool:
        """重点人群 on ``day``: aged 65+ or 0–6, or in a key group (as the catalogue counts)."""
        age = self.age_on(day)
        return age >= KEY_AGE_FROM or age <= KEY_AGE_UP_TO or bool(self.groups & set(KEY_GROUPS))


@dataclass(frozen=True)
class Institution:
    org_id: str
    level: str | None  # policy level: village / township / county / city / province
    community_id: str | None = None
    lead: bool = False


class ResidentDirectory:
    """Residents and institutions as of one day."""

    def __init__(self, residents: Iterable[Resident], institutions: Iterable[Institution]) -> None:
        self._residents = {r.person_id: r for r in residents}
        self._institutions = {i.org_id: i for i in institutions}

    @classmethod
    def from_warehouse(cls, wh: Any, day: dt.date) -> ResidentDirectory:
        """The registries of warehouse ``wh`` in force on ``day``. A system read: the service
        scope-checks each look-up itself (:meth:`resident`)."""
        groups = [f"grp_{code}" for code, _, _ in POPULATION_GROUPS]
        cols = ["person_id", "home_unit_id", "id_masked", "sex", "birth_ym", "registered_on"]
        rows = read_in_force(
            wh,
            "residents",
            day,
            [*cols, "left_on", *groups],
            scoped=False,
            purpose="community: directory",
        ).to_pylist()
        # residents on the day, as the catalogue counts them: registered and not left
        rows = [
            r
            for r in rows
            if r["registered_on"] <= day and (r["left_on"] is None or r["left_on"] > day)
        ]
        residents = [
            Resident(
                r["person_id"],
                r["home_unit_id"],
                r["id_masked"],
                r["sex"],
                r["birth_ym"],
                frozenset(code for code, _, _ in POPULATION_GROUPS if r[f"grp_{code}"]),
            )
            for r in rows
        ]
        orgs = read_in_force(wh, "org_units", day, ["org_id", "kind", "level"]).to_pylist()
        member_of: dict[str, tuple[str, bool]] = {}
        for m in wh.read("community_members").to_pylist():
            if m["valid_from"] <= day and (m["valid_to"] is None or day < m["valid_to"]):
                member_of[m["institution_id"]] = (m["community_id"], m["role"] == "lead")
        institutions = [
            Institution(o["org_id"], o["level"], *member_of.get(o["org_id"], (None, False)))
            for o in orgs
            if o["kind"] == "institution"
        ]
        return cls(residents, institutions)

    def resident(self, actor: Principal, person_id: str) -> Resident:
        """The resident, if within ``actor``'s scope; otherwise NotFound (never says which)."""
        found = self._residents.get(person_id)
        if found is None or not actor.in_scope(found.home_unit_id):
            raise not_found("居民 / resident")
        return found

    def residents_in(self, units: Iterable[str] | None) -> list[Resident]:
        """Residents whose home institution is among ``units`` (None: all)."""
        if units is None:
            return list(self._residents.values())
        wanted = set(units)
        return [r for r in self._residents.values() if r.home_unit_id in wanted]

    def institution(self, org_id: str) -> Institution:
        found = self._institutions.get(org_id)
        if found is None:
            raise not_found("机构 / institution")
        return found

    def lead_hospital(self, org_id: str) -> str | None:
        """The lead institution of ``org_id``'s community (None outside a community)."""
        community = self.institution(org_id).community_id
        if community is None:
            return None
        leads = [
            i.org_id for i in self._institutions.values() if i.community_id == community and i.lead
        ]
        return leads[0] if leads else None

"""The resident directory as columns, for counting whole populations at once (签约率).

:func:`yigai.community.contracts.signing_rates` counts every resident in a user's scope on
each request: over a county of 300,000 residents a loop over :class:`Resident` objects took
a second. A :class:`RateColumns` holds the same residents as numpy arrays (home unit, birth
year and month, one flag array per population group), built **once per directory** — a
:class:`~yigai.community.directory.ResidentDirectory` never changes after it is built, and
the service makes a new one to see new registries — so a count is a few array operations.

The rules are the directory's own, restated over arrays: :meth:`RateColumns.key_population`
is :meth:`Resident.key_population` (tests/community/test_contracts_rates.py compares the two
on generated residents, every age boundary included).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.community.directory import KEY_AGE_FROM, KEY_AGE_UP_TO
from yigai.indicators.views import KEY_GROUPS

if TYPE_CHECKING:
    from yigai.community.directory import ResidentDirectory

Mask = np.ndarray  # one bool per resident, in the directory's order


@dataclass(frozen=True)
class RateColumns:
    """The residents of one directory, one array element each."""

    person_ids: pa.Array  # position → person_id
    homes: tuple[str, ...]  # the distinct home units
    home: np.ndarray  # position → index into ``homes``
    birth_year: np.ndarray
    birth_month: np.ndarray
    groups: dict[str, Mask]  # population group code → its members

    @property
    def size(self) -> int:
        return len(self.person_ids)

    def in_units(self, units: Iterable[str] | None) -> Mask:
        """Residents whose home unit is among ``units`` (None: all), as ``residents_in``."""
        if units is None:
            return np.ones(self.size, dtype=bool)
        wanted = set(units)
        home_wanted = np.array([h in wanted for h in self.homes], dtype=bool)
        return home_wanted[self.home] if self.homes else np.zeros(0, dtype=bool)

    def in_groups(self, codes: Iterable[str]) -> Mask:
        """Residents in any of the population groups ``codes``."""
        out = np.zeros(self.size, dtype=bool)
        for code in codes:
            if code in self.groups:
                out |= self.groups[code]
        return out

    def key_population(self, day: dt.date) -> Mask:
        """重点人群 on ``day`` (:meth:`Resident.key_population`): aged 65+ or 0–6 in completed
        years — the birthday counts as the first of the birth month, so a resident is a year
        older from the day's month on — or in a key group."""
        age = day.year - self.birth_year - (day.month < self.birth_month)
        return (age >= KEY_AGE_FROM) | (age <= KEY_AGE_UP_TO) | self.in_groups(KEY_GROUPS)

    def rows_of(self, person_ids: list[str]) -> Mask:
        """The residents among ``person_ids`` (repeats and ids not in the directory are
        harmless): a hash look-up in Arrow, a tenth of a dictionary look-up per id."""
        wanted = pa.array(person_ids, type=pa.string())
        found = pc.is_in(self.person_ids, value_set=wanted)
        return found.to_numpy(zero_copy_only=False).astype(bool, copy=False)


def build(directory: ResidentDirectory) -> RateColumns:
    people = directory.residents_in(None)
    homes: dict[str, int] = {}
    home = np.fromiter((homes.setdefault(r.home_unit_id, len(homes)) for r in people), np.intp)
    members: dict[str, list[int]] = {}
    for i, r in enumerate(people):
        for code in r.groups:
            members.setdefault(code, []).append(i)
    groups = {code: np.zeros(len(people), dtype=bool) for code in members}
    for code, rows in members.items():
        groups[code][np.array(rows, dtype=np.intp)] = True
    return RateColumns(
        person_ids=pa.array([r.person_id for r in people], type=pa.string()),
        homes=tuple(homes),
        home=home,
        birth_year=np.fromiter((r.birth_ym.year for r in people), np.int32, len(people)),
        birth_month=np.fromiter((r.birth_ym.month for r in people), np.int32, len(people)),
        groups=groups,
    )


_lock = threading.Lock()
_built: weakref.WeakKeyDictionary[ResidentDirectory, RateColumns] = weakref.WeakKeyDictionary()


def of(directory: ResidentDirectory) -> RateColumns:
    """The columns of ``directory``, built on first use and kept while it lives."""
    with _lock:
        found = _built.get(directory)
        if found is None:
            found = _built[directory] = build(directory)
        return found

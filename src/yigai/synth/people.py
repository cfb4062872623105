"""Residents of one chunk of a county (居民): identity, age, insurance, groups, health records.

Identity numbers follow GB 11643: the county's division code, the birth date, a 3-digit order
code (odd for men, even for women) and the check digit (:func:`yigai.people.identity.check_digit`).
Order codes are made unique across the county's chunks by counting: the ``r``-th person of a
chunk born on a day (per sex) gets sequence ``r + (people of earlier chunks born that day, of
that sex)``. The earlier chunks' birth days are re-drawn from their own seeded generators (three
draws each, cached per county), so a chunk still depends on no other chunk's output and the
county's 499 codes per day and sex are shared by all its chunks: a county of 10 million fits
(interleaving ``r × chunks + chunk`` left 499 / chunks per chunk: 4 million fitted, 5 did not).
A county of one chunk gets the same codes as before. Only the pseudonym
(``person_id``), the masked number, the birth year-month, sex and the masked name reach the
table (never the number, the birth day or the name: docs/PRIVACY.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.people import identity
from yigai.records import schemas
from yigai.synth.calibration import Calibration
from yigai.synth.config import SynthConfig, SynthError
from yigai.synth.region import County
from yigai.synth.tables import dates, day_number, pick, rng, to_table

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.array(list("10X98765432"))
_MAX_SEQ = 498  # order codes 001–999 by sex: 2·seq+1 (men) ≤ 999, 2·seq+2 (women) ≤ 998
GROUPS = tuple(code for code, _, _ in schemas.POPULATION_GROUPS)


@dataclass(frozen=True)
class Cohort:
    """A chunk of residents: the registry table plus the arrays the care generators need."""

    table: pa.Table
    person_id: pa.Array
    age: np.ndarray  # whole years on 1 January of the first generated year
    male: np.ndarray
    home: np.ndarray  # index into County.home_units
    centre: np.ndarray  # index into County.centres
    groups: dict[str, np.ndarray]
    birth_day: np.ndarray
    registered_day: np.ndarray

    def __len__(self) -> int:
        return len(self.age)


def id_numbers(division: str, birth_day: np.ndarray, order: np.ndarray) -> list[str]:
    """GB 11643 numbers from a 6-digit division code, birth day numbers and order codes."""
    days = birth_day.astype("datetime64[D]")
    y = days.astype("datetime64[Y]").astype(np.int64) + 1970
    m = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    body = (
        np.int64(int(division)) * 10**11
        + y * 10**7
        + m * 10**5
        + d * 10**3
        + order.astype(np.int64)
    )
    digits = (body[:, None] // (10 ** np.arange(16, -1, -1, dtype=np.int64))) % 10
    check = _CHECK[(digits @ _WEIGHTS) % 11]
    return [f"{b:017d}{c}" for b, c in zip(body.tolist(), check.tolist(), strict=True)]


def _month_start(day: np.ndarray) -> np.ndarray:
    """Day numbers moved to the 1st of their month (``birth_ym`` keeps no day)."""
    month = day.astype("datetime64[D]").astype("datetime64[M]")
    return month.astype("datetime64[D]").astype(np.int64)


def pseudonyms(numbers: list[str], key: bytes) -> list[str]:
    """:func:`yigai.people.identity.pseudonym` of valid numbers, without re-validating each
    (the numbers are built valid) and reusing the keyed hash state: ~5× faster."""
    base = hmac.new(key, digestmod=hashlib.sha256)
    out = []
    for number in numbers:
        h = base.copy()
        h.update(number.encode())
        out.append(h.hexdigest()[:32])
    return out


def masked_numbers(numbers: list[str]) -> pa.Array:
    """:func:`yigai.people.identity.mask` of generated (18-character, upper-case) numbers,
    in Arrow: a Python call per person cost a second per million."""
    tail = pc.utf8_slice_codeunits(pa.array(numbers, pa.string()), 18 - identity.MASK_KEEP)
    return pc.binary_join_element_wise("*" * (18 - identity.MASK_KEEP), tail, "")


def masked_names(surnames: list[str], surname: np.ndarray, two: np.ndarray) -> pa.Array:
    """:func:`yigai.people.identity.mask_name` of surname ``surnames[surname]`` with a given
    name of two characters where ``two`` (else one): masking keeps at most the surname, so
    one masked form per surname and length, picked per person."""
    forms = [identity.mask_name(s + "某" * k) for s in surnames for k in (1, 2)]
    return pick(forms, surname * 2 + two)


def _order_codes(
    birth_day: np.ndarray, male: np.ndarray, before: np.ndarray | None = None
) -> np.ndarray:
    """GB 11643 order codes; ``before[i]``: codes of person ``i``'s birth day and sex already
    used by earlier chunks of the county (none when omitted)."""
    key = birth_day.astype(np.int64) * 2 + male
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    first = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
    run_start = np.repeat(first, np.diff(np.r_[first, len(key)]))
    rank = np.empty_like(key)
    rank[order] = np.arange(len(key)) - run_start
    seq = rank if before is None else rank + before
    if len(seq) and seq.max() > _MAX_SEQ:
        raise SynthError(
            "同一天出生的同性别居民过多，身份证顺序码不足（请减少每县人口）",
            "too many residents born on one day for the identity order codes (fewer per county)",
        )
    return np.where(male, 2 * seq + 1, 2 * seq + 2)


def _births(
    config: SynthConfig, cal: Calibration, county: County, chunk: int
) -> tuple[np.random.Generator, np.ndarray, np.ndarray]:
    """The chunk's people generator after its first draws: sex and age in days (on the day
    before 1 January of the first year), the draws that fix each person's order code."""
    start, stop = config.chunks(county.index)[chunk]
    n = stop - start
    gen = rng(config.seed, "people", county.index, chunk)
    male = gen.random(n) < float(cal["people.male_share"])
    bands = np.array(cal["people.age_bands"], dtype=float)
    band = gen.choice(len(bands), size=n, p=bands)
    age_days = ((band * 5 + gen.random(n) * 5) * 365.25).astype(np.int64)
    return gen, male, age_days


#: (config, county index) → codes used per (age in days, sex) before each chunk; one county
#: at a time (the generator walks a county's chunks in order, once per year).
_USED: dict[tuple[SynthConfig, int], list[np.ndarray]] = {}


def _used_before(config: SynthConfig, cal: Calibration, county: County, chunk: int) -> np.ndarray:
    """Order codes used per cell ``age_days × 2 + male`` by the county's chunks before ``chunk``."""
    cells = (int(len(cal["people.age_bands"]) * 5 * 365.25) + 1) * 2
    used = _USED.get((config, county.index))
    if used is None:
        _USED.clear()
        used = _USED[(config, county.index)] = [np.zeros(cells, dtype=np.int32)]
    while len(used) <= chunk:
        _, male, age_days = _births(config, cal, county, len(used) - 1)
        used.append(used[-1] + np.bincount(age_days * 2 + male, minlength=cells).astype(np.int32))
    return used[chunk]


def _group_flags(
    cal: Calibration, gen: np.random.Generator, age: np.ndarray, male: np.ndarray
) -> dict[str, np.ndarray]:
    spec = cal["people.groups"]
    out: dict[str, np.ndarray] = {}
    for code in GROUPS:
        g = spec[code]
        bands = g["ages"]
        p = np.zeros(len(age))
        for i in range(0, len(bands), 3):
            lo, hi, share = bands[i], bands[i + 1], float(bands[i + 2])
            p[(age >= lo) & (age <= hi)] = share
        if g.get("female_only"):
            p[male] = 0.0
        out[code] = gen.random(len(age)) < p
    return out


def generate_cohort(
    config: SynthConfig, cal: Calibration, county: County, chunk: int, key: bytes
) -> Cohort:
    """Residents ``config.chunks(county)[chunk]`` of ``county``; deterministic per chunk."""
    gen, male, age_days = _births(config, cal, county, chunk)
    n = len(male)
    ref = day_number(dt.date(config.years[0], 1, 1))
    birth_day = ref - 1 - age_days
    age = ((ref - birth_day) / 365.25).astype(np.int64)
    before = None if chunk == 0 else _used_before(config, cal, county, chunk)[age_days * 2 + male]
    order = _order_codes(birth_day, male, before)
    numbers = id_numbers(county.code, birth_day, order)
    person_id = pa.array(pseudonyms(numbers, key), pa.string())
    id_masked = masked_numbers(numbers)

    surnames = list(cal["people.surnames"])
    sw = 1.0 / np.arange(1, len(surnames) + 1) ** 0.7
    chars = list(cal["people.given_chars"])
    s_idx = gen.choice(len(surnames), size=n, p=sw / sw.sum())
    two = gen.random(n) < 0.7
    # The given-name characters are drawn (the draws after them stay put) but never needed:
    # only the masked name is stored, and it depends on the surname and the name's length.
    gen.integers(0, len(chars), size=n)
    gen.integers(0, len(chars), size=n)
    name_masked = masked_names(surnames, s_idx, two)

    home = gen.choice(len(county.home_units), size=n, p=county.home_weights)
    scheme_dist = cal["people.scheme"]
    schemes = list(scheme_dist)
    scheme = np.array(schemes)[
        gen.choice(len(schemes), size=n, p=[scheme_dist[s] for s in schemes])
    ]
    born_here = gen.random(n) < float(cal["people.born_here_share"])
    moved = birth_day + 1 + (gen.random(n) * (ref - birth_day)).astype(np.int64)
    # 户口登记条例 第七条: a birth is registered within a month. Never on the birth day
    # itself, which would store the birth day beside birth_ym (docs/PRIVACY.md).
    at_birth = birth_day + gen.integers(1, 31, size=n)
    registered_day = np.minimum(np.where(born_here, at_birth, moved), ref - 1)
    has_record = gen.random(n) < float(cal["people.health_record_share"])
    record_day = np.maximum(registered_day, ref - 1 - gen.integers(0, 3650, size=n))
    electronic = gen.random(n) < float(cal["people.health_record_electronic_share"])
    groups = _group_flags(cal, gen, age, male)

    table = to_table(
        schemas.RESIDENTS,
        {
            "person_id": person_id,
            "id_masked": id_masked,
            "name_masked": name_masked,
            "sex": np.where(male, "M", "F"),
            "birth_ym": dates(_month_start(birth_day)),
            "home_unit_id": pick(county.home_units, home),
            "scheme": scheme,
            "registered_on": dates(registered_day),
            "health_record_on": dates(record_day, mask=~has_record),
            "health_record_electronic": pa.array(electronic, mask=~has_record),
            **{f"grp_{code}": flags for code, flags in groups.items()},
        },
    )
    return Cohort(
        table=table,
        person_id=person_id,
        age=age,
        male=male,
        home=home,
        centre=county.home_centre[home],
        groups=groups,
        birth_day=birth_day,
        registered_day=registered_day,
    )


__all__ = ["GROUPS", "Cohort", "generate_cohort", "id_numbers", "pseudonyms"]

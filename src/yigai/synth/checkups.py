"""Health check-ups (健康体检) of the synthetic residents, one chunk and year at a time.

Residents aged 65 or over at the year end (completed years from the birth year-month, the
rule of the indicator, so everyone born 65 or more years before the year) get the year's
elderly health management (``elderly_annual``) with probability ``checkups.elderly_share``;
residents aged 45–64 get a periodic check-up (``periodic``) with probability
``checkups.periodic_share``. The day is uniform over the part of the year they are
registered; the institution is their township or community centre, which runs the service.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from yigai.records import schemas
from yigai.synth.calibration import Calibration
from yigai.synth.config import SynthConfig
from yigai.synth.people import Cohort
from yigai.synth.region import County
from yigai.synth.tables import dates, day_number, padded, pick, rng, to_table


def birth_years(cohort: Cohort) -> np.ndarray:
    """Each resident's birth year, from their birth day number."""
    return cohort.birth_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def generate_checkups(
    config: SynthConfig, cal: Calibration, county: County, cohort: Cohort, chunk: int, year: int
) -> pa.Table:
    """The chunk's ``health_checkups`` rows in ``year``; deterministic per unit."""
    gen = rng(config.seed, "checkups", county.index, chunk, year)
    jan1 = day_number(dt.date(year, 1, 1))
    dec31 = day_number(dt.date(year, 12, 31))
    age = year - birth_years(cohort)  # completed years on 31 December
    there = cohort.registered_day <= dec31
    draw = gen.random(len(cohort))
    elderly = there & (age >= 65) & (draw < float(cal["checkups.elderly_share"]))
    periodic = there & (age >= 45) & (age < 65) & (draw < float(cal["checkups.periodic_share"]))
    person = np.flatnonzero(elderly | periodic)
    first = np.maximum(jan1, cohort.registered_day[person])
    day = first + (gen.random(len(person)) * (dec31 - first + 1)).astype(np.int64)
    kind = np.where(elderly[person], "elderly_annual", "periodic")
    return to_table(
        schemas.HEALTH_CHECKUPS,
        {
            "checkup_id": padded(
                f"{county.code}{year}{chunk:03d}K", np.arange(1, len(person) + 1), 7
            ),
            "person_id": cohort.person_id.take(pa.array(person)),
            "institution_id": pick(county.centres, cohort.centre[person]),
            "kind": kind,
            "checkup_date": dates(day),
        },
    )

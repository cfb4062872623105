"""Yearly family-doctor contracts (家庭医生签约) of a chunk of residents.

Key-population residents (重点人群: 65+, 0–6, hypertension, diabetes, severe mental disorder,
TB, disabled, registered poor, special families, pregnant) sign at ``contracts.key_population_rate``;
the others at the rate that brings the whole population to ``contracts.general_rate`` (seed
002's 一般人群签约率 counts everyone). Both rise by ``contracts.drift_per_year``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.records import schemas
from yigai.synth.calibration import Calibration
from yigai.synth.config import SynthConfig
from yigai.synth.people import GROUPS, Cohort
from yigai.synth.region import County
from yigai.synth.tables import dates, day_number, padded, pick, rng, to_table


def key_population(cohort: Cohort, years_after_start: int) -> np.ndarray:
    """Residents in a key group (重点人群) in the year ``years_after_start`` after the first."""
    age = cohort.age + years_after_start
    flag = (age >= 65) | (age <= 6)
    for code in GROUPS:
        flag |= cohort.groups[code]
    return flag


def generate_contracts(
    config: SynthConfig, cal: Calibration, county: County, cohort: Cohort, chunk: int, year: int
) -> tuple[pa.Table, np.ndarray]:
    """The year's contracts and a per-resident ``contracted`` flag (for the green channel)."""
    gen = rng(config.seed, "contracts", county.index, chunk, year)
    step = year - config.years[0]
    drift = float(cal["contracts.drift_per_year"]) * step
    key_rate = float(cal["contracts.key_population_rate"]) + drift
    general = float(cal["contracts.general_rate"]) + drift
    key = key_population(cohort, step)
    k_share = float(key.mean()) if len(key) else 0.0
    other_rate = (general - k_share * key_rate) / (1.0 - k_share) if k_share < 1 else 0.0
    other_rate = min(1.0, max(0.01, other_rate))
    signed = gen.random(len(cohort)) < np.where(key, key_rate, other_rate)
    who = np.flatnonzero(signed)
    n = len(who)
    jan1 = day_number(dt.date(year, 1, 1))
    signed_day = jan1 + gen.integers(0, int(cal["contracts.signing_window_days"]), size=n)
    days_in_year = day_number(dt.date(year + 1, 1, 1)) - jan1
    centre = cohort.centre[who]
    teams = int(cal["contracts.teams_per_centre"])
    team = cohort.home[who] % teams + 1
    centre_ids = pick(county.centres, centre)
    team_ids = pc.binary_join_element_wise(centre_ids, padded("T", team, 2), "-")
    personalised = gen.random(n) < float(cal["contracts.personalised_share"])
    table = to_table(
        schemas.CONTRACTS,
        {
            "contract_id": padded(f"{county.code}{year}{chunk:03d}K", np.arange(1, n + 1), 7),
            "person_id": cohort.person_id.take(pa.array(who)),
            "institution_id": centre_ids,
            "team_id": team_ids,
            "package": np.where(personalised, "personalised", "basic"),
            "signed_on": dates(signed_day),
            "valid_from": dates(signed_day),
            "valid_to": dates(signed_day + days_in_year - 1),
        },
    )
    return table, signed

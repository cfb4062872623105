"""Hypertension and diabetes management (慢病管理): cases and their follow-ups (随访).

A share ``chronic.managed_share`` of the residents flagged with each condition has a case at
the home township/community centre, confirmed in the ``chronic.history_years`` before the
first generated year or during the generated years. Each case-year has 2–5 follow-ups
(``chronic.followups_per_year``) spread over the part of the year under management.

Readings agree with the classification (domain README §3): a controlled hypertension
follow-up has SBP < 140 and DBP < 90 mmHg; a controlled diabetes follow-up has fasting glucose
< 7.0 mmol/L (readings are truncated to 0.1 mmol/L so 6.99… never rounds up to 7.0). Each
patient has their own probability of control (beta around ``chronic.controlled_share``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from yigai.records import schemas
from yigai.synth.calibration import Calibration
from yigai.synth.config import SynthConfig
from yigai.synth.people import Cohort
from yigai.synth.region import County
from yigai.synth.tables import dates, day_number, padded, pick, rng, to_table

DISEASES = ("hypertension", "diabetes")


@dataclass(frozen=True)
class Cases:
    table: pa.Table
    person: np.ndarray  # index into the cohort
    disease: np.ndarray
    managed_day: np.ndarray
    p_control: np.ndarray
    case_id: pa.Array


def generate_cases(
    config: SynthConfig, cal: Calibration, county: County, cohort: Cohort, chunk: int
) -> Cases:
    """Chronic cases of the chunk (the same for every generated year)."""
    gen = rng(config.seed, "chronic", county.index, chunk)
    share = float(cal["chronic.managed_share"])
    first = day_number(dt.date(config.years[0], 1, 1))
    last = day_number(dt.date(config.years[-1], 12, 31))
    history = int(cal["chronic.history_years"]) * 365
    people, disease = [], []
    for name in DISEASES:
        who = np.flatnonzero(cohort.groups[name] & (gen.random(len(cohort)) < share))
        people.append(who)
        disease.append(np.full(len(who), name))
    person = np.concatenate(people)
    dis = np.concatenate(disease)
    n = len(person)
    adult = cohort.birth_day[person] + int(18 * 365.25) + 1
    lo = np.maximum(first - history, np.maximum(adult, cohort.registered_day[person]))
    confirmed = lo + (gen.random(n) * (last - lo + 1)).astype(np.int64)
    managed = np.minimum(confirmed + gen.integers(0, 61, size=n), last)
    screened = confirmed - gen.integers(0, 31, size=n)
    has_screen = gen.random(n) < 0.8
    mean = np.array([float(cal["chronic.controlled_share"][d]) for d in DISEASES])[
        (dis == "diabetes").astype(int)
    ]
    c = float(cal["chronic.person_concentration"])
    p_control = gen.beta(mean * c, (1 - mean) * c)
    case_id = padded(f"{county.code}{chunk:03d}H", np.arange(1, n + 1), 7)
    table = to_table(
        schemas.CHRONIC_CASES,
        {
            "case_id": case_id,
            "person_id": cohort.person_id.take(pa.array(person)),
            "disease": dis,
            "institution_id": pick(county.centres, cohort.centre[person]),
            "screened_on": dates(screened, mask=~has_screen),
            "confirmed_on": dates(confirmed),
            "managed_from": dates(managed),
        },
    )
    return Cases(table, person, dis, managed, p_control, case_id)


def generate_followups(
    config: SynthConfig,
    cal: Calibration,
    county: County,
    cohort: Cohort,
    cases: Cases,
    chunk: int,
    year: int,
) -> pa.Table:
    """Follow-ups of the chunk's cases in ``year``."""
    gen = rng(config.seed, "followups", county.index, chunk, year)
    jan1 = day_number(dt.date(year, 1, 1))
    end = day_number(dt.date(year + 1, 1, 1))  # exclusive
    start = np.maximum(jan1, cases.managed_day)
    span = np.maximum(end - start, 0)
    dist = cal["chronic.followups_per_year"]
    counts = np.array([int(k) for k in dist])
    planned = counts[gen.choice(len(counts), size=len(start), p=[float(dist[k]) for k in dist])]
    n_fu = np.rint(planned * span / (end - jan1)).astype(np.int64)
    case = np.repeat(np.arange(len(start)), n_fu)
    m = len(case)
    # k-th of n follow-ups falls in the k-th of n equal slices of the managed part of the year.
    first_of_case = np.repeat(np.cumsum(n_fu) - n_fu, n_fu)
    k = np.arange(m) - first_of_case
    slice_len = span[case] / np.maximum(n_fu[case], 1)
    day = start[case] + ((k + gen.random(m)) * slice_len).astype(np.int64)
    day = np.minimum(day, end - 1)

    diabetes = cases.disease[case] == "diabetes"
    controlled = gen.random(m) < cases.p_control[case]
    bp_ok = ~diabetes & controlled
    sbp = np.where(bp_ok, gen.integers(105, 140, size=m), gen.integers(140, 186, size=m))
    dbp = np.where(bp_ok, gen.integers(62, 90, size=m), gen.integers(70, 106, size=m))
    # Diabetes patients' blood pressure is recorded but not what classifies the visit.
    sbp = np.where(diabetes, gen.integers(110, 161, size=m), sbp)
    dbp = np.where(diabetes, gen.integers(65, 96, size=m), dbp)
    glucose = np.where(controlled, gen.uniform(4.4, 7.0, size=m), gen.uniform(7.0, 14.0, size=m))
    glucose = np.floor(glucose * 10) / 10
    classification = np.where(controlled, "controlled", "uncontrolled").astype(object)
    odd = ~controlled & (gen.random(m) < float(cal["chronic.complication_share"]))
    classification[odd] = np.where(
        gen.random(int(odd.sum())) < 0.5, "adverse_reaction", "complication"
    )
    urgent = np.where(diabetes, glucose >= 16.7, (sbp >= 180) | (dbp >= 110))
    refer = ~controlled & (urgent | (gen.random(m) < float(cal["chronic.refer_share"])))
    action = np.where(controlled, "continue", np.where(refer, "refer", "adjust"))
    next_due = day + np.where(controlled, 90, 14)
    modes = cal["chronic.modes"]
    mode = np.array(list(modes))[gen.choice(len(modes), size=m, p=[float(modes[x]) for x in modes])]
    person = cases.person[case]
    return to_table(
        schemas.FOLLOWUPS,
        {
            "followup_id": padded(f"{county.code}{year}{chunk:03d}V", np.arange(1, m + 1), 7),
            "case_id": cases.case_id.take(pa.array(case)),
            "person_id": cohort.person_id.take(pa.array(person)),
            "disease": cases.disease[case],
            "institution_id": pick(county.centres, cohort.centre[person]),
            "followup_date": dates(day),
            "mode": mode,
            "sbp": sbp,
            "dbp": dbp,
            "fasting_glucose": pa.array(glucose, mask=~diabetes),
            "classification": classification.astype(str),
            "action": action,
            "next_due": dates(next_due),
        },
    )

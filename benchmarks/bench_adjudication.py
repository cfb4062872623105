"""Benchmark: scalar reference vs vectorised claim adjudication on the same synthetic claims.

``run(n_claims)`` builds ``n_claims`` deterministic synthetic claims (about 8 per person,
in 2024, with referral links, assistance groups and costs that reach the caps), adjudicates
them with both paths in the same process and returns rows, CPU seconds (and wall seconds),
claims per CPU second and the speed ratio (target: vectorised ≥ 50× scalar). It also checks
that both paths agree to the fen on the claims the scalar path ran (``equal``).
``scalar_limit`` caps how many claims (whole persons) the slow scalar path runs when
``n_claims`` is large; its rate is then measured on that subset. Claims come in warehouse
order by default (by date, then encounter id); ``grouped_by_person=True`` hands them over
already grouped by person, which spares the vectorised path its sort. Run: ``python benchmarks/bench_adjudication.py 1000000``.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.policy.adjudication import SPLIT_COLUMNS, ClaimInput, adjudicate
from yigai.policy.scheme import LEVELS, SchemeBook
from yigai.policy.vectorised import adjudicate_table
from yigai.synth.people import pseudonyms

REGION = "hubei_xiaogan"
COMPARED = SPLIT_COLUMNS


def synthetic_claims(
    n_claims: int, seed: int = 20240101, *, grouped_by_person: bool = True
) -> pa.Table:
    """Deterministic claims, grouped by person and sorted by date, or (``grouped_by_person``
    False) in warehouse order: by event date, then encounter id."""
    rng = np.random.default_rng(seed)
    n_persons = max(1, n_claims // 8)
    person = np.sort(rng.integers(0, n_persons, n_claims))
    day = rng.integers(0, 366, n_claims)
    order = np.lexsort((day, person))
    person, day = person[order], day[order]
    inpatient = rng.random(n_claims) < 0.15
    care = np.where(
        inpatient, "inpatient", np.where(rng.random(n_claims) < 0.1, "emergency", "outpatient")
    )
    level = np.array(LEVELS)[
        rng.choice(len(LEVELS), n_claims, p=[0.25, 0.3, 0.25, 0.1, 0.05, 0.05])
    ]
    in_county = level != "out_of_county"
    total = np.where(
        inpatient,
        rng.lognormal(np.log(800_000), 1.0, n_claims),
        rng.lognormal(np.log(8_000), 0.8, n_claims),
    ).astype(np.int64)
    out_of_scope = (total * rng.uniform(0, 0.2, n_claims)).astype(np.int64)
    # fixed-width encounter ids, as the warehouse's are (county, year, serial)
    encounter = np.char.add("4209822024E", np.char.zfill(np.arange(n_claims).astype(str), 9))
    same_person_before = np.r_[False, person[1:] == person[:-1]]
    link = (
        inpatient & same_person_before & np.r_[False, inpatient[:-1]] & (rng.random(n_claims) < 0.3)
    )
    referred_from = np.where(link, np.r_[encounter[:1], encounter[:-1]], None)
    # person ids as the warehouse stores them: keyed-hash pseudonyms (32 hex digits)
    ids = pseudonyms([f"{p:018d}" for p in range(n_persons)], b"benchmark")
    poverty = (person % 20) == 0
    special = (person % 50) == 1
    table = pa.table(
        {
            "encounter_id": pa.array(encounter),
            "person_id": pa.array(np.array(ids, dtype=object)[person], pa.string()),
            "event_date": pa.array((np.datetime64("2024-01-01") + day).astype("datetime64[D]")),
            "care_type": pa.array(care),
            "level": pa.array(level),
            "in_county": pa.array(in_county),
            "cost_total_fen": pa.array(total),
            "out_of_scope_fen": pa.array(out_of_scope),
            "referred": pa.array(link | (rng.random(n_claims) < 0.05)),
            "referred_from": pa.array(referred_from, pa.string()),
            "referral_in_community": pa.array(link & (rng.random(n_claims) < 0.8)),
            "grp_poverty": pa.array(poverty),
            "grp_special_family": pa.array(special),
        }
    )
    if grouped_by_person:
        return table
    shuffled = table.take(pa.array(rng.permutation(n_claims)))
    return shuffled.take(
        pc.sort_indices(shuffled, [("event_date", "ascending"), ("encounter_id", "ascending")])
    )


def _inputs(table: pa.Table) -> list[ClaimInput]:
    out = []
    for row in table.to_pylist():
        groups = frozenset(g for g in ("poverty", "special_family") if row[f"grp_{g}"])
        out.append(
            ClaimInput(
                encounter_id=row["encounter_id"],
                person_id=row["person_id"],
                event_date=row["event_date"],
                care_type=row["care_type"],
                level=row["level"],
                in_county=row["in_county"],
                cost_total_fen=row["cost_total_fen"],
                out_of_scope_fen=row["out_of_scope_fen"],
                referred=row["referred"],
                referred_from=row["referred_from"],
                referral_in_community=row["referral_in_community"],
                groups=groups,
            )
        )
    return out


@dataclass
class _Timing:
    """A path's runs: its last result, and the CPU seconds (user and system, all threads of
    the process), system seconds and wall seconds of each run."""

    result: Any = None
    cpu: list[float] = field(default_factory=list)
    system: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    @property
    def best(self) -> int:
        """The run with the least CPU time: the one least disturbed by the rest of the machine."""
        return min(range(len(self.cpu)), key=self.cpu.__getitem__)


def _alternating(paths: dict[str, Callable[[], Any]], repeat: int) -> dict[str, _Timing]:
    """``repeat`` rounds of calling each of ``paths`` in turn (a, b, a, b, ...): both sides of
    a ratio then meet the same phases of a shared machine, where timing one side's repeats
    and then the other's would give each its own phase. A path's previous result is dropped
    before it runs again, so no run works beside a stale result's memory."""
    timings = {name: _Timing() for name in paths}
    for _ in range(max(1, repeat)):
        for name, fn in paths.items():
            timing = timings[name]
            timing.result = None
            before, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
            timing.result = fn()
            after = resource.getrusage(resource.RUSAGE_SELF)
            timing.wall.append(time.perf_counter() - wall)
            user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
            timing.cpu.append(user + system)
            timing.system.append(system)
    return timings


def run(
    n_claims: int,
    *,
    scalar_limit: int = 200_000,
    grouped_by_person: bool = False,
    repeat: int = 5,
) -> dict[str, Any]:
    """Time both paths on the same synthetic claims; see the module docstring.

    Rates and the ratio are per CPU second (user and system time), which a busy shared machine
    disturbs less than wall time; wall seconds are reported too. The two paths run in turn,
    ``repeat`` rounds (:func:`_alternating`); each path's time is its best run, and every
    run's CPU seconds are reported beside it.
    """
    table = synthetic_claims(n_claims, grouped_by_person=grouped_by_person)
    # the scalar subset: all claims of the first persons, about scalar_limit rows in all
    persons = pc.unique(table["person_id"])
    wanted = persons.slice(
        0, max(1, len(persons) * min(n_claims, scalar_limit) // max(1, n_claims))
    )
    subset = table.filter(pc.is_in(table["person_id"], value_set=wanted))
    claims = _inputs(subset)
    book = SchemeBook(REGION)
    book.year(2024)  # load parameters outside the timings
    adjudicate_table(table.slice(0, 100), REGION)  # warm up imports and caches

    timings = _alternating(
        {
            "scalar": lambda: adjudicate(claims, book),
            "vectorised": lambda: adjudicate_table(table, REGION),
        },
        repeat,
    )
    scalar, vectorised = timings["scalar"], timings["vectorised"]
    s_best, v_best = scalar.best, vectorised.best
    scalar_cpu, vector_cpu = scalar.cpu[s_best], vectorised.cpu[v_best]

    expected = {r.encounter_id: tuple(getattr(r, k) for k in COMPARED) for r in scalar.result}
    ids = vectorised.result["encounter_id"].to_pylist()
    columns = [vectorised.result[k].to_pylist() for k in COMPARED]
    got = {eid: tuple(col[i] for col in columns) for i, eid in enumerate(ids) if eid in expected}
    scalar_rate = len(claims) / scalar_cpu if scalar_cpu else float("inf")
    vector_rate = n_claims / vector_cpu if vector_cpu else float("inf")
    return {
        "benchmark": "adjudication",
        "region": REGION,
        "date": dt.date.today().isoformat(),
        "grouped_by_person": grouped_by_person,
        "repeat": repeat,
        "rows": n_claims,
        "scalar_rows": len(claims),
        "scalar_seconds": round(scalar_cpu, 3),
        "scalar_wall_seconds": round(min(scalar.wall), 3),
        "scalar_runs_seconds": [round(c, 3) for c in scalar.cpu],
        "scalar_claims_per_s": round(scalar_rate),
        "vectorised_seconds": round(vector_cpu, 3),
        "vectorised_system_seconds": round(vectorised.system[v_best], 3),
        "vectorised_wall_seconds": round(min(vectorised.wall), 3),
        "vectorised_runs_seconds": [round(c, 3) for c in vectorised.cpu],
        "vectorised_runs_system_seconds": [round(c, 3) for c in vectorised.system],
        "vectorised_claims_per_s": round(vector_rate),
        "ratio": round(vector_rate / scalar_rate, 1),
        "equal": got == expected,
    }


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for grouped in (False, True):
        print(json.dumps(run(size, grouped_by_person=grouped), ensure_ascii=False))

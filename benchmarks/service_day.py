"""The mixed day the service benchmark drives (:mod:`benchmarks.bench_service`): the clients'
shared state, one coroutine per kind of work (a flow of one or more requests), Poisson
arrivals, and the driver that keeps at most ``clients`` flows in flight."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import itertools
import random
import time
from dataclasses import dataclass, field
from typing import Any

END_EVERY = 4
REGION = "hubei_xiaogan"


@dataclass
class Village:
    """One village doctor's clinic, its residents, its team and the lead hospital."""

    clinic: str
    hospital: str
    doctor: str
    specialist: str
    team_id: int = 0
    people: list[str] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)


@dataclass
class Day:
    """What the clients share: tokens, villages, and the referrals/contracts in flight."""

    base: str
    tokens: dict[str, str]
    villages: list[Village]
    today: dt.date
    rng: random.Random
    signed: collections.deque = field(default_factory=collections.deque)
    latencies: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    serial: itertools.count = field(default_factory=itertools.count)


async def _call(
    client: Any, day: Day, op: str, user: str, method: str, path: str, body: Any = None
) -> Any:
    t0 = time.perf_counter()
    try:
        headers = {"Authorization": f"Bearer {day.tokens[user]}"}
        resp = await client.request(method, day.base + path, json=body, headers=headers)
    except Exception as exc:  # a refused or dropped connection is an error, not a crash
        day.errors[op].append(repr(exc))
        return None
    day.latencies[op].append((time.perf_counter() - t0) * 1000)
    if resp.status_code >= 300:
        day.errors[op].append(f"{resp.status_code} {resp.text[:200]}")
        return None
    return resp.json() if resp.content else {}


async def referral(client: Any, day: Day) -> None:
    """One up-referral through its life: requested, then accepted (after a look at the
    receiving worklist), arrived and completed by the lead hospital's specialist."""
    v = day.rng.choice(day.villages)
    body = {
        "person_id": v.people.pop(),
        "direction": "up",
        "from_institution_id": v.clinic,
        "reason": "血压控制不满意",
        "diagnosis_code": "I10",
        "summary": "连续两次随访血压未达标",
    }
    made = await _call(client, day, "referral_request", v.doctor, "POST", "/api/referrals", body)
    if made is None:
        return
    await _call(client, day, "worklist_referrals", v.specialist, "GET", "/api/worklists/referrals")
    for action in ("accept", "arrive", "complete"):
        path = f"/api/referrals/{made['id']}/{action}"
        if await _call(client, day, f"referral_{action}", v.specialist, "POST", path) is None:
            return


async def case_register(client: Any, day: Day) -> None:
    v = day.rng.choice(day.villages)
    body = {
        "person_id": v.people.pop(),
        "disease": "hypertension",
        "institution_id": v.clinic,
        "confirmed_on": day.today.isoformat(),
    }
    made = await _call(client, day, "case_register", v.doctor, "POST", "/api/chronic/cases", body)
    if made is not None:
        v.cases.append(made["id"])


async def followup(client: Any, day: Day) -> None:
    v = day.rng.choice([v for v in day.villages if v.cases])
    await _call(client, day, "worklist_followups", v.doctor, "GET", "/api/worklists/followups")
    body = {
        "followup_date": day.today.isoformat(),
        "sbp": day.rng.randint(118, 138),
        "dbp": day.rng.randint(70, 88),
    }
    path = f"/api/chronic/cases/{day.rng.choice(v.cases)}/followups"
    await _call(client, day, "followup", v.doctor, "POST", path, body)


async def contract_change(client: Any, day: Day) -> None:
    if day.signed and next(day.serial) % END_EVERY == END_EVERY - 1:
        doctor, contract = day.signed.popleft()
        body = {"last_day": day.today.isoformat(), "reason": "迁出本村"}
        await _call(
            client, day, "contract_end", doctor, "POST", f"/api/contracts/{contract}/end", body
        )
        return
    v = day.rng.choice(day.villages)
    body = {"person_id": v.people.pop(), "team_id": v.team_id}
    made = await _call(client, day, "contract_sign", v.doctor, "POST", "/api/contracts", body)
    if made is not None:
        day.signed.append((v.doctor, made["id"]))


async def discharge(client: Any, day: Day) -> None:
    v = day.rng.choice(day.villages)
    total = day.rng.randint(300_000, 3_000_000)
    body = {
        "encounter_id": f"BENCH-{v.hospital}-{next(day.serial)}-{day.rng.getrandbits(32):08x}",
        "person_id": v.people.pop(),
        "institution_id": v.hospital,
        "care_type": "inpatient",
        "level": "county",
        "in_county": True,
        "admission_date": (day.today - dt.timedelta(days=6)).isoformat(),
        "discharge_date": day.today.isoformat(),
        "cost_lines": [
            {"item": "床位与诊疗", "amount_fen": total},
            {"item": "自费药品", "amount_fen": total // 10, "in_scope": False},
        ],
        "region": REGION,
    }
    await _call(client, day, "discharge", v.specialist, "POST", "/api/discharge-settlements", body)


FLOWS = {
    "referral": referral,
    "case_register": case_register,
    "followup": followup,
    "contract_change": contract_change,
    "discharge": discharge,
}


def schedule(
    rates: dict[str, float], seconds: float, rng: random.Random
) -> list[tuple[float, str]]:
    """Poisson arrivals of each flow at its rate over ``seconds``, in time order."""
    plan = []
    for kind, rate in rates.items():
        t = rng.expovariate(rate) if rate > 0 else seconds
        while t < seconds:
            plan.append((t, kind))
            t += rng.expovariate(rate)
    return sorted(plan)


async def drive(day: Day, plan: list[tuple[float, str]], clients: int) -> float:
    """Run ``plan`` with at most ``clients`` flows in flight; the seconds it took."""
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    gate = asyncio.Semaphore(clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def one(kind: str) -> None:
            async with gate:
                await FLOWS[kind](client, day)

        start = time.perf_counter()
        tasks = []
        for at, kind in plan:
            delay = start + at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(kind)))
        await asyncio.gather(*tasks)
        return time.perf_counter() - start

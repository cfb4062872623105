"""The re-identification threat (docs/PRIVACY.md): can identity numbers be rebuilt from what
the warehouse stores?

A small region is generated through the real ingestion path. For every stored resident the
test enumerates every GB 11643-valid number consistent with every stored column except the
keyed pseudonym: the region code (the worst case: the home unit's division code), the birth
year-month, the sex and the display mask. Each person must keep at least
:data:`MIN_CANDIDATES` candidates. The same counter applied to the old layout (a mask keeping
the first six and last four characters, and the full birth date) finds at most a handful,
so the threshold is not vacuous; and with the key, the pseudonym picks out exactly one
candidate, which is why the key is a secret kept outside the warehouse.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import hmac
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from yigai.people import identity
from yigai.synth import SynthConfig, generate
from yigai.warehouse import Warehouse

KEY = b"rebuild-test-key"
MIN_CANDIDATES = 100
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


def candidates(
    region: str, year: int, month: int, sex: str | None, mask: str, day: int | None = None
) -> list[str]:
    """Every valid number with this region code, birth month (and day, when known) and sex
    whose characters agree with ``mask`` wherever it is not ``*``."""
    days = [day] if day is not None else range(1, calendar.monthrange(year, month)[1] + 1)
    order = np.arange(1000, dtype=np.int64)
    if sex is not None:
        order = order[order % 2 == (1 if sex == "M" else 0)]
    prefix = np.array([int(f"{region}{year:04d}{month:02d}{d:02d}") for d in days])
    body = (prefix[:, None] * 1000 + order[None, :]).ravel()
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1, dtype=np.int64)) % 10
    chars = np.empty((len(body), 18), dtype=np.uint8)
    chars[:, :17] = digits + ord("0")
    chars[:, 17] = _CHECK[(digits @ _WEIGHTS) % 11]
    keep = np.ones(len(body), dtype=bool)
    for pos, ch in enumerate(mask.encode()):
        if ch != ord("*"):
            keep &= chars[:, pos] == ch
    return [row.tobytes().decode() for row in chars[keep]]


def _stored(root: Path) -> dict[str, pa.Table]:
    """Every record set as an attacker holding the files sees it (all Parquet files)."""
    parts: dict[str, list[pa.Table]] = {}
    for path in sorted(root.rglob("*.parquet")):
        parts.setdefault(path.relative_to(root).parts[0], []).append(pq.read_table(path))
    return {
        name: pa.concat_tables(tables, promote_options="default") for name, tables in parts.items()
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wh = Warehouse(tmp_path_factory.mktemp("rebuild") / "wh")
    generate(wh, SynthConfig(residents_per_county=1500, years=(2025,), seed=11), key=KEY)
    return wh.root


@pytest.fixture(scope="module")
def residents(warehouse: Path) -> list[dict]:
    tables = _stored(warehouse)
    units = {r["org_id"]: r for r in tables["org_units"].to_pylist()}
    rows = tables["residents"].to_pylist()
    for r in rows:
        r["region"] = units[r["home_unit_id"]]["division_code"]
    return rows


@pytest.fixture(scope="module")
def space(residents: list[dict]) -> dict[str, list[str]]:
    """person_id → candidates from every stored column but the pseudonym."""
    return {
        r["person_id"]: candidates(
            r["region"], r["birth_ym"].year, r["birth_ym"].month, r["sex"], r["id_masked"]
        )
        for r in residents
    }


@pytest.fixture(scope="module")
def numbers(space: dict[str, list[str]]) -> dict[str, str]:
    """What the holder of the warehouse AND the key gets: each person's number, by trying
    every candidate's pseudonym."""
    out = {}
    for pid, cands in space.items():
        hits = [
            c for c in cands if hmac.new(KEY, c.encode(), hashlib.sha256).hexdigest()[:32] == pid
        ]
        assert len(hits) == 1, pid
        out[pid] = hits[0]
    return out


def test_every_person_keeps_at_least_100_candidate_numbers(space: dict[str, list[str]]) -> None:
    counts = [len(c) for c in space.values()]
    assert len(counts) == 1500
    assert min(counts) >= MIN_CANDIDATES, min(counts)


def test_the_key_holder_rebuilds_every_number_by_brute_force(
    numbers: dict[str, str], residents: list[dict]
) -> None:
    """The residual risk docs/PRIVACY.md states: warehouse + key = identity numbers."""
    assert len(numbers) == len(residents)
    assert all(identity.is_valid(n) for n in numbers.values())


def test_the_old_layout_left_a_handful_of_candidates(
    numbers: dict[str, str], residents: list[dict]
) -> None:
    """Old mask (first six and last four) + full birth date: the counter finds ≤ 10 (in fact
    one), so the threshold above is a real test."""
    counts = []
    for r in residents[:200]:
        number = numbers[r["person_id"]]
        old_mask = number[:6] + "*" * 8 + number[-4:]
        born = identity.birth_date(number)
        counts.append(
            len(candidates(number[:6], born.year, born.month, r["sex"], old_mask, born.day))
        )
    assert max(counts) <= 10


def test_no_stored_column_of_any_record_set_holds_an_identity_number(
    warehouse: Path, numbers: dict[str, str]
) -> None:
    for name, table in _stored(warehouse).items():
        for column in table.column_names:
            values = table[column]
            if not pa.types.is_string(values.type):
                continue
            long_runs = values.filter(pc.match_substring_regex(values, identity.EMBEDDED_PATTERN))
            found = [v for v in long_runs.to_pylist() if identity.find_numbers(v)]
            assert not found, (name, column, found[:3])
    raw = [n.encode() for n in numbers.values()]
    for path in warehouse.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(n in data for n in raw), path


def test_no_resident_date_is_the_birth_day(residents: list[dict], numbers: dict[str, str]) -> None:
    """Only the birth month is kept: no other date of a resident falls on the birthday (a
    registration at birth would otherwise store it)."""
    for r in residents:
        born = identity.birth_date(numbers[r["person_id"]])
        dates = [v for k, v in r.items() if isinstance(v, dt.date) and k != "birth_ym"]
        assert born not in dates, r["person_id"]

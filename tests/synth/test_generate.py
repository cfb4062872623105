"""The generator end to end: valid tables, foreign keys, determinism, streaming, warehouse."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from yigai.records import schemas
from yigai.synth import Piece, SynthConfig, SynthError, generate, generate_into, iter_pieces

from .helpers import KEY, problems

MINE = (
    "org_units",
    "community_members",
    "residents",
    "staff",
    "encounters",
    "referrals",
    "contracts",
    "chronic_cases",
    "followups",
    "health_checkups",
    "drug_purchases",
)


def _digest(config: SynthConfig) -> str:
    h = hashlib.sha256()
    for piece in iter_pieces(config, key=KEY):
        h.update(piece.record_set.encode())
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, piece.table.schema) as writer:
            writer.write_table(piece.table)
        h.update(sink.getvalue().to_pybytes())
    return h.hexdigest()


@pytest.mark.parametrize("name", MINE)
def test_every_table_satisfies_its_record_set(region: dict[str, pa.Table], name: str) -> None:
    assert problems(schemas.get(name), region[name]) == []


@pytest.mark.parametrize("name", MINE)
def test_foreign_keys_resolve(region: dict[str, pa.Table], name: str) -> None:
    rs = schemas.get(name)
    for column, target in rs.references:
        (key,) = schemas.get(target).key
        values = region[name][column].drop_null()
        missing = pc.sum(pc.invert(pc.is_in(values, region[target][key]))).as_py() or 0
        assert missing == 0, f"{name}.{column} → {target}"


def test_followups_and_encounters_point_at_existing_cases_and_referrals(
    region: dict[str, pa.Table],
) -> None:
    assert pc.all(
        pc.is_in(region["followups"]["case_id"], region["chronic_cases"]["case_id"])
    ).as_py()
    linked = region["encounters"]["referral_id"].drop_null()
    assert pc.all(pc.is_in(linked, region["referrals"]["referral_id"])).as_py()


def test_same_config_and_seed_give_identical_bytes() -> None:
    config = SynthConfig(residents_per_county=1500, years=(2025,), seed=7)
    assert _digest(config) == _digest(config)


def test_different_seed_gives_different_tables() -> None:
    a = SynthConfig(residents_per_county=1500, years=(2025,), seed=7)
    b = SynthConfig(residents_per_county=1500, years=(2025,), seed=8)
    assert _digest(a) != _digest(b)


class CountingSink:
    """Records what was written without keeping it: calls, max rows and Arrow memory."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []
        self.peak_arrow_bytes = 0

    def write(self, piece: Piece) -> None:
        self.calls.append((piece.record_set, piece.source, piece.table.num_rows))
        self.peak_arrow_bytes = max(self.peak_arrow_bytes, pa.total_allocated_bytes())


def test_two_counties_are_written_chunk_by_chunk() -> None:
    config = SynthConfig(
        cities=1,
        counties_per_city=2,
        residents_per_county=2500,
        chunk_residents=1000,
        years=(2024, 2025),
    )
    sink = CountingSink()
    summary = generate_into(sink, config, key=KEY)
    enc = [c for c in sink.calls if c[0] == "encounters"]
    res = [c for c in sink.calls if c[0] == "residents"]
    # 2 counties × 2 years × 3 chunks of ≤ 1,000 residents; residents written once.
    assert len(enc) == 12
    assert len(res) == 6
    assert max(rows for _, _, rows in res) <= 1000
    assert sum(rows for _, _, rows in res) == 5000 == summary.rows["residents"]
    # Streaming: the first county's care is written before the second county exists.
    first_county_enc = next(i for i, c in enumerate(sink.calls) if c[0] == "encounters")
    second_county_units = [
        i for i, c in enumerate(sink.calls) if c[0] == "org_units" and "440102" in c[1]
    ]
    assert second_county_units and first_county_enc < second_county_units[0]


def test_memory_does_not_grow_with_the_number_of_counties() -> None:
    def peak(counties: int) -> int:
        sink = CountingSink()
        config = SynthConfig(counties_per_city=counties, residents_per_county=3000, years=(2025,))
        generate_into(sink, config, key=KEY)
        return sink.peak_arrow_bytes

    one, four = peak(1), peak(4)
    assert four < one * 1.5 + 1_000_000


def test_progress_reports_every_unit() -> None:
    seen: list[tuple[str, int, int | None]] = []
    config = SynthConfig(counties_per_city=2, residents_per_county=1200, years=(2024, 2025))
    generate_into(
        CountingSink(),
        config,
        key=KEY,
        progress=lambda d, done, total: seen.append((d, done, total)),
    )
    assert [done for _, done, _ in seen] == [1, 2, 3, 4]
    assert {total for _, _, total in seen} == {4}
    assert len({d for d, _, _ in seen}) == 1


def test_generate_commits_through_ingestion_and_is_idempotent(tmp_path: Path) -> None:
    from yigai.warehouse import Warehouse

    wh = Warehouse(tmp_path / "wh")
    config = SynthConfig(residents_per_county=1500, years=(2025,))
    summary = generate(wh, config, key=KEY)
    assert wh.read("encounters").num_rows == summary.rows["encounters"]
    assert wh.read("residents").num_rows == 1500
    batches = len(wh.batches())
    generate(wh, config, key=KEY)
    assert len(wh.batches()) == batches
    assert wh.read("encounters").num_rows == summary.rows["encounters"]


def test_a_different_region_into_the_same_warehouse_is_refused_bilingually(tmp_path: Path) -> None:
    """Org ids follow division codes, so another seed's region collides with the stored one:
    ingestion rejects it whole and nothing of it is stored."""
    from yigai.warehouse import Warehouse

    wh = Warehouse(tmp_path / "wh")
    generate(wh, SynthConfig(residents_per_county=1200, years=(2025,), seed=1), key=KEY)
    before = len(wh.batches())
    with pytest.raises(SynthError) as err:
        generate(wh, SynthConfig(residents_per_county=1200, years=(2025,), seed=2), key=KEY)
    assert "被拒绝" in err.value.zh and "rejected" in err.value.en
    assert len(wh.batches()) == before


def test_a_county_does_not_depend_on_the_counties_generated_with_it() -> None:
    """Each unit draws from its own (seed, stream, county, chunk, year) generator, so the first
    county of a two-county run is the same as a one-county run's."""

    def first_county(counties: int) -> list[pa.Table]:
        config = SynthConfig(counties_per_city=counties, residents_per_county=1200, years=(2025,))
        return [p.table for p in iter_pieces(config, key=KEY) if "county=440101" in p.source]

    one, two = first_county(1), first_county(2)
    assert len(one) == len(two)
    assert all(a.equals(b) for a, b in zip(one, two, strict=True))

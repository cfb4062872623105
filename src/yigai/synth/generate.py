"""Streaming generation of a synthetic region (合成区域生成) into the warehouse.

Work is cut into *units* of one chunk of residents (≤ ``config.chunk_residents``) of one
county in one year. Each unit is generated, handed to the sink record set by record set and
dropped before the next starts, so memory is bounded by one chunk whatever the size of the
province. Every random draw comes from a generator seeded by (seed, stream, county, chunk,
year), so a unit does not depend on the units before it: same config and seed → the same
tables, byte for byte.

Order of writes (foreign keys first): the province's units; then per county its org units,
community membership, staff and resource register; then per year the drug purchases and per
year and chunk: residents and chronic cases (first year only), contracts, encounters,
referrals, follow-ups, health check-ups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import pyarrow as pa

from yigai.synth import calibration as calibration_mod
from yigai.synth.care import generate_care
from yigai.synth.checkups import generate_checkups
from yigai.synth.chronic import generate_cases, generate_followups
from yigai.synth.config import SynthConfig, SynthError, SynthSummary
from yigai.synth.contracts import generate_contracts
from yigai.synth.drugs import generate_drug_purchases
from yigai.synth.people import generate_cohort
from yigai.synth.region import build_county, build_higher
from yigai.synth.resources import generate_resources
from yigai.synth.staff import generate_staff

#: ``progress(description, done_units, total_units)`` after each unit, the shape of
#: :data:`yigai.console.ProgressFn` (one constant description: one bar).
Progress = Callable[[str, int, int | None], None]
PROGRESS_LABEL = "生成合成区域 / generating"


@dataclass(frozen=True)
class Piece:
    """One table to write: a record set's rows from one unit of work."""

    record_set: str
    table: pa.Table
    source: str


class Sink(Protocol):
    def write(self, piece: Piece) -> None: ...


class WarehouseSink:
    """Writes each piece through ``yigai.warehouse.ingest.ingest_table`` (validated, atomic)."""

    def __init__(self, wh: Any, key: bytes) -> None:
        self.wh, self.key = wh, key

    def write(self, piece: Piece) -> None:
        # Imported here: the warehouse package is optional for generating into other sinks.
        from yigai.warehouse.ingest import ingest_table

        report = ingest_table(
            self.wh,
            piece.record_set,
            piece.table,
            source=piece.source,
            accept_partial=False,
            key=self.key,
        )
        if report.status == "rejected":
            first = report.rejections[:3]
            zh = "；".join(
                f"{r.column or ''}{'' if r.row is None else f' 第{r.row}行'}：{r.zh}" for r in first
            )
            en = "; ".join(
                f"{r.column or ''}{'' if r.row is None else f' row {r.row}'}: {r.en}" for r in first
            )
            raise SynthError(
                f"生成的 {piece.record_set} 数据被拒绝（{piece.source}）：{zh}",
                f"generated {piece.record_set} rows were rejected ({piece.source}): {en}",
            )


def total_units(config: SynthConfig) -> int:
    return sum(len(config.chunks(c)) for c in range(config.n_counties)) * len(config.years)


def iter_pieces(
    config: SynthConfig, *, key: bytes, progress: Progress | None = None
) -> Iterator[Piece]:
    """The region as a stream of tables, one unit of work at a time."""
    cal = calibration_mod.load(config.calibration_path)
    higher = build_higher(config, cal)
    tag = f"synth:seed={config.seed}"
    yield Piece("org_units", higher.org_units(), f"{tag}:province={higher.province_code}")
    total, done = total_units(config), 0
    for index in range(config.n_counties):
        county = build_county(config, cal, higher, index)
        ctag = f"{tag}:county={county.code}"
        yield Piece("org_units", county.org_units(higher.city_codes[county.city_index]), ctag)
        yield Piece("community_members", county.community_members(), ctag)
        staff = generate_staff(config, cal, county)
        yield Piece("staff", staff, ctag)
        yield Piece("resources", generate_resources(config, cal, county, staff), ctag)
        del staff
        for year in config.years:
            purchases = generate_drug_purchases(config, cal, county, year)
            yield Piece("drug_purchases", purchases, f"{ctag}:year={year}")
            for chunk in range(len(config.chunks(index))):
                utag = f"{ctag}:year={year}:chunk={chunk}"
                cohort = generate_cohort(config, cal, county, chunk, key)
                cases = generate_cases(config, cal, county, cohort, chunk)
                if year == config.years[0]:
                    yield Piece("residents", cohort.table, f"{ctag}:chunk={chunk}")
                    yield Piece("chronic_cases", cases.table, f"{ctag}:chunk={chunk}")
                contracts, contracted = generate_contracts(config, cal, county, cohort, chunk, year)
                yield Piece("contracts", contracts, utag)
                encounters, referrals = generate_care(
                    config, cal, county, higher, cohort, chunk, year, contracted
                )
                yield Piece("encounters", encounters, utag)
                yield Piece("referrals", referrals, utag)
                yield Piece(
                    "followups",
                    generate_followups(config, cal, county, cohort, cases, chunk, year),
                    utag,
                )
                checkups = generate_checkups(config, cal, county, cohort, chunk, year)
                yield Piece("health_checkups", checkups, utag)
                # Drop this unit's tables before the next is built: peak memory is one unit.
                del cohort, cases, contracts, contracted, encounters, referrals
                done += 1
                if progress is not None:
                    progress(PROGRESS_LABEL, done, total)


def generate_into(
    sink: Sink, config: SynthConfig, *, key: bytes, progress: Progress | None = None
) -> SynthSummary:
    """Generate the region into ``sink``; empty pieces are skipped."""
    rows: dict[str, int] = {}
    batches = 0
    for piece in iter_pieces(config, key=key, progress=progress):
        if piece.table.num_rows == 0:
            continue
        sink.write(piece)
        rows[piece.record_set] = rows.get(piece.record_set, 0) + piece.table.num_rows
        batches += 1
    return SynthSummary(config=config, rows=rows, batches=batches)


def generate(
    wh: Any, config: SynthConfig, *, key: bytes, progress: Progress | None = None
) -> SynthSummary:
    """Generate the region into warehouse ``wh`` through validated, atomic ingestion. A new
    warehouse is marked as a demo warehouse (synthetic people), where the demo key is allowed."""
    from yigai.warehouse import keys

    keys.mark_demo(wh.root, key)
    return generate_into(WarehouseSink(wh, key), config, key=key, progress=progress)

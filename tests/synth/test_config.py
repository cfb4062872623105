"""SynthConfig validation and the split of a county into chunks."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.synth.config import SynthConfig, SynthError, parse_years


def test_parse_years_range() -> None:
    assert parse_years("2024-2025") == (2024, 2025)
    assert parse_years("2025") == (2025,)


def test_parse_years_rejects_reversed_range_bilingually() -> None:
    with pytest.raises(SynthError) as err:
        parse_years("2025-2024")
    assert err.value.zh.startswith("年份范围倒置")
    assert "reversed" in err.value.en


def test_parse_years_rejects_garbage() -> None:
    with pytest.raises(SynthError):
        parse_years("last year")


def test_too_small_county_is_rejected() -> None:
    with pytest.raises(SynthError) as err:
        SynthConfig(residents_per_county=999)
    assert "1000" in str(err.value)


def test_total_residents_split_over_counties_keeps_the_total() -> None:
    config = SynthConfig(cities=2, counties_per_city=3, total_residents=40_000_001)
    assert sum(config.county_residents(c) for c in range(6)) == 40_000_001


@settings(deadline=None)
@given(
    residents=st.integers(min_value=1000, max_value=3_000_000),
    chunk=st.integers(min_value=1000, max_value=500_000),
)
def test_chunks_cover_the_county_without_gaps_and_respect_the_bound(
    residents: int, chunk: int
) -> None:
    config = SynthConfig(residents_per_county=residents, chunk_residents=chunk)
    chunks = config.chunks(0)
    assert chunks[0][0] == 0 and chunks[-1][1] == residents
    assert all(a[1] == b[0] for a, b in itertools.pairwise(chunks))
    assert all(0 < stop - start <= chunk for start, stop in chunks)

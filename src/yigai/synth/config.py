"""What to generate (合成区域配置) and what was generated (生成摘要)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

#: Residents generated (and ingested) together. Bounds memory per step: 100,000 residents
#: make ≈ 570,000 encounters a year and a peak of ≈ 0.8 GB resident memory (200,000: ≈ 1.5 GB).
DEFAULT_CHUNK_RESIDENTS = 100_000


class SynthError(ValueError):
    """A configuration the generator cannot honour; Chinese first, then English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def parse_years(text: str) -> tuple[int, ...]:
    """``"2024-2025"`` → ``(2024, 2025)``; ``"2025"`` → ``(2025,)``."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4}))?\s*", text)
    if not match:
        raise SynthError(
            f"年份格式应为 2024 或 2024-2025，而不是 {text!r}",
            f"years must look like 2024 or 2024-2025, not {text!r}",
        )
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise SynthError(f"年份范围倒置：{text!r}", f"year range is reversed: {text!r}")
    return tuple(range(first, last + 1))


@dataclass(frozen=True)
class SynthConfig:
    """A synthetic province: ``cities`` × ``counties_per_city`` counties of
    ``residents_per_county`` residents each, over ``years``.

    ``total_residents``, when given, overrides ``residents_per_county`` (split evenly, the
    remainder to the first counties). Same config and seed → byte-identical tables.
    """

    cities: int = 1
    counties_per_city: int = 1
    residents_per_county: int = 5000
    years: tuple[int, ...] = (2024, 2025)
    seed: int = 2025
    total_residents: int | None = None
    chunk_residents: int = DEFAULT_CHUNK_RESIDENTS
    province_code: str | None = None  # default from the calibration file
    calibration_path: str | None = field(default=None)

    def __post_init__(self) -> None:
        if not 1 <= self.cities <= 99:
            raise SynthError("市的数量应在 1–99 之间", "cities must be between 1 and 99")
        if not 1 <= self.counties_per_city <= 99:
            raise SynthError("每市县数应在 1–99 之间", "counties per city must be between 1 and 99")
        if not self.years or list(self.years) != sorted(set(self.years)):
            raise SynthError("年份应为递增且不重复", "years must be increasing without repeats")
        if not all(1950 <= y <= 2099 for y in self.years):
            raise SynthError("年份应在 1950–2099 之间", "years must be between 1950 and 2099")
        if self.seed < 0:
            raise SynthError("随机种子不能为负", "seed must not be negative")
        if self.chunk_residents < 1000:
            raise SynthError("分块居民数至少为 1000", "chunk_residents must be at least 1000")
        for county in range(self.n_counties):
            if self.county_residents(county) < 1000:
                raise SynthError(
                    "每县居民数至少为 1000", "each county needs at least 1000 residents"
                )
        if self.province_code is not None and not re.fullmatch(r"[1-9]\d", self.province_code):
            raise SynthError("省级区划代码应为两位数字", "province code must be two digits")

    @property
    def n_counties(self) -> int:
        return self.cities * self.counties_per_city

    def county_residents(self, county: int) -> int:
        """Residents of the ``county``-th county (0-based, city-major order)."""
        if self.total_residents is None:
            return self.residents_per_county
        base, extra = divmod(self.total_residents, self.n_counties)
        return base + (1 if county < extra else 0)

    def chunks(self, county: int) -> list[tuple[int, int]]:
        """``(start, stop)`` resident index ranges of the county's chunks, about equal."""
        n = self.county_residents(county)
        k = -(-n // self.chunk_residents)
        bounds = [n * i // k for i in range(k + 1)]
        return list(itertools.pairwise(bounds))


@dataclass(frozen=True)
class SynthSummary:
    """Rows written per record set, and the config that produced them."""

    config: SynthConfig
    rows: dict[str, int]
    batches: int

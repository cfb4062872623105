"""考核预留与返还 (seed 002 二（四）): the withheld share and its release by assessment score."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from yigai.policy.assessment_release import (
    ReleaseInputError,
    ReleaseRule,
    read_scores,
    release,
)
from yigai.policy.params import DEFAULT_ROOT

RULE = ReleaseRule(
    Decimal("0.05"),
    ((Decimal(0), Decimal(0)), (Decimal(60), Decimal("0.7")), (Decimal(90), Decimal(1))),
)


def test_released_is_the_band_rate_of_the_withheld_amount() -> None:
    # withheld = 0.05 × 1,000,001 = 50,000.05 → 50,000; released = 0.7 × 50,000 = 35,000
    r = release(1_000_001, Decimal("75.5"), RULE)
    assert (r.withheld_fen, r.minimum, r.rate) == (50_000, Decimal(60), Decimal("0.7"))
    assert (r.released_fen, r.forfeited_fen) == (35_000, 15_000)


def test_a_score_at_a_band_minimum_reaches_that_band() -> None:
    assert release(1_000_000, Decimal(90), RULE).released_fen == 50_000


def test_without_a_score_the_withheld_amount_is_pending() -> None:
    r = release(1_000_000, None, RULE)
    assert r.pending and r.withheld_fen == 50_000
    assert r.released_fen == r.forfeited_fen == 0


def test_the_shipped_rule_is_dated_and_sorted_by_minimum() -> None:
    rule = ReleaseRule.load("hebei_wuji", 2025)
    assert rule is not None and rule.withhold_share == Decimal("0.05")
    assert [b[0] for b in rule.bands] == sorted(b[0] for b in rule.bands)


def test_a_withheld_share_without_a_release_rule_is_an_error(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_ROOT / "hebei_wuji", tmp_path / "hebei_wuji")
    (tmp_path / "hebei_wuji" / "payment" / "assessment_release.yaml").unlink()
    with pytest.raises(ReleaseInputError, match=r"payment\.assessment_release"):
        ReleaseRule.load("hebei_wuji", 2025, root=tmp_path)


def test_no_withheld_share_means_no_rule(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_ROOT / "hebei_wuji", tmp_path / "hebei_wuji")
    (tmp_path / "hebei_wuji" / "payment" / "assessment_withhold_share.yaml").unlink()
    assert ReleaseRule.load("hebei_wuji", 2025, root=tmp_path) is None


def test_scores_are_read_from_assessment_totals_and_provisional_ones_are_pending(
    tmp_path: Path,
) -> None:
    path = tmp_path / "assessment_totals.parquet"
    pq.write_table(
        pa.table(
            {
                "org_id": ["C1", "C2"],
                "total": pa.array([Decimal("91.25"), Decimal("40")], pa.decimal128(12, 4)),
                "provisional": [False, True],
            }
        ),
        path,
    )
    assert read_scores(path) == {"C1": Decimal("91.2500"), "C2": None}


def test_a_scores_file_without_the_total_column_names_it(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"org_id": ["C1"]}), path)
    with pytest.raises(ReleaseInputError, match=r"bad\.parquet.*total"):
        read_scores(path)

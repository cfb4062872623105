"""The benchmarks still measure what they claim: both sides agree before any time counts.

No timing is asserted here (speed lives in benchmarks/results.md); these only keep the
benchmark code from rotting between `make bench` runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks import bench_adjudication
from benchmarks.run import _target_sentence, bench_indicators

pytestmark = pytest.mark.xdist_group("benchmarks")


def test_engine_and_pandas_baseline_agree_on_a_small_county(tmp_path: Path) -> None:
    result = bench_indicators(5_000, tmp_path, repeat=1)  # raises if any count differs
    assert result["result_rows_compared"] > 100


def test_vectorised_and_scalar_adjudication_agree_in_the_benchmark() -> None:
    result = bench_adjudication.run(20_000, scalar_limit=5_000)
    assert result["equal"] is True and result["scalar_rows"] > 0


def _run(rows: int, ratio: float, grouped: bool = False) -> dict:
    return {
        "rows": rows,
        "ratio": ratio,
        "equal": True,
        "grouped_by_person": grouped,
        "peak_rss_mib": rows // 2_000,
    }


def test_target_is_met_on_the_county_year_and_other_sizes_are_stated_beside_it() -> None:
    runs = [_run(2_000_000, 51.2), _run(2_000_000, 60.8, True), _run(10_000_000, 39.0)]
    sentence = _target_sentence(runs)
    assert "**met** (51.2×, 60.8×)" in sentence
    assert "10,000,000 claims: peak memory 5,000 MiB; ratio 39.0× (1 of 1 below 50×)" in sentence


def test_target_is_not_met_when_either_order_of_the_county_year_falls_short() -> None:
    assert "**not met** (49.9×, 60.8×)" in _target_sentence(
        [_run(2_000_000, 49.9), _run(2_000_000, 60.8, True)]
    )


def test_service_benchmark_drives_every_operation_without_an_error(tmp_path: Path) -> None:
    """The load benchmark end to end on a tiny county: the real service in a child process
    on loopback, every kind of request made, none refused (speed is not asserted)."""
    from benchmarks import bench_service

    result = bench_service.run(
        3_000, tmp_path, clients=4, seconds=4, villages=2, backends=("sqlite",), multiple=3_000
    )
    (run,) = result["runs"]
    assert (run["errors"], run["error_samples"]) == (0, [])
    assert set(run["operations"]) == {
        "referral_request",
        "worklist_referrals",
        "referral_accept",
        "referral_arrive",
        "referral_complete",
        "case_register",
        "worklist_followups",
        "followup",
        "contract_sign",
        "contract_end",
        "discharge",
    }


def test_web_benchmark_names_the_pages_over_the_target() -> None:
    from benchmarks import bench_web

    def page(p95: float) -> dict:
        return {
            "first_ms": 900.0,
            "first_server_ms": 800.0,
            "p50_ms": p95 - 20,
            "p95_ms": p95,
            "server_p50_ms": 30.0,
        }

    results = {
        "residents": 1000,
        "loads_per_page": 3,
        "font_subset_seconds": 0.1,
        "cpus": 2,
        "cold_font": {"page": "/login", "load_ms": 500.0},
        "full_font_fetched": False,
        "baseline": page(40),
        "pages": {"/fast": page(120), "/slow": page(310), "/none": None},
        "load_average_before": [1.0],
        "load_average_after": [1.0],
    }
    text = "\n".join(bench_web.section(results))
    assert "**not met** for /slow." in text and "| /fast | 900 (800) | 100 | 120 |" in text
    results["pages"]["/slow"] = page(299)
    assert "**met**." in "\n".join(bench_web.section(results))


def test_cli_section_says_not_met_when_a_help_is_slower_than_the_target() -> None:
    from benchmarks import bench_cli

    result = {
        "repeat": 1,
        "seconds": {"yigai --help": 0.2, "yigai report --help": 0.31},
        "slowest": "yigai report --help",
        "target_s": 0.3,
        "met": False,
    }
    text = "\n".join(bench_cli.markdown(result))
    assert "**not met**" in text and "`yigai report --help`, 0.310 s" in text


def test_hand_sql_and_engine_agree_on_a_small_county_joined_on_person_keys(
    tmp_path: Path,
) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    from benchmarks import hand_sql
    from benchmarks.run import _county

    from yigai.indicators import catalogue, compute
    from yigai.periods import Grain, periods_of_year

    wh = _county(5_000, tmp_path)
    periods = periods_of_year(2025, tuple(Grain))
    spine = catalogue.load([Path(catalogue.__file__).parent / "catalogue" / "spine.yaml"])
    engine = compute(wh, periods, catalogue=spine)
    engine = engine.filter(pc.is_valid(engine["numerator"]))
    hand = hand_sql.compute(wh, periods)
    cols = ["indicator_id", "org_id", "period_id", "numerator", "denominator"]

    def rows(t: pa.Table) -> set[tuple]:
        return set(zip(*(t[c].to_pylist() for c in cols), strict=True))

    assert len(rows(hand)) > 100 and rows(engine) == rows(hand)


def test_spark_section_marks_the_steps_not_run_above_the_single_process_limit() -> None:
    from benchmarks import bench_spark

    large = {
        "residents": 10_000_000,
        "encounters": 56_713_481,
        "claims": 55_013_164,
        "spark_start_seconds": 7.2,
        "workers_settle_seconds": 240.9,
        "workers_claims_per_core_s": 114_174,
        "workers_peak_tree_mib": 14_588,
        "load_before_indicators": [2.0, 2.0, 2.2],
        "indicator_seconds": 280.0,
        "indicator_encounters_per_core_s": 101_285,
    }
    text = "\n".join(bench_spark.section([large]))
    assert "| 10,000,000 | 56,713,481 | 55,013,164 | — | — (—) | 240.9 | 114,174 | 14,588 |" in text
    assert text.rstrip().endswith("[2.0, 2.0, 2.2].")


def test_the_process_tree_memory_counts_this_process() -> None:
    import os

    from benchmarks.bench_spark import _tree_rss_kib

    assert _tree_rss_kib(os.getpid()) > 10_000

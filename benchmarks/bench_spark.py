"""Settlement and indicators on Spark in local mode (issue 18 §3): ``python -m benchmarks.run
--only spark``; the figures size a province in docs/SCALE.md.

A synthetic region of ``residents`` residents (one year, 2025) is generated once per size
(reused from ``workdir``). Then, in this order, wall seconds of each step:

1. settlement on one process (:func:`yigai.policy.settle.settle_claims_explained`): the claim
   input built in pandas, then the vectorised kernel (timed apart);
2. the same on Spark ``local[cores]`` (:mod:`yigai.policy.spark_settle`): the same claim
   input split by person into one Parquet file per core, one Spark task running the kernel
   on each; the claims must equal step 1's to the fen before a time is reported (the
   session's start is timed apart);
3. ``yigai indicators compute --engine spark`` for one quarter of the whole catalogue
   (:func:`yigai.indicators.compute`) on the same session.

Per-core rates are claims (or encounters) per second divided by the cores Spark was given;
the machine's cores are shared, so the rates are a floor.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

REGION = "hebei_wuji"
YEAR = 2025
QUARTER = "2025Q1"


def _region(residents: int, workdir: Path) -> tuple[Any, float | None]:
    from yigai import settings as settings_mod
    from yigai.synth import SynthConfig, generate
    from yigai.warehouse import Warehouse

    wh = Warehouse(workdir / f"spark-region-{residents}")
    if wh.batches():
        return wh, None
    t0 = time.perf_counter()
    config = SynthConfig(counties_per_city=2, total_residents=residents, years=(YEAR,))
    generate(wh, config, key=settings_mod.load().pseudonym_key)
    return wh, round(time.perf_counter() - t0, 1)


def _timed_kernel(adjudicate: Any, spent: list[float]) -> Any:
    """``adjudicate`` that adds its wall seconds to ``spent``."""

    def run(table: Any, region: str, *, root: Path | None = None) -> Any:
        t0 = time.perf_counter()
        out = adjudicate(table, region, root=root)
        spent.append(time.perf_counter() - t0)
        return out

    return run


def run(residents: int, workdir: Path, cores: int = 2, driver_memory: str = "6g") -> dict:
    """The whole benchmark; see the module docstring."""
    from yigai.indicators import compute
    from yigai.policy.settle import settle_claims_explained
    from yigai.policy.spark_settle import session, spark_adjudicator
    from yigai.policy.vectorised import adjudicate_table

    wh, synth_seconds = _region(residents, workdir)
    encounters = wh.read("encounters", columns=["encounter_id"]).num_rows

    local_kernel: list[float] = []
    t0 = time.perf_counter()
    local, _ = settle_claims_explained(
        wh, YEAR, REGION, adjudicate=_timed_kernel(adjudicate_table, local_kernel)
    )
    local_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    spark = session(
        "yigai-bench",
        master=f"local[{cores}]",
        conf={
            "spark.driver.memory": driver_memory,
            "spark.sql.shuffle.partitions": str(4 * cores),
            "spark.sql.session.timeZone": "UTC",
        },
    )
    spark.sparkContext.setLogLevel("ERROR")
    start_seconds = time.perf_counter() - t0
    spark_kernel: list[float] = []
    t0 = time.perf_counter()
    on_spark, _ = settle_claims_explained(
        wh, YEAR, REGION, adjudicate=_timed_kernel(spark_adjudicator(spark), spark_kernel)
    )
    spark_seconds = time.perf_counter() - t0
    equal = on_spark.sort_by("encounter_id").equals(local.sort_by("encounter_id"))
    if not equal:
        raise SystemExit("Spark and single-process claims differ: no time reported")

    load = [round(x, 2) for x in os.getloadavg()]
    t0 = time.perf_counter()
    indicators = compute(wh, [QUARTER], engine="spark", spark_session=spark)
    indicator_seconds = time.perf_counter() - t0
    spark.stop()
    claims = local.num_rows
    return {
        "residents": residents,
        "encounters": encounters,
        "claims": claims,
        "cores": cores,
        "synthesis_seconds": synth_seconds,
        "local_settle_seconds": round(local_seconds, 2),
        "local_kernel_seconds": round(sum(local_kernel), 2),
        "spark_start_seconds": round(start_seconds, 1),
        "spark_settle_seconds": round(spark_seconds, 2),
        "spark_kernel_seconds": round(sum(spark_kernel), 2),
        "spark_claims_per_core_s": round(claims / sum(spark_kernel) / cores),
        "equal": equal,
        "indicator_quarter": QUARTER,
        "indicator_rows": indicators.num_rows,
        "indicator_seconds": round(indicator_seconds, 1),
        "indicator_encounters_per_core_s": round(encounters / indicator_seconds / cores),
        "load_before_indicators": load,
    }


def section(runs: list[dict]) -> list[str]:
    """The results.md section."""
    return [
        "## Settlement and indicators on Spark (local mode)",
        "",
        "Synthetic regions of one year (2025), generated once per size. *Build*: the claim "
        "input built on one process (scheme on the date, levels, referral links); *kernel*: "
        "the adjudication, on one process or on Spark `local[cores]`: the driver splits the "
        "claims by person into one Parquet file per core and one Spark task runs the kernel "
        "on each file (including writing and reading the files). Until 7 December 2026 Spark "
        "grouped the claims itself (`groupBy(pmod(xxhash64(person_id), n)).applyInArrow`): "
        "63.44 s for the 200,000-resident kernel, 8,658 claims/core·s, with the catalogue "
        "quarter at 142.6 s on a machine loaded about five ways (docs/SCALE.md). "
        "Spark's claims equal the single-process ones to "
        "the fen before a time is reported. Indicators: the whole catalogue for one quarter "
        "on the same session. Wall seconds; the 2 cores are shared with other work, so rates "
        "are floors. Sizing of a province from these rates: docs/SCALE.md.",
        "",
        "| residents | encounters | claims | cores | local build+kernel s | local kernel s "
        "| Spark settle s | Spark kernel s | claims/core·s (Spark) | indicators quarter s "
        "| encounters/core·s (indicators) | equal |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        *(
            f"| {r['residents']:,} | {r['encounters']:,} | {r['claims']:,} | {r['cores']} | "
            f"{r['local_settle_seconds']} | {r['local_kernel_seconds']} | "
            f"{r['spark_settle_seconds']} | {r['spark_kernel_seconds']} | "
            f"{r['spark_claims_per_core_s']:,} | {r['indicator_seconds']} | "
            f"{r['indicator_encounters_per_core_s']:,} | {r['equal']} |"
            for r in runs
        ),
        "",
        "Spark session start (JVM): "
        + ", ".join(f"{r['spark_start_seconds']} s" for r in runs)
        + ". Load average before the indicators: "
        + "; ".join(str(r["load_before_indicators"]) for r in runs)
        + ".",
        "",
    ]

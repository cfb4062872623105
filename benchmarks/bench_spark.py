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
3. the claims built *and* adjudicated on the workers (:mod:`yigai.policy.spark_claims`, what
   ``yigai settle --engine spark`` runs): the driver deals the person records into groups with
   DuckDB, one task per group runs the whole settlement; equal to step 1's claims to the fen;
   the peak memory of the process tree (driver, JVM and Python workers) is sampled;
4. ``yigai indicators compute --engine spark`` for one quarter of the whole catalogue
   (:func:`yigai.indicators.compute`) on the same session.

Above :data:`LOCAL_LIMIT` residents steps 1 and 2 are skipped: building the claims on one
process would need about 50 GB at 10 M residents. Those sizes use the indicator benchmark's
county (``county-<residents>``, :func:`benchmarks.run._county`) instead of generating another.

Per-core rates are claims (or encounters) per second divided by the cores Spark was given;
the machine's cores are shared, so the rates are a floor.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

REGION = "hebei_wuji"
YEAR = 2025
QUARTER = "2025Q1"
#: The largest region also settled on one process (and kernel-only on Spark) for comparison.
LOCAL_LIMIT = 2_000_000


def _region(residents: int, workdir: Path) -> tuple[Any, float | None]:
    from yigai import settings as settings_mod
    from yigai.synth import SynthConfig, generate
    from yigai.warehouse import Warehouse

    if residents > LOCAL_LIMIT:
        from benchmarks.run import _county

        return _county(residents, workdir), None
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


class _TreePeak:
    """Peak resident memory of this process and its descendants (the JVM, its Python
    workers), sampled every ``every`` seconds on a thread: Spark's workers are not children
    that have ended, so ``getrusage`` does not see them."""

    def __init__(self, every: float = 0.5) -> None:
        self.every, self.peak_kib, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mib(self) -> int:
        return round(self.peak_kib / 1024)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(os.getpid()))
            self._stop.wait(self.every)


def _tree_rss_kib(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        at = todo.pop()
        try:
            status = Path(f"/proc/{at}/status").read_text()
            children = Path(f"/proc/{at}/task/{at}/children").read_text().split()
        except OSError:  # ended meanwhile
            continue
        total += next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS")), 0)
        todo += [int(c) for c in children]
    return total


def run(residents: int, workdir: Path, cores: int = 2, driver_memory: str = "6g") -> dict:
    """The whole benchmark; see the module docstring."""
    from yigai.indicators import compute
    from yigai.policy.settle import settle_claims_explained
    from yigai.policy.spark_claims import settle_on_spark
    from yigai.policy.spark_settle import session, spark_adjudicator
    from yigai.policy.vectorised import adjudicate_table

    wh, synth_seconds = _region(residents, workdir)
    encounters = sum(pq.ParquetFile(p).metadata.num_rows for p in wh.files("encounters"))
    out: dict[str, Any] = {"residents": residents, "encounters": encounters, "cores": cores}
    out["synthesis_seconds"] = synth_seconds

    local = None
    if residents <= LOCAL_LIMIT:
        local_kernel: list[float] = []
        t0 = time.perf_counter()
        local, _ = settle_claims_explained(
            wh, YEAR, REGION, adjudicate=_timed_kernel(adjudicate_table, local_kernel)
        )
        out["local_settle_seconds"] = round(time.perf_counter() - t0, 2)
        out["local_kernel_seconds"] = round(sum(local_kernel), 2)

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
    out["spark_start_seconds"] = round(time.perf_counter() - t0, 1)
    if local is not None:
        spark_kernel: list[float] = []
        t0 = time.perf_counter()
        on_spark, _ = settle_claims_explained(
            wh, YEAR, REGION, adjudicate=_timed_kernel(spark_adjudicator(spark), spark_kernel)
        )
        out["spark_settle_seconds"] = round(time.perf_counter() - t0, 2)
        out["spark_kernel_seconds"] = round(sum(spark_kernel), 2)
        if not on_spark.sort_by("encounter_id").equals(local.sort_by("encounter_id")):
            raise SystemExit("Spark and single-process claims differ: no time reported")
        out["spark_claims_per_core_s"] = round(local.num_rows / sum(spark_kernel) / cores)
        del on_spark

    with _TreePeak() as peak:
        t0 = time.perf_counter()
        built, _ = settle_on_spark(spark, wh, YEAR, REGION)
        seconds = time.perf_counter() - t0
    out["claims"] = built.num_rows
    out["workers_settle_seconds"] = round(seconds, 1)
    out["workers_claims_per_core_s"] = round(built.num_rows / seconds / cores)
    out["workers_peak_tree_mib"] = peak.mib
    if local is not None:
        if not built.sort_by("encounter_id").equals(local.sort_by("encounter_id")):
            raise SystemExit("claims built on the workers differ from one process's")
        out["equal"] = True
    del built, local

    out["load_before_indicators"] = [round(x, 2) for x in os.getloadavg()]
    with _TreePeak() as peak:
        t0 = time.perf_counter()
        indicators = compute(wh, [QUARTER], engine="spark", spark_session=spark)
        seconds = time.perf_counter() - t0
    spark.stop()
    out["indicator_quarter"] = QUARTER
    out["indicator_rows"] = indicators.num_rows
    out["indicator_seconds"] = round(seconds, 1)
    out["indicator_encounters_per_core_s"] = round(encounters / seconds / cores)
    out["indicator_peak_tree_mib"] = peak.mib
    return out


def _cell(r: dict, key: str, fmt: str = "{}") -> str:
    """A figure, or — for a step not run at that size."""
    return fmt.format(r[key]) if r.get(key) is not None else "—"


def section(runs: list[dict]) -> list[str]:
    """The results.md section."""
    return [
        "## Settlement and indicators on Spark (local mode)",
        "",
        "Synthetic regions of one year (2025), generated once per size (above "
        f"{LOCAL_LIMIT:,} residents: the indicator benchmark's county). *Local*: the claims "
        "built and adjudicated on one process; *kernel on Spark*: the claim input built on the "
        "driver, split by person into one Parquet file per core, one Spark task running the "
        "kernel on each; *built on workers* (`yigai settle --engine spark`, "
        "`yigai.policy.spark_claims`): the driver deals the person records into groups with "
        "DuckDB and each task runs the whole settlement on its group. Both Spark paths equal "
        "the single-process claims to the fen before a time is reported (above "
        f"{LOCAL_LIMIT:,} residents nothing runs on one process to compare with: the "
        "equality is the tests' and the smaller sizes'). *Peak MiB*: resident memory of the "
        "whole process tree (driver, JVM, Python workers), sampled every 0.5 s. Indicators: "
        "the whole catalogue for one quarter on the same session. Wall seconds; the 2 cores "
        "are shared with other work, so rates are floors. Sizing of a province: docs/SCALE.md.",
        "",
        "| residents | encounters | claims | local s | kernel on Spark s (kernel) "
        "| built on workers s | claims/core·s (workers) | peak MiB (workers) "
        "| indicators quarter s | encounters/core·s (indicators) | peak MiB (indicators) "
        "| equal |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        *(
            f"| {r['residents']:,} | {r['encounters']:,} | {r['claims']:,} | "
            f"{_cell(r, 'local_settle_seconds')} | "
            f"{_cell(r, 'spark_settle_seconds')} ({_cell(r, 'spark_kernel_seconds')}) | "
            f"{_cell(r, 'workers_settle_seconds')} | "
            f"{_cell(r, 'workers_claims_per_core_s', '{:,}')} | "
            f"{_cell(r, 'workers_peak_tree_mib', '{:,}')} | {r['indicator_seconds']} | "
            f"{r['indicator_encounters_per_core_s']:,} | "
            f"{_cell(r, 'indicator_peak_tree_mib', '{:,}')} | {_cell(r, 'equal')} |"
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

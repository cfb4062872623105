"""Reproducible benchmarks: ``make bench`` (or ``python -m benchmarks.run``).

1. Indicator engine vs a plain pandas implementation of the same indicators, on one synthetic
   county-year of about a million residents, in the same run; the two must agree on every
   numerator and denominator before a time is reported. Then the engine vs hand-written DuckDB
   SQL (:mod:`benchmarks.bench_indicators`) at 200,000, 1 and 2 million residents
   (``--indicator-sizes``), equal on every row first.
2. Claim adjudication: vectorised vs the scalar reference on the same synthetic claims.
3. The community service under load (:mod:`benchmarks.bench_service`): the real service on
   loopback, concurrent clients through a mixed day at ten times the county's peak hour, on
   SQLite and PostgreSQL.
4. The web pages' load time in Chromium (:mod:`benchmarks.bench_web`) on a county-year.
5. Policy what-if (:mod:`benchmarks.bench_whatif`): ``yigai whatif`` on a settled county-year.
6. Settlement and indicators on Spark in local mode (:mod:`benchmarks.bench_spark`), at
   ``--spark-residents`` sizes: the per-core rates docs/SCALE.md sizes a province from.
7. CLI start-up (:mod:`benchmarks.bench_cli`): `yigai --help` and each command's help in a
   fresh process, beside the bare interpreter's start-up.

Results go to ``benchmarks/results.json`` and ``benchmarks/results.md`` (committed). Sizes can
be lowered for a quick look: ``python -m benchmarks.run --residents 50000 --claims 200000``.
Adjudication runs at 2 and 10 million claims by default: the ratio at county-year size and
whether ten million claims fit the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa

from benchmarks import (
    bench_cli,
    bench_service,
    bench_spark,
    bench_web,
    bench_whatif,
    pandas_baseline,
)
from benchmarks import bench_indicators as vs_hand
from yigai import settings as settings_mod
from yigai.periods import Grain, periods_of_year

HERE = Path(__file__).resolve().parent
YEAR = 2025


def _county(residents: int, workdir: Path):
    """The benchmark county (generated once per size and seed, then reused)."""
    from yigai.synth import SynthConfig, generate
    from yigai.warehouse import Warehouse

    root = workdir / f"county-{residents}"
    wh = Warehouse(root)
    if not wh.batches():
        cfg = SynthConfig(residents_per_county=residents, years=(YEAR,), seed=2025)
        t0 = time.perf_counter()
        generate(wh, cfg, key=settings_mod.load().pseudonym_key)
        print(f"generated county of {residents:,} residents in {time.perf_counter() - t0:.1f} s")
    return wh


def _timed(fn, repeat: int):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench_indicators(residents: int, workdir: Path, repeat: int) -> dict:
    from yigai.indicators import catalogue, compute

    wh = _county(residents, workdir)
    periods = periods_of_year(YEAR, tuple(Grain))
    ends = {p.id: pd.Timestamp(p.end) for p in periods}
    names = ("org_units", "community_members", "residents", "encounters", "contracts")
    encounters = wh.read("encounters", columns=["encounter_id"]).num_rows

    spine = catalogue.load([Path(catalogue.__file__).parent / "catalogue" / "spine.yaml"])

    def engine():
        return compute(wh, periods, engine="duckdb", catalogue=spine)

    def baseline():
        tables: dict[str, pa.Table] = {n: wh.read(n) for n in names}
        return pandas_baseline.compute(tables, ends)

    t_engine, res_engine = _timed(engine, repeat)
    t_pandas, res_pandas = _timed(baseline, repeat)

    # Same numbers first, then speed.
    eng = res_engine.to_pandas()
    eng = eng[eng["indicator_id"].isin(res_pandas["indicator_id"].unique())]
    key = ["indicator_id", "org_id", "period_id"]
    left = eng[[*key, "numerator", "denominator"]].sort_values(key).reset_index(drop=True)
    right = res_pandas[[*key, "numerator", "denominator"]].sort_values(key).reset_index(drop=True)
    merged = left.merge(right, on=key, how="outer", suffixes=("_engine", "_pandas"), indicator=True)
    differing = merged[
        (merged["_merge"] != "both")
        | (merged["numerator_engine"] != merged["numerator_pandas"])
        | (merged["denominator_engine"] != merged["denominator_pandas"])
    ]
    both = merged[merged["_merge"] == "both"]
    # A unit with nothing to count on either side is a row in one and absent in the other.
    empty = ((differing["_merge"] == "left_only") & (differing["denominator_engine"] == 0)) | (
        (differing["_merge"] == "right_only") & (differing["denominator_pandas"] == 0)
    )
    differing = differing[~empty]
    if len(differing):
        raise SystemExit(
            f"engine and pandas disagree on {len(differing)} rows:\n{differing.head(20)}"
        )
    return {
        "what": "spine indicator catalogue, 12 months + 4 quarters + 1 year, all org levels",
        "residents": residents,
        "encounters": encounters,
        "result_rows_compared": len(both),
        "engine_seconds": round(t_engine, 3),
        "pandas_seconds": round(t_pandas, 3),
        "engine_encounters_per_s": round(encounters / t_engine),
        "pandas_encounters_per_s": round(encounters / t_pandas),
        "ratio_pandas_over_engine": round(t_pandas / t_engine, 2),
    }


#: The speed the vectorised adjudication should reach, in multiples of the scalar reference,
#: on a county-year (issue 3).
TARGET_RATIO = 50
#: Claims of a synthetic county-year: 250,000 insured residents at about 8 claims each (a
#: county of some 300,000 people; the benchmark's other size, ten million, tests capacity).
COUNTY_YEAR_CLAIMS = 2_000_000


def bench_adjudication(claims: int, grouped_by_person: bool) -> dict:
    """Run in a child process so its peak memory is measured apart from the other benchmarks."""
    # The child reports its own high-water mark (VmHWM, this process image only): rusage of
    # children would also count the parent's pages a fork copies before exec.
    code = (
        "import json, re; from benchmarks import bench_adjudication as b; "
        f"r = b.run({claims}, grouped_by_person={grouped_by_person}); "
        "hwm = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()); "
        "r['peak_rss_mib'] = round(int(hwm[1]) / 1024) if hwm else None; "
        "print(json.dumps(r))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=HERE.parent, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def write(results: dict) -> None:
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Benchmark results",
        "",
        f"Run {results['run_at']} on {results['machine']} (`make bench`).",
        "Ratios compare two implementations measured in the same run on the same data.",
        "",
    ]
    if ind := results.get("indicators"):
        lines += [
            "## Indicator engine (DuckDB via Ibis) vs plain pandas",
            "",
            f"{ind['what']}; synthetic county of {ind['residents']:,} residents, "
            f"{ind['encounters']:,} encounters; {ind['result_rows_compared']:,} result rows "
            "compared equal before timing was accepted. Best of the repeats, including reading Parquet.",
            "",
            "| implementation | seconds | encounters/s |",
            "|---|---:|---:|",
            f"| yigai engine (DuckDB) | {ind['engine_seconds']} | {ind['engine_encounters_per_s']:,} |",
            f"| pandas baseline | {ind['pandas_seconds']} | {ind['pandas_encounters_per_s']:,} |",
            "",
            f"**Engine is {ind['ratio_pandas_over_engine']}× the pandas baseline.**",
            "",
        ]
    if curve := results.get("indicator_curve"):
        lines += vs_hand.section(curve) + results.get("indicator_notes", [])
    if runs := results.get("adjudication"):
        runs = runs if isinstance(runs, list) else [runs]
        lines += [
            "## Claim adjudication: vectorised vs scalar reference",
            "",
            f"Synthetic claims of region {runs[0]['region']}, handed over in two orders: as the "
            "warehouse stores them (by date, then encounter id: the vectorised path must group "
            "them by person itself) and already grouped by person (as a person-sorted extract "
            "delivers them). The scalar reference runs on a subset of whole persons; both "
            "paths must agree to the fen on every claim of that subset. The two paths run in "
            f"turn, {runs[0].get('repeat', 1)} rounds (scalar, vectorised, scalar, ...), so both "
            "meet the same phases of the machine; each path's rate is that of its best run, per "
            "CPU second, and every run is listed below the table. Peak memory is the "
            "adjudication child process's.",
            "",
            "| claims | order | scalar claims | scalar claims/s | vectorised CPU s "
            "| of which kernel s | vectorised claims/s | ratio | equal | peak MiB |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---|---:|",
            *(
                f"| {a['rows']:,} | {'by person' if a['grouped_by_person'] else 'warehouse'} | "
                f"{a['scalar_rows']:,} | {a['scalar_claims_per_s']:,} | "
                f"{a['vectorised_seconds']} | {a.get('vectorised_system_seconds', '—')} | "
                f"{a['vectorised_claims_per_s']:,} | "
                f"**{a['ratio']}×** | {a['equal']} | {a.get('peak_rss_mib', '—')} |"
                for a in runs
            ),
            "",
            _target_sentence(runs),
            "",
            "Every run, CPU seconds in the order run (the vectorised runs' kernel seconds in "
            "brackets):",
            "",
            *(
                f"- {a['rows']:,} {'by person' if a['grouped_by_person'] else 'warehouse'}: "
                f"scalar {', '.join(map(str, a['scalar_runs_seconds']))}; vectorised "
                + ", ".join(
                    f"{c} ({k})"
                    for c, k in zip(
                        a["vectorised_runs_seconds"],
                        a["vectorised_runs_system_seconds"],
                        strict=True,
                    )
                )
                for a in runs
                if "vectorised_runs_seconds" in a
            ),
            "",
            "The scalar reference is plain integer Python; it is faster on person-grouped "
            "input because its per-person sort has less to do. Person ids and encounter ids "
            "are fixed-width, as the warehouse's are (32-hex-digit pseudonyms; county, year "
            "and serial). In warehouse order the vectorised path first puts the claims into "
            "claim order: a 64-bit hash of each person id computed from its bytes, one value "
            "sort of (hash, day, row) packed into 64 bits, the ids compared byte for byte "
            "with their neighbours, and the columns the arithmetic reads, packed into two "
            "words, scattered into that order. The arithmetic runs in cache-sized blocks of "
            "person-years. Person-grouped tables are adjudicated in slices of 4 million "
            "claims; in warehouse order up to 2²⁴ claims go in one piece.",
            "",
            "*Of which kernel*: the system time of the best vectorised run. It is almost all "
            "the kernel zeroing memory pages the process touches for the first time (`perf`: "
            "`clear_page_erms` under huge-page faults). This machine is a KVM (Firecracker) "
            "virtual machine whose balloon driver hands freed memory back to the host in 2 MiB "
            "blocks (free page reporting: balloon feature bit 5, `page_reporting_order` 9), so "
            "memory a process frees and another allocation touches again seconds later is "
            "faulted in from the host afresh. That costs 0.2–1 s per GB and more, by the "
            "machine's state rather than by the code (on 2026-11-23 the same call on the same "
            "claims took 0.24 to 2.5 kernel seconds within an hour). "
            "At 10 million claims a run touches about 2.6 GB of fresh memory, 1 GB of it the "
            "13 result columns themselves, so the kernel share is largest there.",
            "",
            "The vectorised path is bound by memory traffic and the scalar one by the "
            "interpreter, so a neighbour on the shared host that takes memory bandwidth slows "
            "only the former: ratios drift from one run of this file to the next for the same "
            "code. Compare two versions side by side, in one session, before reading a change "
            "of ratio as a change of code.",
            "",
        ]
    if service := results.get("service"):
        lines += bench_service.section(service)
    if web := results.get("web"):
        lines += bench_web.section(web)
    if whatif := results.get("whatif"):
        lines += bench_whatif.section(whatif)
    if spark := results.get("spark"):
        lines += bench_spark.section(spark["runs"]) + spark.get("notes", [])
    if cli := results.get("cli"):
        lines += bench_cli.markdown(cli)
    (HERE / "results.md").write_text("\n".join(lines))


def _target_sentence(runs: list[dict]) -> str:
    """Issue 3's target as it is written: vectorised ≥ :data:`TARGET_RATIO`× scalar on a
    county-year (:data:`COUNTY_YEAR_CLAIMS`); for the other sizes (ten million claims: the
    capacity test), their peak memory and ratios beside it, met or not."""
    year = [a for a in runs if a["rows"] == COUNTY_YEAR_CLAIMS]
    others = [a for a in runs if a["rows"] != COUNTY_YEAR_CLAIMS]
    if year:
        met = all(a["ratio"] >= TARGET_RATIO and a["equal"] for a in year)
        ratios = ", ".join(f"{a['ratio']}×" for a in year)
        sentence = (
            f"Target: vectorised ≥ {TARGET_RATIO}× scalar on a county-year "
            f"({COUNTY_YEAR_CLAIMS:,} claims, in both orders): **{'met' if met else 'not met'}** "
            f"({ratios})."
        )
    else:
        sentence = (
            f"No county-year run ({COUNTY_YEAR_CLAIMS:,} claims): the target is not measured."
        )
    for size in sorted({a["rows"] for a in others}):
        same = [a for a in others if a["rows"] == size]
        peak = max(a.get("peak_rss_mib") or 0 for a in same)
        below = sum(a["ratio"] < TARGET_RATIO for a in same)
        sentence += (
            f" {size:,} claims: peak memory {peak:,} MiB; ratio "
            + ", ".join(f"{a['ratio']}×" for a in same)
            + (f" ({below} of {len(same)} below {TARGET_RATIO}×)" if below else "")
            + "."
        )
    return sentence


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--residents", type=int, default=1_000_000)
    ap.add_argument(
        "--claims",
        type=int,
        nargs="+",
        default=[2_000_000, 10_000_000],
        help="claim counts",
    )
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument(
        "--indicator-sizes",
        type=int,
        nargs="+",
        default=[200_000, 1_000_000, 2_000_000],
        help="residents per county for the engine vs hand-SQL curve",
    )
    ap.add_argument("--workdir", type=Path, default=HERE / "work")
    ap.add_argument(
        "--only",
        choices=["indicators", "adjudication", "service", "web", "whatif", "spark", "cli"],
        default=None,
    )
    ap.add_argument("--spark-residents", type=int, nargs="+", default=[200_000, 1_000_000])
    ap.add_argument("--whatif-residents", type=int, default=300_000)
    ap.add_argument("--web-residents", type=int, default=300_000)
    ap.add_argument("--web-loads", type=int, default=bench_web.DEFAULT_LOADS)
    ap.add_argument("--service-residents", type=int, default=500_000)
    ap.add_argument("--service-clients", type=int, default=20)
    ap.add_argument("--service-seconds", type=float, default=60)
    args = ap.parse_args()
    results: dict = (
        json.loads((HERE / "results.json").read_text()) if (HERE / "results.json").exists() else {}
    )
    stamp = dict(
        run_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
    )
    if args.only not in ("service", "web", "whatif", "spark", "cli") or "run_at" not in results:
        results.update(stamp)  # the service, web and what-if sections carry their own time
    if args.only in (None, "indicators"):
        # sizes not run this time keep their earlier figures (10 M is run on its own)
        curve = {c["residents"]: c for c in results.get("indicator_curve", [])}
        curve |= {
            n: vs_hand.run(_county(n, args.workdir).root, n, args.repeat)
            for n in args.indicator_sizes
        }
        results["indicator_curve"] = [curve[n] for n in sorted(curve)]
        print(json.dumps(results["indicator_curve"], indent=2))
        results["indicators"] = bench_indicators(args.residents, args.workdir, args.repeat)
        print(json.dumps(results["indicators"], indent=2))
    if args.only in (None, "adjudication"):
        results["adjudication"] = [
            bench_adjudication(n, grouped) for n in sorted(args.claims) for grouped in (False, True)
        ]
        print(json.dumps(results["adjudication"], indent=2))
    if args.only in (None, "service"):
        results["service"] = bench_service.run(
            args.service_residents,
            args.workdir,
            clients=args.service_clients,
            seconds=args.service_seconds,
        ) | {"run_at": stamp["run_at"]}
        print(json.dumps(results["service"], indent=2, ensure_ascii=False))
    if args.only in (None, "web"):
        web = bench_web.run(args.web_residents, args.workdir, loads=args.web_loads)
        results["web"] = web | {"run_at": stamp["run_at"]}
        print(json.dumps(results["web"], indent=2, ensure_ascii=False))
    if args.only in (None, "whatif"):
        whatif = bench_whatif.run(args.whatif_residents, args.workdir, args.repeat)
        results["whatif"] = whatif | {"run_at": stamp["run_at"]}
        print(json.dumps(results["whatif"], indent=2, ensure_ascii=False))
    if args.only in (None, "spark"):
        # sizes not run this time keep their earlier figures (10 M is run on its own)
        kept = {r["residents"]: r for r in results.get("spark", {}).get("runs", [])}
        kept |= {n: bench_spark.run(n, args.workdir) for n in args.spark_residents}
        results["spark"] = {"runs": [kept[n] for n in sorted(kept)], "run_at": stamp["run_at"]}
        print(json.dumps(results["spark"], indent=2, ensure_ascii=False))
    if args.only in (None, "cli"):
        results["cli"] = bench_cli.run() | {"run_at": stamp["run_at"]}
        print(json.dumps(results["cli"], indent=2, ensure_ascii=False))
    write(results)


if __name__ == "__main__":
    main()

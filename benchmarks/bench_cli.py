"""CLI start-up: `yigai --help` and `yigai <command> --help`, wall time of a fresh process.

Baseline in the same run: the bare interpreter (`python -c pass`) and an interpreter that
only imports typer, so the figure shows what yigai itself adds. Best of ``repeat`` runs each,
run in turn so every command meets the same phases of the machine. Target: under 0.3 s.
"""

from __future__ import annotations

import subprocess
import sys
import time

TARGET_S = 0.3


def _wall(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        argv, check=True, capture_output=True, env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"}
    )
    return time.perf_counter() - t0


def cases() -> dict[str, list[str]]:
    from yigai import cli

    py = sys.executable
    out = {
        "python -c pass (baseline)": [py, "-c", "pass"],
        "python -c 'import typer' (baseline)": [py, "-c", "import typer"],
        "yigai --help": [py, "-m", "yigai.cli", "--help"],
    }
    for name in cli.LAZY_COMMANDS:
        out[f"yigai {name} --help"] = [py, "-m", "yigai.cli", name, "--help"]
    return out


def run(repeat: int = 7) -> dict:
    todo = cases()
    best = dict.fromkeys(todo, float("inf"))
    for _ in range(repeat):
        for label, argv in todo.items():
            best[label] = min(best[label], _wall(argv))
    yigai = {k: v for k, v in best.items() if k.startswith("yigai")}
    return {
        "repeat": repeat,
        "seconds": {k: round(v, 3) for k, v in best.items()},
        "slowest": max(yigai, key=yigai.__getitem__),
        "target_s": TARGET_S,
        "met": max(yigai.values()) < TARGET_S,
    }


def markdown(result: dict) -> list[str]:
    lines = [
        "## CLI start-up",
        "",
        f"Wall time of a fresh process, best of {result['repeat']} runs taken in turn. "
        "The command modules are imported only when their command runs or shows its own help "
        "(`yigai.cli.LazyGroup`); `tests/test_cli_startup.py` guards that no help imports "
        "pandas, Arrow, DuckDB, Ibis, SQLAlchemy or the document writers.",
        "",
        "| command | seconds |",
        "|---|---:|",
    ]
    lines += [f"| `{k}` | {v:.3f} |" for k, v in result["seconds"].items()]
    verdict = "met" if result["met"] else "**not met**"
    lines += [
        "",
        f"Target: every help under {result['target_s']} s: {verdict} "
        f"(slowest: `{result['slowest']}`, {result['seconds'][result['slowest']]:.3f} s).",
        "",
    ]
    return lines


if __name__ == "__main__":
    print("\n".join(markdown(run())))

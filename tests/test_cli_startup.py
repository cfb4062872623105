"""`yigai --help` and `yigai <command> --help` start without the heavy libraries: the
commands' modules are imported on use, and those modules import pandas, Arrow, DuckDB, Ibis,
SQLAlchemy and the document writers inside the command, not at their top. (How long start-up
takes is measured in benchmarks/, not here; this guards what start-up imports.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from yigai import cli

HEAVY = (
    "pandas",
    "numpy",
    "pyarrow",
    "duckdb",
    "ibis",
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "matplotlib",
    "weasyprint",
    "docx",
    "fastapi",
    "pyspark",
    "deltalake",
    "polars",
)

PROBE = """
import json, sys
sys.argv = ["yigai", *json.loads(sys.argv[1])]
from yigai.cli import main
try:
    main()
except SystemExit:
    pass
heavy = {heavy}
print("\\n@@" + json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def _heavy_loaded(args: list[str]) -> list[str]:
    code = PROBE.replace("{heavy}", repr(list(HEAVY)))
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    ).stdout
    return json.loads(out.rsplit("@@", 1)[1])


def _help_paths() -> list[list[str]]:
    paths = [["--help"]]
    for name in cli.LAZY_COMMANDS:
        paths.append([name, "--help"])
        command = cli.build_command(name)
        for sub in getattr(command, "commands", {}):
            paths.append([name, sub, "--help"])
    return paths


def test_the_top_level_help_imports_no_heavy_library() -> None:
    assert _heavy_loaded(["--help"]) == []


@pytest.mark.parametrize("args", _help_paths()[1:], ids=lambda a: " ".join(a[:-1]))
def test_a_command_help_imports_no_heavy_library(args: list[str]) -> None:
    assert _heavy_loaded(args) == []


def _first_paragraph(text: str | None) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())


@pytest.mark.parametrize("name", list(cli.LAZY_COMMANDS))
def test_the_listed_help_is_the_command_own_help(name: str) -> None:
    """The list shown by `yigai --help` is kept in cli.py so that it needs no import; it must
    say what the command itself says."""
    assert cli.LAZY_COMMANDS[name][1] == _first_paragraph(cli.build_command(name).help)


def test_an_unknown_command_is_refused_without_a_traceback() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "yigai.cli", "nosuch"], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert "nosuch" in run.stderr and "Traceback" not in run.stderr

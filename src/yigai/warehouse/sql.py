"""The warehouse's files in DuckDB SQL text."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def quoted(path: Path | str) -> str:
    """``path`` as an SQL string literal (a quote in a folder name doubled)."""
    return "'" + str(path).replace("'", "''") + "'"


def file_list(paths: Iterable[Path | str]) -> str:
    """``paths`` as an SQL list literal, for ``read_parquet([...])``."""
    return "[" + ", ".join(quoted(p) for p in paths) + "]"

"""Shared terminal output: one Rich console and a progress bar factory for long work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

console = Console()

#: A progress callback: ``(description, done, total)``; ``total`` may be None when unknown.
ProgressFn = Callable[[str, int, int | None], None]


def _silent(description: str, done: int, total: int | None) -> None:
    """The progress callback off a terminal: nothing to draw."""


@contextmanager
def progress_bar() -> Iterator[ProgressFn]:
    """A Rich progress bar exposed as a plain callback, so libraries need not import Rich.

    Drawn only on a terminal: piped or captured output (logs, tests) stays free of bars."""
    if not console.is_terminal:
        yield _silent
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, int] = {}

        def update(description: str, done: int, total: int | None) -> None:
            if description not in tasks:
                tasks[description] = bar.add_task(description, total=total)
            bar.update(tasks[description], completed=done, total=total)

        yield update

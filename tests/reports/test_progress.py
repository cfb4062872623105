"""`yigai report` shows progress per document written (yigai.reports.render)."""

from __future__ import annotations

from pathlib import Path

from yigai.reports import write_monthly_report
from yigai.reports.render import PROGRESS_LABEL

from .factories import make_data


def test_each_document_written_advances_the_progress(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int | None]] = []
    files = write_monthly_report(
        make_data("202503"), tmp_path, lambda d, done, total: calls.append((d, done, total))
    )
    assert set(files) == {"docx", "pdf", "xlsx", "html"}
    # charts, then each of the four documents
    assert calls == [(PROGRESS_LABEL, done, 5) for done in range(6)]

"""Session-scoped reports written once per test run from the hand-built fixture county."""

from __future__ import annotations

from pathlib import Path

import pytest

from .factories import make_data


@pytest.fixture(scope="session")
def monthly_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from yigai.reports import write_monthly_report

    return write_monthly_report(make_data("202503"), tmp_path_factory.mktemp("monthly"))


@pytest.fixture(scope="session")
def bulletin_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from yigai.reports import write_quarterly_bulletin

    return write_quarterly_bulletin(make_data("2025Q1"), tmp_path_factory.mktemp("bulletin"))

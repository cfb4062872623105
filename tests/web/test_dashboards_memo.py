"""What the dashboards remember between requests, and when they forget it: indicator rows per
figures (so per warehouse state and reported rows), parsed assessment schemes per file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from yigai import assess
from yigai.assess.model import SCHEME_DIR
from yigai.orgs.hierarchy import OrgInfo
from yigai.periods import Period, parse
from yigai.web.dashboards import assessment_view, views
from yigai.web.dashboards.figures import Figures

Q4 = parse("2025Q4")
UNIT = OrgInfo("440101", "某县", "county", None, None)
IDS = ["in_county_visit_rate", "drug_share"]


def _figures() -> Figures:
    """Figures of a state with no values (each row is then computed from nothing)."""
    periods = [Period.quarter(2025, q) for q in range(1, 5)]
    return Figures(pa.table({}), periods, Period.month(2025, 12), token="t")


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The units whose report data were built (the work a remembered row saves)."""
    seen: list[str] = []
    real = views.report_of

    def counting(figs, region, period, units):  # type: ignore[no-untyped-def]
        seen.append(region.org_id)
        return real(figs, region, period, units)

    monkeypatch.setattr(views, "report_of", counting)
    return seen


def test_indicator_rows_are_computed_once_per_figures(built: list[str]) -> None:
    figs = _figures()
    first = views.rows_for(figs, [UNIT], Q4, IDS)
    assert views.rows_for(figs, [UNIT], Q4, IDS) == first
    assert built == [UNIT.org_id]
    assert list(first[UNIT.org_id]) == IDS  # catalogue order
    views.rows_for(_figures(), [UNIT], Q4, IDS)  # new figures: a new state, computed afresh
    assert built == [UNIT.org_id, UNIT.org_id]


def test_indicator_rows_are_computed_afresh_when_the_tolerance_changes(
    built: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    figs = _figures()
    views.rows_for(figs, [UNIT], Q4, IDS)
    monkeypatch.setattr(views, "tolerance", lambda period: Decimal("0.5"))
    views.rows_for(figs, [UNIT], Q4, IDS)
    assert len(built) == 2


def test_the_catalogue_rows_are_every_indicator_in_catalogue_order(built: list[str]) -> None:
    rows = views.catalogue_rows(_figures(), UNIT, Q4)
    assert [r.meta.id for r in rows] == [m.id for m in views.metas()]


@pytest.fixture
def schemes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The shipped schemes copied to ``tmp_path``, and the files parsed from there."""
    folder = tmp_path / "schemes"
    shutil.copytree(SCHEME_DIR, folder)
    monkeypatch.setattr(assessment_view, "SCHEME_DIR", folder)
    parsed: list[Path] = []
    real = assess.load_scheme

    def counting(path):  # type: ignore[no-untyped-def]
        parsed.append(Path(path))
        return real(path)

    monkeypatch.setattr(assess, "load_scheme", counting)
    return parsed


def test_a_scheme_is_parsed_once_per_version_of_its_file(schemes: list[Path]) -> None:
    first = assessment_view.shipped_scheme("community_2020")
    assert assessment_view.shipped_scheme("community_2020") is first
    assert len(schemes) == 1
    path = schemes[0]
    path.write_text(path.read_text(encoding="utf-8").replace(first.name_zh, "改过的方案", 1))
    later = dt.datetime.now().timestamp() + 5
    os.utime(path, (later, later))
    assert assessment_view.shipped_scheme("community_2020").name_zh == "改过的方案"
    assert len(schemes) == 2

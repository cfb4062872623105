"""Manual scores as stored inputs (yigai.assess.stored): entered once, read by every path."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from yigai.assess import AssessmentError, commands, load_scheme
from yigai.assess.stored import import_scores, stored_scores
from yigai.store import ManualScore

from .factories import county_units, target, values

Q = "2025Q1"
SCHEME = load_scheme("primary_institution")


def _sheet(tmp_path: Path, body: str, name: str = "scores.csv") -> Path:
    path = tmp_path / name
    path.write_text("org_id,item_id,value,note\n" + body, encoding="utf-8")
    return path


def _current(session: Session) -> dict[tuple[str, str], str]:
    return {(r["org_id"], r["item_id"]): r["value"] for r in _rows(session)}


def _rows(session: Session) -> list[dict]:
    table = stored_scores(session, SCHEME.id, [Q]).get(Q)
    return [] if table is None else table.to_pylist()


def test_imported_scores_are_stored_and_read_back(db_session: Session, tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, "A,satisfaction,9.5,评估组\nB,public_health_duties,12,\n")
    done = import_scores(db_session, sheet, SCHEME, Q, county_units())
    assert (done.status, done.rows_stored) == ("committed", 2)
    assert _current(db_session) == {
        ("A", "satisfaction"): "9.5",
        ("B", "public_health_duties"): "12",
    }


def test_importing_the_same_sheet_again_changes_nothing(
    db_session: Session, tmp_path: Path
) -> None:
    sheet = _sheet(tmp_path, "A,satisfaction,9.5,\n")
    import_scores(db_session, sheet, SCHEME, Q, county_units())
    again = import_scores(db_session, sheet, SCHEME, Q, county_units())
    assert (again.status, again.rows_unchanged) == ("unchanged", 1)
    assert len(db_session.scalars(select(ManualScore)).all()) == 1


def test_a_changed_score_is_a_new_revision_and_the_old_one_is_kept(
    db_session: Session, tmp_path: Path
) -> None:
    import_scores(db_session, _sheet(tmp_path, "A,satisfaction,9.5,\n"), SCHEME, Q, county_units())
    import_scores(
        db_session, _sheet(tmp_path, "A,satisfaction,11,\n", "v2.csv"), SCHEME, Q, county_units()
    )
    assert _current(db_session) == {("A", "satisfaction"): "11"}
    kept = db_session.scalars(select(ManualScore).order_by(ManualScore.revision)).all()
    assert [(s.value, s.revision, s.is_current) for s in kept] == [
        ("9.5", 1, False),
        ("11", 2, True),
    ]


def test_a_bad_sheet_is_rejected_whole_and_stored_scores_stay(
    db_session: Session, tmp_path: Path
) -> None:
    """satisfaction weighs 15 (schemes/primary_institution.yaml): 16 points is refused, and
    the good row before it is not stored either."""
    import_scores(db_session, _sheet(tmp_path, "A,satisfaction,9.5,\n"), SCHEME, Q, county_units())
    bad = _sheet(tmp_path, "A,satisfaction,10,\nB,satisfaction,16,\n", "bad.csv")
    with pytest.raises(AssessmentError, match=r"bad\.csv(.|\n)*第 2 行.*超出 0–15"):
        import_scores(db_session, bad, SCHEME, Q, county_units())
    assert _current(db_session) == {("A", "satisfaction"): "9.5"}


def test_a_sheet_for_a_period_of_the_wrong_grain_is_refused(
    db_session: Session, tmp_path: Path
) -> None:
    with pytest.raises(AssessmentError, match="2025"):
        import_scores(
            db_session, _sheet(tmp_path, "A,satisfaction,9,\n"), SCHEME, "2025", county_units()
        )


def test_assess_without_manual_reads_the_scores_stored_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run enters the sheet; the second, without --manual, scores A the same:
    药占比 45 → 11.25 (weight 15, floor 60, target 40) + 群众满意度 9.5 = 20.75."""
    vals = values([("drug_share", "A", Q, "45")])
    targets = [
        target(i.indicator, "50", "40")
        for i in SCHEME.items
        if i.indicator not in (None, "drug_share")
    ] + [target("drug_share", "40", "50")]
    monkeypatch.setattr(
        commands, "_provider", lambda home: ((lambda p: vals), lambda: targets, county_units())
    )
    monkeypatch.delenv("YIGAI_DATABASE_URL", raising=False)
    sheet = _sheet(tmp_path, "A,satisfaction,9.5,\n")
    home = ["primary_institution", Q, "--home", str(tmp_path)]
    first = CliRunner().invoke(commands.app, [*home, "--manual", str(sheet)])
    second = CliRunner().invoke(commands.app, home)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "20.75" in first.output and "20.75" in second.output
    result = commands.run("primary_institution", Q, vals, targets, county_units(), tmp_path)
    assert result.org("A").total == D("11.25")  # without the store: no entered score


def test_assess_warns_that_totals_with_missing_inputs_are_provisional(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only A's 药占比 has a value: every other item of every unit has no input, so the
    console says so and marks the totals 暂定 rather than printing them as final."""
    vals = values([("drug_share", "A", Q, "45")])
    targets = [target(i.indicator, "50", "40") for i in SCHEME.items if i.indicator]
    monkeypatch.setattr(
        commands, "_provider", lambda home: ((lambda p: vals), lambda: targets, county_units())
    )
    monkeypatch.delenv("YIGAI_DATABASE_URL", raising=False)
    out = CliRunner().invoke(commands.app, ["primary_institution", Q, "--home", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "警告" in out.output and "群众满意度" in out.output and "暂定" in out.output

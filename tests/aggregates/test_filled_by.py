"""Who imported, who filled in (issue 13, item 5): the audit names the deployment's user; the
form's 填报人 is kept apart and cannot take the importer's place."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from yigai.aggregates import import_file
from yigai.aggregates.commands import app
from yigai.store import AggregateImport, AuditLog

ROW = ["in_county_visit_rate", "county-a", "202503", 900, 1000]


def test_the_import_and_its_audit_name_the_deployment_user_not_the_filler(
    db_session, write_csv, catalogue, orgs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIGAI_USER", "county-clerk")
    report = import_file(
        db_session,
        write_csv("a.csv", [ROW]),
        catalogue_ids=catalogue,
        org_ids=orgs,
        filled_by="县卫健局-王",
    )
    assert report.status == "committed"
    upload = db_session.scalars(select(AggregateImport)).one()
    assert (upload.user, upload.filled_by) == ("county-clerk", "县卫健局-王")
    entry = db_session.scalars(select(AuditLog)).one()
    assert entry.user == "county-clerk" and "filled_by=县卫健局-王" in (entry.detail or "")


def test_the_command_takes_filled_by_and_audits_the_deployment_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YIGAI_USER", "county-clerk")
    csv = tmp_path / "a.csv"
    csv.write_text(
        "indicator_id,org_id,period_id,numerator,denominator\n"
        "in_county_visit_rate,county-a,202503,900,1000\n",
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    args = ["import", str(csv), "-i", "in_county_visit_rate", "-o", "county-a"]
    result = CliRunner().invoke(app, [*args, "--filled-by", "李四", "--database-url", url])
    assert result.exit_code == 0, result.output
    engine = create_engine(url)
    with Session(engine) as session:
        upload = session.scalars(select(AggregateImport)).one()
        users = session.scalars(select(AuditLog.user)).all()
    engine.dispose()
    assert (upload.user, upload.filled_by, users) == ("county-clerk", "李四", ["county-clerk"])


def test_the_command_no_longer_takes_a_user_to_write_into_the_audit(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text(
        "indicator_id,org_id,period_id,numerator,denominator\n"
        "in_county_visit_rate,county-a,202503,900,1000\n",
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    args = ["import", str(csv), "-i", "in_county_visit_rate", "-o", "county-a"]
    result = CliRunner().invoke(app, [*args, "--user", "someone-else", "--database-url", url])
    assert result.exit_code == 2
    assert "No such option" in result.output

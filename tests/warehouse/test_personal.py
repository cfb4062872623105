"""What ingestion keeps of a person, and what it refuses (docs/PRIVACY.md).

Sex and birth year-month come from the identity number; a file that also gives them must
agree with it. A raw identity number hidden in any other text column is refused. The
pseudonym key is the warehouse's own: another key, or the public demo key in a warehouse that
is not a demo warehouse, is refused with one clear message.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from yigai.records import schemas
from yigai.settings import DEMO_KEY
from yigai.warehouse import Warehouse, keys, personal
from yigai.warehouse.commands import app
from yigai.warehouse.ingest import ingest_file

from .conftest import KEY, ORGS_CSV, make_id
from .test_ingest import ENC_HEADER, encounter_line, found

WriteCsv = Callable[..., Path]
D = dt.date
HEADER = "id_number,sex,birth_date,home_unit_id,scheme,registered_on"
PERSON = make_id("19900115", 5)  # order code 005: male


def _residents(wh: Warehouse, write_csv: WriteCsv, lines: list[str], key: bytes = KEY):
    return ingest_file(wh, "residents", write_csv("\n".join(lines), "residents.csv"), key=key)


def test_sex_and_birth_month_come_from_the_identity_number(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    text = f"id_number,home_unit_id,scheme,registered_on\n{PERSON},T1,resident,2021-01-01"
    report = ingest_file(region, "residents", write_csv(text), key=KEY)
    assert report.status == "committed", report.rejections
    stored = region.read("residents").to_pylist()
    mine = [r for r in stored if r["id_masked"] == "****************" + PERSON[-2:]]
    assert [(r["sex"], r["birth_ym"]) for r in mine] == [("M", dt.date(1990, 1, 1))]


def test_sex_contradicting_the_identity_number_is_rejected(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    report = _residents(
        region, write_csv, [HEADER, f"{PERSON},F,1990-01-15,T1,resident,2021-01-01"]
    )
    assert found(report) == [(2, "sex", "sex does not match the identity number")]


def test_birth_date_contradicting_the_identity_number_is_rejected(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    """Same month, other day: the full given date is compared, not only its month."""
    report = _residents(
        region, write_csv, [HEADER, f"{PERSON},M,1990-01-16,T1,resident,2021-01-01"]
    )
    assert found(report) == [(2, "birth_date", "birth date does not match the identity number")]


def test_birth_year_month_contradicting_the_identity_number_is_rejected(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    header = "id_number,birth_ym,home_unit_id,scheme,registered_on"
    report = _residents(region, write_csv, [header, f"{PERSON},1990-02,T1,resident,2021-01-01"])
    assert found(report) == [(2, "birth_ym", "birth date does not match the identity number")]


def test_birth_day_is_never_stored(region: Warehouse, write_csv: WriteCsv) -> None:
    report = _residents(
        region, write_csv, [HEADER, f"{PERSON},M,1990-01-15,T1,resident,2021-01-01"]
    )
    assert report.status == "committed", report.rejections
    assert {d.day for d in region.read("residents")["birth_ym"].to_pylist()} == {1}


def test_a_date_on_the_birthday_is_stored_as_the_first_of_the_birth_month(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    """Registered at birth: keeping 1990-01-15 would store the birth day beside birth_ym."""
    line = f"{PERSON},M,1990-01-15,T1,resident,1990-01-15"
    assert _residents(region, write_csv, [HEADER, line]).status == "committed"
    stored = region.read("residents").to_pylist()
    mine = [r for r in stored if r["birth_ym"] == dt.date(1990, 1, 1)]
    assert [r["registered_on"] for r in mine] == [dt.date(1990, 1, 1)]


def test_identity_number_hidden_in_an_encounter_id_is_rejected_masked(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    hidden = make_id("19491231", 2)
    text = "\n".join([ENC_HEADER, encounter_line(f"E{hidden}", hidden)])
    report = ingest_file(region, "encounters", write_csv(text), key=KEY)
    assert found(report) == [
        (
            2,
            "encounter_id",
            "holds an identity number: put identity numbers only in the id_number column",
        )
    ]
    assert hidden not in report.rejections[0].value
    assert report.rejections[0].value.startswith("E****************")


def test_a_long_code_that_is_not_a_valid_number_is_accepted(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    resident = make_id("19491231", 2)
    not_a_number = resident[:-1] + ("0" if resident[-1] != "0" else "1")  # wrong check digit
    text = "\n".join([ENC_HEADER, encounter_line(f"E{not_a_number}", resident)])
    report = ingest_file(region, "encounters", write_csv(text), key=KEY)
    assert report.status == "committed", report.rejections


# ------------------------------------------------------------------ the pseudonym key


def test_another_key_on_a_later_import_is_one_clear_error(
    region: Warehouse, write_csv: WriteCsv
) -> None:
    text = "\n".join([ENC_HEADER, encounter_line("E1", make_id("19491231", 2))])
    report = ingest_file(region, "encounters", write_csv(text), key=b"another-key")
    assert report.status == "rejected"
    assert [(r.row, r.column) for r in report.rejections] == [(None, None)]
    assert "differs from the key this warehouse was built with" in report.rejections[0].en


def test_fingerprint_is_owner_only_and_does_not_reveal_the_key(region: Warehouse) -> None:
    path = region.root / keys.META_DIR / keys.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data == {"fingerprint": keys.fingerprint(KEY), "demo": False}
    assert KEY.decode() not in path.read_text()


def test_demo_key_is_refused_in_a_warehouse_that_is_not_the_demos(
    wh: Warehouse, write_csv: WriteCsv
) -> None:
    assert ingest_file(wh, "org_units", write_csv(ORGS_CSV, "o.csv"), key=KEY).status == "committed"
    line = f"{PERSON},M,1990-01-15,T1,resident,2021-01-01"
    report = _residents(wh, write_csv, [HEADER, line], key=DEMO_KEY.encode())
    assert report.status == "rejected"
    assert "--allow-demo-key" in report.rejections[0].en
    assert not (wh.root / keys.META_DIR / keys.KEY_FILE).exists()


def test_demo_key_is_accepted_with_the_override(wh: Warehouse, write_csv: WriteCsv) -> None:
    assert ingest_file(wh, "org_units", write_csv(ORGS_CSV, "o.csv"), key=KEY).status == "committed"
    path = write_csv(f"{HEADER}\n{PERSON},M,1990-01-15,T1,resident,2021-01-01", "r.csv")
    report = ingest_file(wh, "residents", path, key=DEMO_KEY.encode(), allow_demo_key=True)
    assert report.status == "committed", report.rejections


def test_demo_key_is_accepted_in_a_demo_warehouse(wh: Warehouse, write_csv: WriteCsv) -> None:
    keys.mark_demo(wh.root, DEMO_KEY.encode())
    assert ingest_file(wh, "org_units", write_csv(ORGS_CSV, "o.csv"), key=KEY).status == "committed"
    line = f"{PERSON},M,1990-01-15,T1,resident,2021-01-01"
    report = _residents(wh, write_csv, [HEADER, line], key=DEMO_KEY.encode())
    assert report.status == "committed", report.rejections


def test_cli_refuses_the_demo_key_unless_overridden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_csv: WriteCsv
) -> None:
    monkeypatch.setenv("YIGAI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("YIGAI_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("COLUMNS", "300")
    runner = CliRunner()
    assert (
        runner.invoke(app, ["import", "org_units", str(write_csv(ORGS_CSV, "o.csv"))]).exit_code
        == 0
    )
    path = write_csv(f"{HEADER}\n{PERSON},M,1990-01-15,T1,resident,2021-01-01", "r.csv")
    refused = runner.invoke(app, ["import", "residents", str(path)])
    assert refused.exit_code == 1
    assert "--allow-demo-key" in refused.output and "演示密钥" in refused.output
    allowed = runner.invoke(app, ["import", "residents", str(path), "--allow-demo-key"])
    assert allowed.exit_code == 0, allowed.output


def test_birth_year_month_is_read_in_every_month_form() -> None:
    f = schemas.RESIDENTS.field("birth_ym")
    out = personal.convert_birth_month(f, pa.array(["1990-05", "199012", "1990/3", "1990-05-17"]))
    assert out.array.to_pylist() == [D(1990, 5, 1), D(1990, 12, 1), D(1990, 3, 1), D(1990, 5, 1)]
    assert out.problems == ()

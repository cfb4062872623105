"""Imports and grants (issue 13, item 3): an import tells nobody whether a person is stored.

A user without a grant is refused before any check runs and before any file is written; a
rejection never echoes a pseudonym (a stored one would say the person exists).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from yigai import access
from yigai.people import identity
from yigai.warehouse import Warehouse
from yigai.warehouse.ingest import ingest_file

from .conftest import KEY, ORGS_CSV, RESIDENT_A, RESIDENTS_CSV, make_id
from .test_ingest import ENC_HEADER, encounter_line

WriteCsv = Callable[..., Path]


def listing(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def stored(tmp_path: Path, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """Org units and residents A and B, stored by the administrator ``admin``."""
    monkeypatch.setenv("YIGAI_USER", "admin")
    wh = Warehouse(tmp_path / "wh")
    for name, text in (("org_units", ORGS_CSV), ("residents", RESIDENTS_CSV)):
        assert ingest_file(wh, name, write_csv(text, f"{name}.csv"), key=KEY).status == "committed"
    return wh


def test_an_import_without_a_grant_is_refused_before_any_file_is_written(
    stored: Warehouse, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = make_id("19900101", 5)
    text = (
        "id_number,name,sex,birth_date,home_unit_id,scheme,registered_on\n"
        f"{new},王五,M,1990-01-01,T1,resident,2021-01-01\n"
    )
    path = write_csv(text, "new.csv")
    before = listing(stored.root)
    monkeypatch.setenv("YIGAI_USER", "stranger")
    with pytest.raises(access.AccessError, match="stranger"):
        ingest_file(Warehouse(stored.root), "residents", path, key=KEY)
    assert listing(stored.root) == before


def test_an_import_of_a_stored_person_without_a_grant_does_not_say_it_is_stored(
    stored: Warehouse, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "id_number,name,sex,birth_date,home_unit_id,scheme,registered_on\n"
        f"{RESIDENT_A},张三丰,F,1949-12-31,T1,employee,2020-01-05\n"
    )
    monkeypatch.setenv("YIGAI_USER", "stranger")
    with pytest.raises(access.AccessError) as refused:
        ingest_file(Warehouse(stored.root), "residents", write_csv(text, "probe.csv"), key=KEY)
    assert "已存在" not in str(refused.value) and "already stored" not in str(refused.value)


def test_a_stored_persons_pseudonym_is_not_echoed_in_a_rejection(
    stored: Warehouse, write_csv: WriteCsv
) -> None:
    """The same person again with other content: rejected by row number, no pseudonym."""
    text = (
        "id_number,name,sex,birth_date,home_unit_id,scheme,registered_on\n"
        f"{RESIDENT_A},张三丰,F,1949-12-31,T1,employee,2020-01-05\n"
    )
    report = ingest_file(stored, "residents", write_csv(text, "again.csv"), key=KEY)
    assert report.status == "rejected"
    pseudonym = identity.pseudonym(RESIDENT_A, KEY)
    assert [r.row for r in report.rejections] == [2]
    assert all(pseudonym not in str(r) for r in report.rejections)
    assert not any(re.search("[0-9a-f]{32}", r.value or "") for r in report.rejections)


def test_an_unknown_person_of_an_encounter_is_rejected_without_its_pseudonym(
    stored: Warehouse, write_csv: WriteCsv
) -> None:
    unknown = make_id("19700101", 7)
    text = "\n".join([ENC_HEADER, encounter_line("E1", unknown)])
    report = ingest_file(stored, "encounters", write_csv(text, "enc.csv"), key=KEY)
    assert [(r.row, r.en, r.value) for r in report.rejections] == [
        (2, "not found in residents", None)
    ]

"""Shared fixtures: an empty warehouse, a pseudonym key, tiny CSV writers and a seeded region
(one county, two institutions, two residents) for foreign-key tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from yigai.people import identity
from yigai.warehouse import Warehouse
from yigai.warehouse.ingest import ingest_file

KEY = b"test-key"


def make_id(birth: str = "19491231", order: int = 2) -> str:
    """A GB 11643-valid number with region 110105, the given birth date and order code."""
    first17 = f"110105{birth}{order:03d}"
    return first17 + identity.check_digit(first17)


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "wh")


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write ``text`` (dedented lines) to a CSV in ``encoding``."""

    def write(text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
        lines = [line.strip() for line in text.strip().splitlines()]
        path = tmp_path / name
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return path

    return write


ORGS_CSV = """
org_id,parent_id,kind,name,inst_type,level,ownership
C1,,county,某县,,,
H1,C1,institution,县人民医院,county_general,county,public
T1,C1,institution,某镇卫生院,township_centre,township,public
"""

RESIDENT_A = make_id("19491231", 2)
RESIDENT_B = make_id("19800101", 11)

RESIDENTS_CSV = f"""
id_number,name,sex,birth_date,home_unit_id,scheme,registered_on
{RESIDENT_A},张三丰,F,1949-12-31,T1,resident,2020-01-05
{RESIDENT_B},李四,M,1980-01-01,T1,employee,2020-01-05
"""


@pytest.fixture
def region(wh: Warehouse, write_csv: Callable[..., Path]) -> Warehouse:
    """The warehouse with org units and two residents stored."""
    for name, text in (("org_units", ORGS_CSV), ("residents", RESIDENTS_CSV)):
        report = ingest_file(wh, name, write_csv(text, f"{name}.csv"), key=KEY)
        assert report.status == "committed", report.rejections
    return wh

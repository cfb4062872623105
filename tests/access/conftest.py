"""A region of two counties for access tests.

County C1 (hospital H1, township T1, community M1 = {H1, T1}) and county C2 (township T2).
Resident A lives under T1, resident B under T2; ``admin`` created the warehouse.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.warehouse.conftest import KEY, make_id

from yigai.warehouse import Warehouse
from yigai.warehouse.ingest import ingest_file

ORGS = """org_id,parent_id,kind,name,inst_type,level,ownership
C1,,county,甲县,,,
C2,,county,乙县,,,
M1,C1,community,甲县医共体,,,
H1,C1,institution,甲县人民医院,county_general,county,public
T1,C1,institution,甲镇卫生院,township_centre,township,public
T2,C2,institution,乙镇卫生院,township_centre,township,public
"""
MEMBERS = """community_id,institution_id,role,valid_from,valid_to
M1,H1,lead,2024-01-01,
M1,T1,member,2024-01-01,
"""
A, B = make_id("19491231", 2), make_id("19800101", 11)
RESIDENTS = f"""id_number,name,sex,birth_date,home_unit_id,scheme,registered_on
{A},张三丰,F,1949-12-31,T1,resident,2020-01-05
{B},李四,M,1980-01-01,T2,resident,2020-01-05
"""


@pytest.fixture
def two_counties(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    monkeypatch.setenv("YIGAI_USER", "admin")
    wh = Warehouse(tmp_path / "wh")
    for name, text in (
        ("org_units", ORGS),
        ("community_members", MEMBERS),
        ("residents", RESIDENTS),
    ):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        assert ingest_file(wh, name, path, key=KEY).status == "committed"
    return wh

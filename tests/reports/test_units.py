"""Which units a report compares, by the region's kind (issue 14 §3): a city ranks its
counties, a province its cities and counties, a county its communities and centres."""

from __future__ import annotations

from yigai.orgs.hierarchy import OrgInfo
from yigai.reports.units import compare_units, default_compare

INFO = {
    u.org_id: u
    for u in (
        OrgInfo("44", "示范省", "province", None, None),
        OrgInfo("4401", "安宁市", "city", None, "44"),
        OrgInfo("440101", "南凤县", "county", None, "4401"),
        OrgInfo("440102", "北平县", "county", None, "4401"),
        OrgInfo("4402", "清河市", "city", None, "44"),
        OrgInfo("440201", "东林县", "county", None, "4402"),
        OrgInfo("440101Y1", "南凤县医共体", "community", None, "440101"),
        OrgInfo("440101W001", "甲镇卫生院", "institution", "township_centre", "440101"),
        OrgInfo("4401H001", "市人民医院", "institution", "general_hospital", "4401"),
    )
}


def _compared(region: str) -> list[str]:
    return [u.org_id for u in compare_units(INFO, region, default_compare(INFO[region]))]


def test_a_city_compares_its_counties() -> None:
    assert _compared("4401") == ["440101", "440102"]


def test_a_province_compares_its_cities_then_counties() -> None:
    assert _compared("44") == ["4401", "4402", "440101", "440102", "440201"]


def test_a_county_compares_its_communities_and_centres() -> None:
    assert _compared("440101") == ["440101Y1", "440101W001"]

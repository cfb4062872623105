"""牵头单位与配合单位 read from a plan's parentheses (seed 002: "排名第一的为牵头单位，其他为
配合单位，下同")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yigai.reform import parse_departments, responsible_text
from yigai.reform.departments import DepartmentsError

# seed 002, 二（一）, verbatim end of the paragraph
SEED_LINE = (
    "三甲公立医院要落实“组团式”紧密型帮扶主体责任，2020年1月底前完成签订帮扶协议。"
    "（市卫生健康局，各县（市）人民政府负责。排名第一的为牵头单位，其他为配合单位，下同）"
)


def test_seed_line_gives_lead_and_co_operating_departments() -> None:
    """Seed 002 二（一）: 市卫生健康局 leads, 各县（市）人民政府 co-operates."""
    d = parse_departments(SEED_LINE)
    assert d.lead == "市卫生健康局"
    assert d.co == ("各县（市）人民政府",)


def test_mixed_separators_and_nested_parentheses() -> None:
    """Seed 002 三（四）: "市委编办、市人社局，各县（市）人民政府负责"."""
    d = parse_departments("市委编办、市人社局，各县（市）人民政府负责")
    assert (d.lead, d.co) == ("市委编办", ("市人社局", "各县（市）人民政府"))


def test_half_width_parentheses_inside_a_name() -> None:
    """Seed 002 三（一）writes 各县(市) with half-width parentheses."""
    d = parse_departments("各县(市)人民政府，市卫生健康局，各相关三级医院负责")
    assert (d.lead, d.co) == ("各县(市)人民政府", ("市卫生健康局", "各相关三级医院"))


def test_responsible_text_is_the_last_group_that_says_who_is_responsible() -> None:
    line = "落实（一）项。（市医保局，各县（市）人民政府负责）"
    assert responsible_text(line) == "市医保局，各县（市）人民政府负责"


def test_text_without_departments_is_an_error() -> None:
    with pytest.raises(DepartmentsError, match="牵头单位"):
        parse_departments("负责")


_names = st.lists(
    st.text(alphabet="市县局委办卫生健康人民政府医保", min_size=1, max_size=6),
    min_size=1,
    max_size=5,
)


@given(_names)
def test_first_named_leads_and_the_rest_co_operate_in_order(names: list[str]) -> None:
    d = parse_departments("，".join(names) + "负责")
    assert (d.lead, *d.co) == tuple(names)

"""Manual-score CSV (手工评分表, yigai.assess.manual): read as text, every problem named with
file, row and column, Chinese first."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.assess import AssessmentError, read_manual_scores, write_manual_scores


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scores.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_are_read_as_text_with_the_note(tmp_path: Path) -> None:
    table = read_manual_scores(
        _csv(tmp_path, "org_id,item_id,value,note\nA,satisfaction,9.5,县卫健局评分\n")
    )
    assert table.to_pylist() == [
        {"org_id": "A", "item_id": "satisfaction", "value": "9.5", "note": "县卫健局评分"}
    ]


def test_missing_column_names_the_file_and_row_1(tmp_path: Path) -> None:
    with pytest.raises(AssessmentError, match=r"scores\.csv 第1行：缺少列 \['value'\] / "):
        read_manual_scores(_csv(tmp_path, "org_id,item_id\nA,satisfaction\n"))


def test_non_number_names_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(AssessmentError, match=r"第3行 value 列：'九' 不是数值 / .*row 3"):
        read_manual_scores(_csv(tmp_path, "org_id,item_id,value\nA,s,1\nB,s,九\n"))


def test_blank_cell_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(AssessmentError, match=r"第2行 org_id 列：不能为空"):
        read_manual_scores(_csv(tmp_path, "org_id,item_id,value\n,s,1\n"))


def test_repeated_unit_and_item_names_the_first_row(tmp_path: Path) -> None:
    with pytest.raises(AssessmentError, match=r"第3行：单位 A 的 s 已在第2行填写"):
        read_manual_scores(_csv(tmp_path, "org_id,item_id,value\nA,s,1\nA,s,2\n"))


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(["satisfaction", "public_health_duties"]),
            st.decimals(min_value=0, max_value=20, places=1, allow_nan=False),
        ),
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_written_scores_read_back_unchanged(tmp_path_factory, rows) -> None:
    """write_manual_scores then read_manual_scores is the identity on the values' text."""
    path = tmp_path_factory.mktemp("m") / "s.csv"
    given_rows = [{"org_id": o, "item_id": i, "value": f"{v}", "note": "备注"} for o, i, v in rows]
    table = read_manual_scores(write_manual_scores(path, given_rows))
    assert [(r["org_id"], r["item_id"], Decimal(r["value"])) for r in table.to_pylist()] == [
        (o, i, v) for o, i, v in rows
    ]

"""Reported values as a result table (docs/CONTRACTS.md shape) and the merge with computed."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from yigai.aggregates import RESULT_SCHEMA, import_file, merge, reported_values


def _computed(rows: list[tuple[str, str, str, int, int, str | None]]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "indicator_id": i,
                "org_id": o,
                "period_id": p,
                "grain": "month",
                "numerator": n,
                "denominator": d,
                "value": v,
                "source": "computed",
            }
            for i, o, p, n, d, v in rows
        ],
        schema=RESULT_SCHEMA,
    )


def test_reported_values_returns_current_revisions_marked_reported(
    db_session, write_csv, catalogue, orgs
) -> None:
    import_file(
        db_session,
        write_csv(
            "a.csv",
            [
                ["in_county_visit_rate", "county-a", "202503", 900, 1000],
                ["in_county_visit_rate", "county-a", "202504", 800, 1000],
            ],
        ),
        catalogue_ids=catalogue,
        org_ids=orgs,
    )
    import_file(
        db_session,
        write_csv("b.csv", [["in_county_visit_rate", "county-a", "202503", 950, 1000]]),
        catalogue_ids=catalogue,
        org_ids=orgs,
    )
    table = reported_values(db_session, ["202503"])
    assert table.schema == RESULT_SCHEMA
    assert table.to_pylist() == [
        {
            "indicator_id": "in_county_visit_rate",
            "org_id": "county-a",
            "period_id": "202503",
            "grain": "month",
            "numerator": 950,
            "denominator": 1000,
            "value": "95.00",
            "source": "reported",
        }
    ]


def test_reported_values_of_a_period_without_data_is_empty(db_session) -> None:
    table = reported_values(db_session, ["2025Q1"])
    assert table.num_rows == 0 and table.schema == RESULT_SCHEMA


def test_merge_fills_only_missing_keys_and_marks_them_reported() -> None:
    computed = _computed([("r", "county-a", "202503", 9, 10, "90.00")])
    reported = _computed(
        [
            ("r", "county-a", "202503", 1, 10, "10.00"),
            ("r", "county-b", "202503", 7, 10, "70.00"),
        ]
    )
    merged = merge(computed, reported).to_pylist()
    assert [(m["org_id"], m["value"], m["source"]) for m in merged] == [
        ("county-a", "90.00", "computed"),
        ("county-b", "70.00", "reported"),
    ]


def test_merge_keeps_a_computed_row_with_zero_denominator() -> None:
    computed = _computed([("r", "county-a", "202503", 0, 0, None)])
    reported = _computed([("r", "county-a", "202503", 5, 10, "50.00")])
    merged = merge(computed, reported).to_pylist()
    assert len(merged) == 1 and merged[0]["source"] == "computed" and merged[0]["value"] is None


_keys = st.tuples(
    st.sampled_from("xyz"), st.sampled_from(["a", "b", "c"]), st.sampled_from(["202501", "202502"])
)


@given(st.sets(_keys), st.sets(_keys))
def test_merge_is_the_key_union_with_computed_first(computed_keys, reported_keys) -> None:
    """Invariant: merge never drops a computed row, never duplicates a key, and adds exactly
    the reported keys computed lacks."""
    computed = _computed([(i, o, p, 1, 2, "50.00") for i, o, p in computed_keys])
    reported = _computed([(i, o, p, 1, 4, "25.00") for i, o, p in reported_keys])
    merged = merge(computed, reported).to_pylist()
    keys = [(m["indicator_id"], m["org_id"], m["period_id"]) for m in merged]
    assert len(keys) == len(set(keys))
    assert set(keys) == computed_keys | reported_keys
    for m in merged:
        key = (m["indicator_id"], m["org_id"], m["period_id"])
        assert m["source"] == ("computed" if key in computed_keys else "reported")

"""上报数据导入: validation, atomicity, idempotence, revisions and jump warnings.

Values are checked against hand computation with the unit rules of docs/CONTRACTS.md
(value = numerator ÷ denominator × unit scale, half up to the indicator's decimals; yuan
indicators keep the numerator in fen and scale by 1/100).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yigai.aggregates import AggregateFileError, history, import_file
from yigai.store import AggregateImport, AuditLog, ReportedValue


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _current(session: Session, indicator: str, org: str, period: str) -> ReportedValue:
    return session.scalars(
        select(ReportedValue).where(
            ReportedValue.indicator_id == indicator,
            ReportedValue.org_id == org,
            ReportedValue.period_id == period,
            ReportedValue.is_current.is_(True),
        )
    ).one()


def test_good_file_stores_values_computed_by_hand(db_session, write_csv, catalogue, orgs) -> None:
    """900 ÷ 1000 × 100 = 90.00 (%); 12,345.67 yuan ÷ 300 visits = 41.152… → 41.15 yuan."""
    path = write_csv(
        "march.csv",
        [
            ["in_county_visit_rate", "county-a", "202503", 900, 1000],
            ["outpatient_cost_per_visit", "county-a", "202503", "12345.67", 300],
        ],
    )
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert report.status == "committed" and report.stored == 2 and not report.rejections
    rate = _current(db_session, "in_county_visit_rate", "county-a", "202503")
    assert (rate.numerator, rate.denominator, rate.value, rate.grain) == (
        900,
        1000,
        "90.00",
        "month",
    )
    cost = _current(db_session, "outpatient_cost_per_visit", "county-a", "202503")
    assert (cost.numerator, cost.denominator, cost.value) == (1234567, 300, "41.15")


def test_bad_rows_reject_the_whole_file_and_store_nothing(
    db_session, write_csv, catalogue, orgs
) -> None:
    path = write_csv(
        "bad.csv",
        [
            ["in_county_visit_rate", "county-a", "202503", 900, 1000],  # row 2: fine
            ["no_such_indicator", "county-a", "202503", 1, 2],  # row 3
            ["in_county_visit_rate", "county-x", "202503", 1, 2],  # row 4
            ["in_county_visit_rate", "county-b", "2025-03", 1, 2],  # row 5
            ["in_county_visit_rate", "county-b", "202504", 11, 10],  # row 6
            ["in_county_visit_rate", "county-b", "202505", -1, 10],  # row 7
        ],
    )
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert report.status == "rejected"
    found = {(r.row, r.column.split("(")[1].rstrip(")")): r for r in report.rejections}
    assert set(found) == {
        (3, "indicator_id"),
        (4, "org_id"),
        (5, "period_id"),
        (6, "numerator"),
        (7, "numerator"),
    }
    assert "未知指标" in found[(3, "indicator_id")].zh
    assert "unknown org unit" in found[(4, "org_id")].en
    assert "分子不得大于分母" in found[(6, "numerator")].zh
    assert "negative" in found[(7, "numerator")].en
    text = str(found[(3, "indicator_id")])
    assert text.startswith("bad.csv 第3行") and "/ bad.csv row 3" in text
    assert _count(db_session, ReportedValue) == 0
    assert _count(db_session, AggregateImport) == 0


def test_duplicate_keys_in_a_file_reject_every_occurrence(
    db_session, write_csv, catalogue, orgs
) -> None:
    path = write_csv(
        "dup.csv",
        [
            ["in_county_visit_rate", "county-a", "202503", 900, 1000],
            ["in_county_visit_rate", "county-b", "202503", 800, 1000],
            ["in_county_visit_rate", "county-a", "202503", 901, 1000],
        ],
    )
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert report.status == "rejected"
    assert [r.row for r in report.rejections] == [2, 4]
    assert "另见第4行" in report.rejections[0].zh and "also row 2" in report.rejections[1].en


def test_accept_partial_stores_the_good_rows_and_reports_the_bad(
    db_session, write_csv, catalogue, orgs
) -> None:
    path = write_csv(
        "partial.csv",
        [
            ["in_county_visit_rate", "county-a", "202503", 900, 1000],
            ["in_county_visit_rate", "county-b", "202503", 1200, 1000],
        ],
    )
    report = import_file(
        db_session, path, catalogue_ids=catalogue, org_ids=orgs, accept_partial=True
    )
    assert report.status == "committed" and report.stored == 1
    assert [r.row for r in report.rejections] == [3]
    assert _count(db_session, ReportedValue) == 1
    assert db_session.scalars(select(AggregateImport)).one().rows_rejected == 1


def test_accept_partial_with_every_row_bad_is_still_a_rejection(
    db_session, write_csv, catalogue, orgs
) -> None:
    path = write_csv("allbad.csv", [["in_county_visit_rate", "county-x", "202503", 1, 2]])
    report = import_file(
        db_session, path, catalogue_ids=catalogue, org_ids=orgs, accept_partial=True
    )
    assert report.status == "rejected" and _count(db_session, AggregateImport) == 0


def test_reimporting_the_same_file_changes_nothing(db_session, write_csv, catalogue, orgs) -> None:
    path = write_csv("m.csv", [["in_county_visit_rate", "county-a", "202503", 900, 1000]])
    first = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    again = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert (first.status, again.status) == ("committed", "already_imported")
    assert _count(db_session, ReportedValue) == 1
    assert _count(db_session, AggregateImport) == 1


def test_a_different_file_with_the_same_values_changes_nothing(
    db_session, write_csv, catalogue, orgs
) -> None:
    row = ["in_county_visit_rate", "county-a", "202503", 900, 1000]
    import_file(db_session, write_csv("a.csv", [row]), catalogue_ids=catalogue, org_ids=orgs)
    other = write_csv("b.csv", [[*row, "90.00"]])
    report = import_file(db_session, other, catalogue_ids=catalogue, org_ids=orgs)
    assert (report.status, report.unchanged) == ("unchanged", 1)
    assert _count(db_session, ReportedValue) == 1


def test_corrected_values_become_a_new_revision_keeping_history(
    db_session, write_csv, catalogue, orgs
) -> None:
    first = write_csv("v1.csv", [["in_county_visit_rate", "county-a", "202503", 900, 1000]])
    fixed = write_csv("v2.csv", [["in_county_visit_rate", "county-a", "202503", 905, 1000]])
    import_file(db_session, first, catalogue_ids=catalogue, org_ids=orgs, filled_by="li")
    report = import_file(db_session, fixed, catalogue_ids=catalogue, org_ids=orgs, filled_by="li")
    assert report.status == "committed"
    revisions = history(db_session, "in_county_visit_rate", "county-a", "202503")
    assert [(r.revision, r.numerator, r.value, r.is_current) for r in revisions] == [
        (1, 900, "90.00", False),
        (2, 905, "90.50", True),
    ]
    assert revisions[0].superseded_at is not None and revisions[1].superseded_at is None
    assert _count(db_session, AuditLog) == 2


@pytest.mark.parametrize(
    ("march", "flagged"),
    [("1000", False), ("1500", False), ("1501", True), ("499", True), ("500", False)],
)
def test_month_on_month_jump_beyond_half_is_flagged_not_rejected(
    db_session, write_csv, catalogue, orgs, march: str, flagged: bool
) -> None:
    """February 10.00 per 10,000 (direct value); a March value moving more than ±50% (the
    month_on_month_jump parameter) is a warning: 15.00 is +50% exactly, 15.01 is beyond."""
    feb = write_csv("feb.csv", [["gp_per_10000", "county-a", "202502", None, None, "10.00"]])
    import_file(db_session, feb, catalogue_ids=catalogue, org_ids=orgs)
    value = str(Decimal(march) / 100)
    mar = write_csv("mar.csv", [["gp_per_10000", "county-a", "202503", None, None, value]])
    report = import_file(db_session, mar, catalogue_ids=catalogue, org_ids=orgs)
    assert report.status == "committed"
    assert bool(report.warnings) is flagged
    if flagged:
        assert "较上月（10.00）" in report.warnings[0].zh and report.warnings[0].row == 2


def test_jump_uses_last_month_from_the_same_file(db_session, write_csv, catalogue, orgs) -> None:
    path = write_csv(
        "q1.csv",
        [
            ["in_county_visit_rate", "county-a", "202501", 400, 1000],
            ["in_county_visit_rate", "county-a", "202502", 900, 1000],
        ],
    )
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert [w.row for w in report.warnings] == [3]


def test_money_in_yuan_takes_at_most_two_decimals(db_session, write_csv, catalogue, orgs) -> None:
    path = write_csv(
        "cost.csv", [["outpatient_cost_per_visit", "county-a", "202503", "100.005", 3]]
    )
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert report.status == "rejected"
    assert "最多两位小数" in report.rejections[0].zh


def test_money_in_fen_is_stored_as_given(db_session, write_csv, catalogue, orgs) -> None:
    """药占比 = 30,000 fen ÷ 120,000 fen × 100 = 25.00 %."""
    path = write_csv("drug.csv", [["drug_share", "county-a", "202503", 30000, 120000, None, "fen"]])
    import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    row = _current(db_session, "drug_share", "county-a", "202503")
    assert (row.numerator, row.denominator, row.value) == (30000, 120000, "25.00")


def test_money_in_yuan_is_converted_to_fen_on_both_sides(
    db_session, write_csv, catalogue, orgs
) -> None:
    path = write_csv(
        "drug.csv", [["drug_share", "county-a", "202503", "300.50", "1202", None, "元"]]
    )
    import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    row = _current(db_session, "drug_share", "county-a", "202503")
    assert (row.numerator, row.denominator, row.value) == (30050, 120200, "25.00")


def test_signed_direct_value_may_be_negative(db_session, write_csv, catalogue, orgs) -> None:
    path = write_csv("g.csv", [["cost_growth", "county-a", "2025Q1", None, None, "-3.5"]])
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert report.status == "committed"
    row = _current(db_session, "cost_growth", "county-a", "2025Q1")
    assert (row.value, row.numerator, row.grain) == ("-3.50", None, "quarter")


def test_direct_value_indicator_rejects_a_numerator(db_session, write_csv, catalogue, orgs) -> None:
    path = write_csv("g.csv", [["gp_per_10000", "county-a", "202503", 3, None, "2.5"]])
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert report.status == "rejected" and "分子分母应留空" in report.rejections[0].zh


def test_value_that_disagrees_with_the_ratio_is_rejected(
    db_session, write_csv, catalogue, orgs
) -> None:
    path = write_csv("v.csv", [["in_county_visit_rate", "county-a", "202503", 900, 1000, "91"]])
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert report.status == "rejected"
    assert "90.00" in report.rejections[0].zh


def test_rows_without_values_are_skipped_as_not_reported(
    db_session, write_csv, catalogue, orgs
) -> None:
    path = write_csv(
        "t.csv",
        [
            ["in_county_visit_rate", "county-a", "202503", None, None],
            ["in_county_visit_rate", "county-b", "202503", 5, 10],
        ],
    )
    report = import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)
    assert (report.status, report.blank, report.stored) == ("committed", 1, 1)


def test_periods_outside_the_open_list_are_rejected(db_session, write_csv, catalogue, orgs) -> None:
    path = write_csv("p.csv", [["in_county_visit_rate", "county-a", "202504", 5, 10]])
    report = import_file(
        db_session, path, catalogue_ids=catalogue, org_ids=orgs, periods={"202503"}
    )
    assert report.status == "rejected" and "不在本次填报范围" in report.rejections[0].zh


def test_a_file_missing_a_required_column_is_refused(
    tmp_path: Path, db_session, catalogue, orgs
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("indicator_id,numerator\nin_county_visit_rate,1\n", encoding="utf-8")
    with pytest.raises(AggregateFileError, match="缺少必填列"):
        import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)


def test_a_non_utf8_csv_is_refused_naming_the_file(
    tmp_path: Path, db_session, catalogue, orgs
) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("指标编码,机构编码,统计周期\n".encode("gbk"))
    with pytest.raises(AggregateFileError, match=r"gbk\.csv.*UTF-8"):
        import_file(db_session, path, catalogue_ids=catalogue, org_ids=orgs)


def test_national_reported_indicators_take_their_values_from_reported_counts(
    db_session, write_csv, orgs
) -> None:
    """国卫办基层发〔2020〕12号 monitoring items the platform cannot compute, reported as
    counts and valued by the shipped catalogue's unit rules (percent, 2 decimals, half up):
    2 of 3 county hospitals meet the standard → 66.666… → 66.67; 17 of 20 primary
    institutions → 85.00; 412 grade-III/IV operations among 1,850 discharges → 22.270… → 22.27."""
    from yigai.indicators import catalogue as cat

    shipped = cat.default()
    reported = [
        shipped[i]
        for i in (
            "county_hospital_capability_standard_rate",
            "primary_capability_standard_rate",
            "lead_hospital_grade34_surgery_share",
        )
    ]
    path = write_csv(
        "2025.csv",
        [
            ["county_hospital_capability_standard_rate", "county-a", "2025", 2, 3],
            ["primary_capability_standard_rate", "county-a", "2025", 17, 20],
            ["lead_hospital_grade34_surgery_share", "county-a", "2025", 412, 1850],
        ],
    )
    report = import_file(db_session, path, catalogue_ids=reported, org_ids=orgs)
    assert report.status == "committed" and not report.rejections
    values = {ind.id: _current(db_session, ind.id, "county-a", "2025").value for ind in reported}
    assert values == {
        "county_hospital_capability_standard_rate": "66.67",
        "primary_capability_standard_rate": "85.00",
        "lead_hospital_grade34_surgery_share": "22.27",
    }

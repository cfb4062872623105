"""Report inputs (ReportData): validation with bilingual errors naming table, row, column."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yigai.reports import ReportDataError

from .factories import INDICATORS, make_data


def test_unknown_indicator_in_results_is_rejected():
    data = make_data()
    bad = [*data.results]
    bad[0] = type(bad[0])("no_such", "C01", "202503", "month", 1, 1, Decimal(1))
    with pytest.raises(ReportDataError, match=r"未知指标：no_such.*unknown indicator no_such"):
        make_data(results=bad)


def test_duplicate_result_rows_are_rejected():
    data = make_data()
    with pytest.raises(ReportDataError, match="同一指标、单位、周期出现多行"):
        make_data(results=[*data.results, data.results[0]])


def test_key_indicator_must_be_known():
    with pytest.raises(ReportDataError, match="重点指标 nope 不在指标元数据中"):
        make_data(key_indicator_id="nope")


def test_duplicate_indicator_metadata_is_rejected():
    with pytest.raises(ReportDataError, match="指标重复"):
        make_data(indicators=[*INDICATORS, INDICATORS[0]])


def test_value_lookup_returns_none_for_absent_rows():
    data = make_data()
    assert data.value("drug_share", "C01", "202503") == Decimal("38.20")
    assert data.value("drug_share", "U9", "202503") is None

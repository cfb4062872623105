"""Sources are cited by the document itself (issue 14 §3): title, issuing body, date — never
an internal label (种子002) or a file that is not part of the product (domain/README.md)."""

from __future__ import annotations

from yigai.indicators import catalogue
from yigai.sources import cite, sources


def test_a_label_becomes_the_documents_title_issuer_and_date() -> None:
    assert cite("种子000《全省医药卫生体制改革工作报告》三、第二（一是 完善全民医保）") == (
        "《全省医药卫生体制改革工作报告》（辽宁省医改工作领导小组，2015年4月24日）"
        "三、第二（一是 完善全民医保）"
    )


def test_internal_notes_are_never_cited() -> None:
    assert cite(
        "种子002《湛江市加强紧密型县域医疗卫生共同体建设实施方案（征求意见稿）》一（二）3；domain/README.md §2"
    ) == (
        "《湛江市加强紧密型县域医疗卫生共同体建设实施方案（征求意见稿）》（湛江市，2020年）一（二）3"
    )


def test_no_catalogue_source_shows_a_label_or_an_internal_file() -> None:
    labels = [label for s in sources().values() for label in s.labels]
    for indicator in catalogue.default():
        shown = cite(indicator.source or "")
        assert "domain/README" not in shown, indicator.id
        assert not any(label in shown for label in labels), (indicator.id, shown)

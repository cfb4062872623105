"""Sources are cited by the document itself (issue 14 §3): title, issuing body, date — never
an internal label (种子002) or a file that is not part of the product (domain/README.md)."""

from __future__ import annotations

import re

from yigai.indicators import catalogue
from yigai.sources import cite, sources, unresolved


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


def _shipped_references() -> list[tuple[str, str]]:
    """(where, reference) for every catalogue entry, shipped target and assessment scheme
    reference (the scheme, each item, its consequences)."""
    from yigai.assess.model import available_schemes, load_scheme
    from yigai.indicators import targets

    refs = [(f"catalogue {i.id}", i.source or "") for i in catalogue.default()]
    refs += [(f"target {t.indicator} {t.scope} {t.deadline}", t.source) for t in targets.shipped()]
    for scheme_id in available_schemes():
        scheme = load_scheme(scheme_id)
        refs.append((f"scheme {scheme_id}", scheme.source))
        refs += [(f"scheme {scheme_id} item {item.id}", item.source) for item in scheme.items]
        refs.append((f"scheme {scheme_id} consequences", scheme.consequences.source))
    return refs


def test_every_shipped_reference_cites_a_document_of_the_sources_table() -> None:
    """Issue 14 §2: catalogue entries, target files and assessment schemes name their
    documents from data/sources.yaml; none points at domain/, a README or an issue."""
    wrong = [(where, ref, why) for where, ref in _shipped_references() if (why := unresolved(ref))]
    assert wrong == []


def test_the_catalogue_names_documents_by_their_id_and_section() -> None:
    ids = set(sources())
    for indicator in catalogue.default():
        first = re.match(r"[a-z][a-z0-9-]*", indicator.source or "")
        assert first is not None and first.group() in ids, (indicator.id, indicator.source)


def test_an_id_with_its_section_becomes_the_documents_citation() -> None:
    assert cite("seed-002 三（八）") == (
        "《湛江市加强紧密型县域医疗卫生共同体建设实施方案（征求意见稿）》（湛江市，2020年） 三（八）"
    )


def test_a_document_named_by_two_labels_is_cited_in_full_once() -> None:
    shown = cite("种子文档003（临汾市某县）/ seed 003 rules")
    assert shown.count("（各县（市、区）卫生部门）") == 1
    assert (
        shown.count(
            "《基层医药卫生体制综合改革工作总结汇编（无极县、隰县、金安区、藁城市等五篇）》"
        )
        == 2
    )


def test_a_reference_to_no_document_or_to_internal_notes_does_not_resolve() -> None:
    assert unresolved("国家卫生统计口径“居民年住院率”")
    assert unresolved("seed-002 监测项目；issue 14 §4")
    assert unresolved("种子009 不存在的文件")
    assert unresolved("seed-002 三（八）") == []


def test_indicators_list_shows_the_documents_not_their_ids() -> None:
    from typer.testing import CliRunner

    from yigai.cli import app

    result = CliRunner().invoke(app, ["indicators", "list"])
    assert result.exit_code == 0, result.output
    assert "《" in result.output and "seed-00" not in result.output and "nhc-" not in result.output

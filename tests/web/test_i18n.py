"""The message catalogue: every text in both languages, codes named as the registries do."""

from __future__ import annotations

import pytest

from yigai.web.i18n import Texts, catalogue, pick


def test_every_message_has_chinese_and_english() -> None:
    incomplete = [k for k, v in catalogue()["messages"].items() if set(v) != {"zh", "en"}]
    assert incomplete == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh", ("已申请", "接收", "残疾人")), ("en", ("requested", "Accept", "disabled"))],
)
def test_codes_and_groups_are_named_in_the_language(lang: str, expected: tuple[str, ...]) -> None:
    t = Texts(lang)
    assert (t.code("requested"), t.code("accept"), t.group("disabled")) == expected


def test_the_query_wins_over_the_cookie_and_nonsense_falls_back_to_chinese() -> None:
    assert pick("en", "zh") == "en"
    assert pick(None, "en") == "en"
    assert pick("fr", None) == "zh"

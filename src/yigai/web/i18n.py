"""界面语言 (the pages' languages): Chinese first, English by ``?lang=en`` or its cookie.

Page texts live in ``data/messages.yaml`` (key → zh, en). Coded values (states, diseases …)
take their Chinese from :mod:`yigai.records.labels` — the names the exports already use — and
only their English from the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from yigai.community.referrals import ACTIONS
from yigai.records import labels
from yigai.records.schemas import POPULATION_GROUPS
from yigai.reform.status import TaskStatus
from yigai.reports.status import STATUS_ZH

LANGS = ("zh", "en")
DEFAULT = "zh"
COOKIE = "yigai_lang"


@cache
def catalogue() -> dict[str, Any]:
    text = files("yigai.web").joinpath("data/messages.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def _codes_zh() -> dict[str, str]:
    merged: dict[str, str] = {}
    for table in (
        labels.REFERRAL_STATUS,
        labels.DIRECTION,
        labels.DISEASE,
        labels.FOLLOWUP_MODE,
        labels.CLASSIFICATION,
        labels.FOLLOWUP_ACTION,
        labels.PACKAGE,
        labels.SEX,
    ):
        merged.update(table)
    merged.update({name: action.zh for name, action in ACTIONS.items()})
    # the dashboards' statuses, named as the bulletin and the task ledger name them
    merged.update({str(status): zh for status, zh in STATUS_ZH.items()})
    merged.update({str(status): status.zh for status in TaskStatus})
    merged.update(catalogue()["codes_zh"])
    return merged


def pick(requested: str | None, cookie: str | None) -> str:
    """The language of a request: the query's if valid, else the cookie's, else Chinese."""
    for choice in (requested, cookie):
        if choice in LANGS:
            return choice
    return DEFAULT


@dataclass(frozen=True)
class Texts:
    """The texts of one language, as the templates call them: ``t("key")``, ``code(v)``."""

    lang: str

    def __call__(self, key: str) -> str:
        entry = catalogue()["messages"].get(key)
        if entry is None:  # a missing key shows itself rather than an empty label
            return key
        return entry[self.lang]

    def code(self, value: object) -> str:
        if value is None:
            return "—"
        text = str(value)
        if self.lang == "zh":
            return _codes_zh().get(text, text)
        return catalogue()["codes"].get(text, text)

    def group(self, code: str) -> str:
        """A population group (人群) as the residents registry names it."""
        names = {c: (zh, en) for c, zh, en in POPULATION_GROUPS}
        zh, en = names.get(code, (code, code))
        return zh if self.lang == "zh" else en

    def error(self, zh: str, en: str) -> str:
        """A library message (``UserError``) in this language."""
        return zh if self.lang == "zh" else en

"""Sources cited by the documents themselves (政策依据).

Stored references (catalogue ``source``, parameter ``reference``, scheme notes) were written
with short labels (种子002) and pointers into the project's own notes (domain/README.md §2).
A reader of a bulletin, a summary or a web page must see the document instead: its title,
issuing body, number and date, from ``data/sources.yaml``. The catalogue names a document by
its id there and the section after it (``seed-002 三（八）``). :func:`cite` rewrites a stored
reference for display; the stored text is left as it is. :func:`unresolved` says what in a
stored reference cites no document of the table (the test of every shipped reference).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SOURCES_FILE = Path(__file__).parent / "data" / "sources.yaml"

#: Pointers into the project's own notes: not part of the product, never shown.
_INTERNAL = re.compile(r"[；;，,]?\s*(?:据\s*)?domain/README\.md(?:\s*§\s*[\d.]+)?")


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    issuer: str
    number: str
    date: str
    labels: tuple[str, ...]

    @property
    def citation(self) -> str:
        """《title》（issuer，number，date） with the parts the document gives."""
        parts = [p for p in (self.issuer, self.number, self.date) if p]
        return f"《{self.title}》" + (f"（{'，'.join(parts)}）" if parts else "")


@cache
def sources() -> dict[str, Source]:
    with SOURCES_FILE.open(encoding="utf-8") as f:
        raw = yaml.safe_load(f) or {}
    return {
        key: Source(
            key,
            str(v["title"]),
            str(v.get("issuer") or ""),
            str(v.get("number") or ""),
            _date_zh(v.get("date")),
            tuple(str(label) for label in v.get("labels", [])),
        )
        for key, v in raw.items()
    }


def _date_zh(value: object) -> str:
    """2016-01-22 → 2016年1月22日, 2020 → 2020年; empty when the document gives no date."""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value}年" if isinstance(value, int) else str(value or "")


def cite(reference: str) -> str:
    """A stored reference as a reader sees it: each label replaced by the document's
    citation (its title once, where the reference already quotes it), internal pointers
    removed."""
    text = _INTERNAL.sub("", reference or "").strip(" ；;，,")
    for source in sources().values():
        # the id first (seed-002 三（八）), then the short labels older references use
        quoted = f"《{source.title}》"
        for label in (source.id, *source.labels):
            if label not in text:
                continue
            if source.citation != quoted and source.citation in text:
                # cited once already (种子文档003 … / seed 003 …): later mentions, the title
                text = text.replace(label, quoted)
            elif quoted in text:
                # 种子002《湛江市…》一（二）3 → 《湛江市…》（湛江市，2020年）一（二）3
                text = text.replace(label, "", 1).replace(quoted, source.citation, 1)
            elif f"{label} {source.title}" in text:  # the title quoted without 《》
                text = text.replace(f"{label} {source.title}", source.citation, 1)
            text = text.replace(label, source.citation)
    return text


#: What a reference must never show a reader: labels of the project's own notes and files.
_INTERNAL_MARKS = re.compile(r"domain/|README|issue \d|种子|seed \d{3}")


def unresolved(reference: str) -> list[str]:
    """Why ``reference`` does not cite the sources table: empty when it names at least one
    document (id or label) and, once cited, shows no internal label or file."""
    table = sources().values()
    named = any(key in reference for s in table for key in (s.id, *s.labels))
    shown = cite(reference)
    problems = [] if named else ["未引用政策依据文件表中的文件 / cites no document of the table"]
    problems += [f"含内部标记 {mark!r} / shows {mark!r}" for mark in _INTERNAL_MARKS.findall(shown)]
    return problems

"""Sources cited by the documents themselves (政策依据).

Stored references (catalogue ``source``, parameter ``reference``, scheme notes) were written
with short labels (种子002) and pointers into the project's own notes (domain/README.md §2).
A reader of a bulletin, a summary or a web page must see the document instead: its title,
issuing body, number and date, from ``data/sources.yaml``. :func:`cite` rewrites a stored
reference for display; the stored text is left as it is.
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
        for label in source.labels:
            if label not in text:
                continue
            quoted = f"《{source.title}》"
            if quoted in text:
                # 种子002《湛江市…》一（二）3 → 《湛江市…》（湛江市，2020年）一（二）3
                text = text.replace(label, "", 1).replace(quoted, source.citation, 1)
            elif f"{label} {source.title}" in text:  # the title quoted without 《》
                text = text.replace(f"{label} {source.title}", source.citation, 1)
            text = text.replace(label, source.citation)
    return text

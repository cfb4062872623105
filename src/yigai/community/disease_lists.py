"""县、镇两级疾病诊疗目录 (county and township disease lists), seed 002 三（七）.

The lists are data (``data/disease_lists.yaml``), a clearly labelled WORKING list of ICD-10
codes and prefixes, since the official ones were not available offline. A patient at a county
hospital whose diagnosis is on the township list is flagged to be sent down (下转).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from yigai.params import ParameterError, UniqueKeyLoader, read_yaml

LISTS_FILE = Path(__file__).parent / "data" / "disease_lists.yaml"
COUNTY_LEVEL = "county"


@dataclass(frozen=True)
class DiseaseLists:
    source: str
    working_list: bool
    township: tuple[str, ...]
    county: tuple[str, ...]


def _codes(doc: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    raw = doc.get(key)
    if not isinstance(raw, list) or not all(isinstance(c, str) and c.strip() for c in raw):
        raise ParameterError(path, key, "应为 ICD-10 编码列表", "must be a list of ICD-10 codes")
    return tuple(c.strip().upper() for c in raw)


@cache
def load(path: Path = LISTS_FILE) -> DiseaseLists:
    doc = read_yaml(path, UniqueKeyLoader)
    if not isinstance(doc, dict) or not isinstance(doc.get("source"), str):
        raise ParameterError(path, "source", "缺少来源说明", "the lists must name their source")
    return DiseaseLists(
        doc["source"],
        bool(doc.get("working_list")),
        _codes(doc, "township", path),
        _codes(doc, "county", path),
    )


def on_list(diagnosis: str, codes: tuple[str, ...]) -> bool:
    code = diagnosis.strip().upper()
    return any(code.startswith(entry) for entry in codes)


def should_send_down(diagnosis: str, level: str | None, lists: DiseaseLists | None = None) -> bool:
    """A county-level patient whose diagnosis a township centre treats (on the township list)."""
    return level == COUNTY_LEVEL and on_list(diagnosis, (lists or load()).township)

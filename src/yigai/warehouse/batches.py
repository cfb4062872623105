"""Batches (批次) and snapshots (表版本快照) of the warehouse's Delta tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from yigai.warehouse.errors import WarehouseError

#: Format of a batch's description in its commit's metadata.
LOG_FORMAT = 1


@dataclass(frozen=True)
class Batch:
    """One committed batch (已提交批次), as recorded in its commit's metadata."""

    id: str
    record_set: str
    source: str
    rows: int
    months: dict[int, int]  # yyyymm -> rows; a registry has no months: {0: rows}
    files: tuple[str, ...]  # relative to the warehouse root, POSIX separators
    committed_at: dt.datetime
    seq: int  # commit order across the whole warehouse
    version: int = -1  # the version of its record set's Delta table it created

    def to_json(self) -> dict[str, object]:
        return {
            "format": LOG_FORMAT,
            "seq": self.seq,
            "batch_id": self.id,
            "record_set": self.record_set,
            "source": self.source,
            "rows": self.rows,
            "months": {str(k): v for k, v in sorted(self.months.items())},
            "files": list(self.files),
            "committed_at": self.committed_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], version: int = -1) -> Batch:
        months = data["months"]
        files = data["files"]
        assert isinstance(months, dict) and isinstance(files, list)
        return cls(
            id=str(data["batch_id"]),
            record_set=str(data["record_set"]),
            source=str(data["source"]),
            rows=int(data["rows"]),  # type: ignore[call-overload]
            months={int(k): int(v) for k, v in months.items()},
            files=tuple(str(f) for f in files),
            committed_at=dt.datetime.fromisoformat(str(data["committed_at"])),
            seq=int(data["seq"]),  # type: ignore[call-overload]
            version=version,
        )


@dataclass(frozen=True)
class Snapshot:
    """One version of each record set's table (表版本快照): what a report read. A record set
    absent from ``versions`` had no table then and reads as empty."""

    versions: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, int]:
        return dict(sorted(self.versions.items()))

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Snapshot:
        try:
            return cls({str(k): int(v) for k, v in data.items()})  # type: ignore[call-overload]
        except (TypeError, ValueError) as exc:
            raise WarehouseError(
                f"表版本快照无效：{exc}", f"invalid table-version snapshot: {exc}"
            ) from None

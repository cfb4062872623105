"""Warehouse errors (仓库错误): every message is Chinese first, then English."""

from __future__ import annotations


class WarehouseError(Exception):
    """A warehouse operation that cannot proceed; ``zh`` and ``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


class LockHeldError(WarehouseError):
    """Another writer holds the warehouse lock (写入锁被占用)."""


class SchemaMismatchError(WarehouseError):
    """A table handed to :meth:`Warehouse.commit` does not fit the record set's schema."""


class CorruptLogError(WarehouseError):
    """A commit-log entry that cannot be read (提交日志损坏)."""

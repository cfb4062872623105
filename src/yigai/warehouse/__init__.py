"""yigai.warehouse: the warehouse of Delta Lake tables (数据仓库) and ingestion (数据导入).

``Warehouse`` is the storage seam every other package reads through; see docs/CONTRACTS.md.
Its names are loaded on first use, so ``yigai.warehouse.errors`` (which the CLI needs to
start) does not import Arrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from yigai.warehouse.errors import LockHeldError, WarehouseError

if TYPE_CHECKING:
    from yigai.warehouse.batches import Batch, Snapshot
    from yigai.warehouse.store import Warehouse

__all__ = ["Batch", "LockHeldError", "Snapshot", "Warehouse", "WarehouseError"]

_LAZY = {"Batch": "batches", "Snapshot": "batches", "Warehouse": "store"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(f"yigai.warehouse.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'yigai.warehouse' has no attribute {name!r}")

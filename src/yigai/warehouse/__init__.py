"""yigai.warehouse: the Parquet warehouse with a commit log (数据仓库) and ingestion (数据导入).

``Warehouse`` is the storage seam every other package reads through; see docs/CONTRACTS.md.
"""

from yigai.warehouse.errors import LockHeldError, WarehouseError
from yigai.warehouse.store import Batch, Warehouse

__all__ = ["Batch", "LockHeldError", "Warehouse", "WarehouseError"]

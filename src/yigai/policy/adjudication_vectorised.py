"""The vectorised claim adjudication, kept importable under its old name: the code lives in
the package :mod:`yigai.policy.vectorised`, one module per part (checks and chunks, claim
order, scheme tables, packing, stays, deductible, critical illness, assistance)."""

from yigai.policy.vectorised import (
    BLOCK_ROWS,
    CHUNK_ROWS,
    REQUIRED,
    RESULT_SCHEMA,
    SCATTERED_CHUNK_ROWS,
    adjudicate_table,
    table_from_claims,
)
from yigai.policy.vectorised.common import count_below as _count_below
from yigai.policy.vectorised.packing import PACK_ROWS as _PACK_ROWS
from yigai.policy.vectorised.packing import Packed as _Packed
from yigai.policy.vectorised.packing import inverse as _inverse

__all__ = [
    "BLOCK_ROWS",
    "CHUNK_ROWS",
    "REQUIRED",
    "RESULT_SCHEMA",
    "SCATTERED_CHUNK_ROWS",
    "_PACK_ROWS",
    "_Packed",
    "_count_below",
    "_inverse",
    "adjudicate_table",
    "table_from_claims",
]

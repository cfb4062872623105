"""Shared plumbing for the payment rules (DIP, capitation, community budget): fen rounding,
exact splits, bilingual input errors.

Parameters come from :mod:`yigai.policy.params` (files under
``data/params/<region>/payment/``); this module only holds what the three rules share.

Rounding (舍入): :func:`fen` converts a Decimal amount of fen to integer fen **half up**
(``ROUND_HALF_UP``), the project default, and also for negative amounts (−2.5 → −3: half away
from zero); :func:`split_fen` splits an integer amount by weights with the largest-remainder
method so the parts always add up to the whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import pyarrow as pa

from yigai.params import ParameterError
from yigai.policy.params import Values


class PaymentInputError(ValueError):
    """Input records a payment rule cannot use; the message names table, row, column, reason."""


def input_error(
    table: str, column: str, zh: str, en: str, row: int | None = None
) -> PaymentInputError:
    """A bilingual error (Chinese first) naming the table, the row (1-based) and the column."""
    where_zh = f"{table} 第 {row} 行 列 {column}" if row is not None else f"{table} 列 {column}"
    where_en = (
        f"{table} row {row} column {column}" if row is not None else f"{table} column {column}"
    )
    return PaymentInputError(f"{where_zh}：{zh} / {where_en}: {en}")


def fund_error(row: int) -> PaymentInputError:
    """A claim (``row``: 1-based in the input) whose fund payment is not whole non-negative
    fen: the one rule of DIP scoring and of the community budget alike."""
    return input_error(
        "claims",
        "fund_fen",
        "基金支付须为非负整数分",
        "fund payment must be whole non-negative fen",
        row,
    )


def required(values: Values, name: str) -> Any:
    """The value of ``name`` in force; a bilingual error naming the file when it is absent."""
    if name not in values.tree:
        raise ParameterError(
            values.tree.folder, name, "该地区缺少此参数", "this region lacks the parameter"
        )
    return values[name]


# ---------------------------------------------------------------- money


def fen(amount: Decimal) -> int:
    """Integer fen from a Decimal amount of fen, rounded half up (the project default)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quantize(value: Decimal, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimal places."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def split_fen(total: int, weights: Mapping[str, int | Decimal]) -> dict[str, int]:
    """Split integer ``total`` fen in proportion to ``weights`` so the parts sum to ``total``.

    Largest-remainder method: every part gets the floor of its exact share (toward minus
    infinity for a negative total, via the absolute value); the fen left over go one each to
    the largest remainders, ties broken by key order. All weights zero → equal weights.
    """
    if not weights:
        if total:
            raise ValueError("无可分配对象 / nothing to split the amount between")
        return {}
    if any(w < 0 for w in weights.values()):
        raise ValueError("分配权重不能为负 / split weights must not be negative")
    keys = sorted(weights)
    ws = {k: Decimal(weights[k]) for k in keys}
    denominator = sum(ws.values())
    if denominator == 0:
        ws = {k: Decimal(1) for k in keys}
        denominator = Decimal(len(keys))
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    exact = {k: Decimal(magnitude) * ws[k] / denominator for k in keys}
    parts = {k: int(exact[k].to_integral_value(rounding=ROUND_FLOOR)) for k in keys}
    left = magnitude - sum(parts.values())
    for k in sorted(keys, key=lambda k: (-(exact[k] - parts[k]), k))[:left]:
        parts[k] += 1
    return {k: sign * v for k, v in parts.items()}


# ---------------------------------------------------------------- tables


def require_columns(table: pa.Table, name: str, columns: Sequence[str]) -> None:
    """Raise a bilingual error naming the first missing column of ``table``."""
    for column in columns:
        if column not in table.column_names:
            raise input_error(name, column, "缺少该列", "column missing")


def event_month(row: Mapping[str, Any], table: str, index: int) -> int:
    """``yyyymm`` of a record from its ``month`` column, else its ``event_date``."""
    month = row.get("month")
    if month is not None:
        return int(month)
    date = row.get("event_date")
    if not isinstance(date, dt.date):
        raise input_error(table, "event_date", "缺少统计日期", "statistics date missing", index + 1)
    return date.year * 100 + date.month

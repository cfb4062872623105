"""Manual scores (手工评分表): what the assessor enters for a scheme's manual items.

A CSV with a header row ``org_id,item_id,value`` and an optional ``note`` column (备注, kept as
read; e.g. who scored and on what evidence). ``value`` is the points for an ``entered`` item
(0 ≤ points ≤ weight) and the number of occurrences for a ``penalty`` item; both are checked
against the scheme by :func:`yigai.assess.assess`. This reader checks what it can without a
scheme — the header, blank cells, numbers, repeated unit × item — and names the file, row
and column of every problem, Chinese first. Values stay text so no float ever touches points.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyarrow as pa

from yigai.assess.assessment import AssessmentError

REQUIRED = ("org_id", "item_id", "value")
OPTIONAL = ("note",)
SCHEMA = pa.schema(
    [
        pa.field("org_id", pa.string(), nullable=False),
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("value", pa.string(), nullable=False),
        pa.field("note", pa.string()),
    ]
)
_MAX_LISTED = 20


def read_manual_scores(path: str | Path) -> pa.Table:
    """The manual scores of ``path`` as a table ``org_id, item_id, value, note`` (all text)."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AssessmentError(
            f"{name}：文件不是 UTF-8 编码 / {name}: the file is not UTF-8 encoded"
        ) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise AssessmentError(f"{name}：文件为空 / {name}: the file is empty")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise AssessmentError(
            f"{name} 第1行：缺少列 {missing} / {name} row 1: missing columns {missing}"
        )
    col = {c: header.index(c) for c in (*REQUIRED, *OPTIONAL) if c in header}
    out: dict[str, list[str | None]] = {c: [] for c in SCHEMA.names}
    seen: dict[tuple[str, str], int] = {}
    problems: list[str] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        got = {c: (cells[i].strip() if i < len(cells) else "") for c, i in col.items()}
        bad = [c for c in REQUIRED if not got[c]]
        if bad:
            problems.extend(
                f"{name} 第{number}行 {c} 列：不能为空 / {name} row {number} column {c}: blank"
                for c in bad
            )
            continue
        try:
            ok = Decimal(got["value"]).is_finite()
        except InvalidOperation:
            ok = False
        if not ok:
            problems.append(
                f"{name} 第{number}行 value 列：{got['value']!r} 不是数值 / {name} row {number} "
                f"column value: {got['value']!r} is not a number"
            )
            continue
        key = (got["org_id"], got["item_id"])
        if key in seen:
            problems.append(
                f"{name} 第{number}行：单位 {key[0]} 的 {key[1]} 已在第{seen[key]}行填写 / "
                f"{name} row {number}: {key[1]} of {key[0]} already given in row {seen[key]}"
            )
            continue
        seen[key] = number
        for c in SCHEMA.names:
            out[c].append(got.get(c) or None)
    if problems:
        more = len(problems) - _MAX_LISTED
        tail = [f"……另有 {more} 项 / … and {more} more"] if more > 0 else []
        raise AssessmentError("\n".join(problems[:_MAX_LISTED] + tail))
    return pa.table(out, schema=SCHEMA)


def write_manual_scores(path: str | Path, rows: list[dict[str, str]]) -> Path:
    """Write ``rows`` (``org_id, item_id, value[, note]``) as a manual-score CSV, in the given
    order, UTF-8 with a BOM so spreadsheet programs open the Chinese notes correctly."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SCHEMA.names)
    for r in rows:
        writer.writerow([r.get(c, "") for c in SCHEMA.names])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path

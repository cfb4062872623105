"""Statement files (结算单导出): one stored statement version as XLSX or PDF.

The CLI (``yigai statements export``) and the insurance bureau's web page call the same
:func:`export_statement`. Both files show the statement's lines (money in yuan, exact from
integer fen), its version, the fingerprint and description of the parameters and input
batches it came from, and — when any input was a demonstration value — the 示范参数 label.
XLSX goes through :func:`yigai.safe_cells.save_workbook`; PDF through WeasyPrint with the
shipped CJK faces (:mod:`yigai.reports.fonts`).
"""

from __future__ import annotations

import html
from decimal import Decimal
from pathlib import Path

from yigai.policy.statements.record import KINDS
from yigai.policy.statements.store import StoredStatement

FORMATS = ("xlsx", "pdf")


def title(s: StoredStatement) -> str:
    """``<subject> <year>[-month] <kind name>`` — the heading of the statement."""
    st = s.statement
    when = f"{st.month_key // 100}年{st.month_key % 100}月" if st.month_key else f"{st.year}年"
    return f"{st.subject_name} {when} {KINDS[st.kind]}"


def demo_text(s: StoredStatement) -> str:
    """The 示范参数 label of a statement computed from demonstration inputs ('' otherwise)."""
    if not s.demo_parameters:
        return ""
    names = "、".join(s.demo_parameters)
    return f"示范参数：本结算单使用示范值（{names}） / demo values used ({', '.join(s.demo_parameters)})"


def _yuan(amount_fen: int | None) -> Decimal | None:
    return None if amount_fen is None else Decimal(amount_fen).scaleb(-2)


def _meta(s: StoredStatement) -> list[tuple[str, str]]:
    versions = ", ".join(str(v) for v in s.versions)
    rows = [
        ("结算单编号 / statement id", s.statement.statement_id),
        ("版本 / version", f"{s.version}（已存：{versions} / stored: {versions}）"),
        ("输入指纹 / inputs fingerprint", s.inputs_fingerprint),
        ("结算批次 / settlement batch", s.settle_batch),
    ]
    if s.demo_parameters:
        rows.append(("示范参数 / demo values", demo_text(s)))
    return rows


def _inputs(s: StoredStatement) -> list[tuple[str, str, str]]:
    """(name, value, reference) of every parameter and input batch the statement came from."""
    rows = [
        (name, f"{p['value']} {p.get('unit', '')}".strip(), p["reference"])
        for name, p in sorted(s.inputs.get("parameters", {}).items())
    ]
    rows += [("input batch", b, "") for b in s.inputs.get("input_batches", [])]
    return rows


def write_xlsx(s: StoredStatement, path: Path) -> Path:
    from openpyxl import Workbook

    from yigai.safe_cells import save_workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "结算单"
    ws.append([title(s)])
    for label, value in _meta(s):
        ws.append([label, value])
    ws.append([])
    ws.append(["行 / line", "项目代码 / item", "项目 / label", "金额（元）/ yuan", "数值 / value"])
    for i, ln in enumerate(s.statement.lines, start=1):
        ws.append([i, ln.item, ln.label, _yuan(ln.amount_fen), ln.value])
        ws.cell(ws.max_row, 4).number_format = "#,##0.00"
    inputs = wb.create_sheet("参数与输入 inputs")
    inputs.append(["名称 / name", "值 / value", "出处 / reference"])
    for row in _inputs(s):
        inputs.append(list(row))
    return save_workbook(wb, path)


def _html(s: StoredStatement) -> str:
    from yigai.reports.fonts import shipped_face

    faces = "".join(
        f"@font-face {{ font-family: '{f.pdf_family}'; src: url('{f.url}'); }}"
        for f in (shipped_face("serif"), shipped_face("sans"))
    )
    family = shipped_face("sans").pdf_family
    e = html.escape
    meta = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in _meta(s))
    lines = "".join(
        f"<tr><td>{i}</td><td>{e(ln.label)}</td>"
        f"<td class='n'>{'' if ln.amount_fen is None else f'{_yuan(ln.amount_fen):,.2f}'}</td>"
        f"<td class='n'>{e(ln.value or '')}</td></tr>"
        for i, ln in enumerate(s.statement.lines, start=1)
    )
    inputs = "".join(
        f"<tr><td>{e(n)}</td><td>{e(v)}</td><td>{e(r)}</td></tr>" for n, v, r in _inputs(s)
    )
    return (
        f"<html><head><meta charset='utf-8'><style>{faces} body {{ font-family: '{family}'; "
        "font-size: 9pt; } table { border-collapse: collapse; width: 100%; margin-bottom: 1em; }"
        " td, th { border: 0.5pt solid #888; padding: 2pt 4pt; text-align: left; }"
        " .n { text-align: right; } .demo { color: #a60; font-weight: bold; }</style></head>"
        f"<body><h1>{e(title(s))}</h1>"
        + (f"<p class='demo'>{e(demo_text(s))}</p>" if s.demo_parameters else "")
        + f"<table>{meta}</table><table><tr><th>行</th><th>项目 / item</th>"
        f"<th>金额（元）/ yuan</th><th>数值 / value</th></tr>{lines}</table>"
        f"<h2>参数与输入 / inputs</h2><table>{inputs}</table></body></html>"
    )


def write_pdf(s: StoredStatement, path: Path) -> Path:
    # WeasyPrint loads Pango at import: only when a PDF is written.
    from weasyprint import HTML

    path.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=_html(s)).write_pdf(str(path))
    return path


def export_statement(s: StoredStatement, path: Path, fmt: str | None = None) -> Path:
    """Write ``s`` to ``path`` as ``fmt`` (default: the file's suffix, xlsx or pdf)."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(
            f"不支持的格式 {fmt}（可选：xlsx、pdf） / unsupported format {fmt} (xlsx or pdf)"
        )
    return write_xlsx(s, path) if fmt == "xlsx" else write_pdf(s, path)

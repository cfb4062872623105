"""Import formats (导入格式说明): one page per record set, generated from the schemas so the
documentation cannot drift from what ingestion accepts.

``docs/import/<record_set>.md`` and ``docs/import/examples/<record_set>.csv`` are written by
:func:`write_docs`, never edited by hand (a test regenerates them and compares)::

    python -m yigai.records.docs docs/import

Each page lists the columns a file may give (English name, Chinese header, required or not,
type, codes with their Chinese names, bounds), the row checks, the key and references, and an
example file that imports cleanly (the examples form one small region; import them in
:data:`IMPORT_ORDER`). :func:`expected_columns` is the short list a rejected header names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from yigai.records import schemas
from yigai.records.examples import EXAMPLES
from yigai.records.fields import Field, Kind, RecordSet

#: The record sets a county imports, in an order in which every reference is already stored.
#: ``claims`` is written by ``yigai settle`` and has no import page.
IMPORT_ORDER: tuple[str, ...] = (
    "org_units",
    "community_members",
    "residents",
    "staff",
    "resources",
    "encounters",
    "referrals",
    "contracts",
    "chronic_cases",
    "followups",
    "health_checkups",
    "drug_purchases",
)

_KIND = {
    Kind.STRING: "文本 text",
    Kind.ENUM: "代码 code",
    Kind.INT: "整数 integer",
    Kind.MONEY: "金额 money（元 yuan）",
    Kind.FLOAT: "数值 number",
    Kind.BOOL: "是/否 yes/no",
    Kind.DATE: "日期 date",
    Kind.TIMESTAMP: "日期时间 date-time",
}

#: How every file is read (yigai.warehouse.readers and convert), said once per page.
RULES = (
    "第 1 行为表头，可写英文列名或中文列名；列的顺序不限，未列出的列会使整个文件被拒收。"
    " / Row 1 is the header: the English name or the Chinese header of each column, in any "
    "order; a column not listed here rejects the whole file.",
    "文件：CSV（UTF-8 或 GB18030）、XLSX 或 Parquet。 / Files: CSV (UTF-8 or GB18030), XLSX "
    "or Parquet.",
    "代码可写代码（不分大小写）或其中文名称。 / A code may be given as the code (any case) "
    "or its Chinese name.",
    "日期：YYYY-MM-DD、YYYY/MM/DD、YYYY.MM.DD、YYYYMMDD、YYYY年M月D日，后面的时刻（如 14:30:00）"
    "忽略；5 位数字按 Excel 日期序号（1900 日期系统，45996 即 2025-12-05）读取；不得晚于导入当日"
    "（注明可为将来日期的除外）。 / Dates: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, "
    "YYYY年M月D日; a time of day after the date (14:30:00) is dropped; a 5-digit number is read "
    "as an Excel serial date (1900 date system: 45996 is 2025-12-05); not after the import day "
    "unless marked as possibly in the future.",
    "全角数字和字母（１２３Ｘ）按半角读取；空行跳过；单元格最多 4000 个字符。身份证号列须设为"
    "“文本”格式：Excel 按数值保存的身份证号（如 4.4E+17）已丢失末几位，会被拒收。 / Full-width "
    "digits and letters (１２３Ｘ) read as ASCII; blank rows are skipped; a cell holds at most "
    "4000 characters. Format the identity-number column as Text: a number Excel stored as a "
    "number (4.4E+17) has lost its last digits and is refused.",
    "金额以元填写，最多两位小数（或在列名后加 _fen 以分填写整数）。 / Money in yuan with at "
    "most two decimals (or in integer fen under the column name ending _fen).",
    "是/否：是/否、1/0、Y/N、true/false。 / Yes/no: 是/否, 1/0, Y/N, true/false.",
    "有错误的文件整体不导入（除非 --accept-partial），问题清单列出文件、行、列和原因；重复导入同一文件不会重复写入。"
    " / A file with errors is not imported (unless --accept-partial); the error report names "
    "file, row, column and reason; importing the same file again writes nothing.",
)


@dataclass(frozen=True)
class InputColumn:
    """One column a file may give: ``name`` or ``zh`` as its header."""

    name: str
    zh: str
    required: bool
    field: Field
    note_zh: str = ""
    note_en: str = ""


def _identity_fields() -> tuple[str, ...]:
    # Stored fields that an identity number also gives (sex, birth month), where ingestion
    # takes them from the number when the file has no such column.
    from yigai.warehouse import columns

    return tuple(getattr(columns, "FROM_IDENTITY", ()))


def input_columns(rs: RecordSet) -> list[InputColumn]:
    """The columns a file of ``rs`` may give, in schema order."""
    from yigai.warehouse import columns

    names = set(rs.names)
    derived = _identity_fields() if "person_id" in names else ()
    out: list[InputColumn] = []
    for f in rs.fields:
        if f.name == "id_masked" and "person_id" in names:
            continue
        if f.name == "person_id":
            out.append(
                InputColumn(
                    columns.ID_NUMBER,
                    "身份证号",
                    f.required,
                    f,
                    "只保存假名 person_id 和脱敏号码",
                    "stored only as a keyed pseudonym (person_id) and a masked number",
                )
            )
        elif f.name == "name_masked":
            out.append(
                InputColumn(columns.NAME, "姓名", False, f, "只保存脱敏姓名", "stored masked only")
            )
        elif f.kind is Kind.MONEY:
            yuan = f.name.removesuffix("_fen")
            out.append(
                InputColumn(yuan, f.zh, f.required, f, f"或以 {f.name} 填分", f"or {f.name} in fen")
            )
        elif f.kind is Kind.DATE and f.name == "birth_ym" and hasattr(columns, "BIRTH_DATE"):
            out.append(
                InputColumn(
                    columns.BIRTH_DATE,
                    "出生日期",
                    f.required and f.name not in derived,
                    f,
                    "只保存年月；可省略，由身份证号得出",
                    "only the year-month is kept; may be left out (read from the identity number)",
                )
            )
        elif f.name in derived:
            out.append(
                InputColumn(
                    f.name,
                    f.zh,
                    False,
                    f,
                    "可省略，由身份证号得出；填写时须与之一致",
                    "may be left out (read from the identity number); must agree when given",
                )
            )
        else:
            out.append(InputColumn(f.name, f.zh, f.required, f))
    return out


def expected_columns(rs: RecordSet) -> tuple[str, str]:
    """(Chinese, English) lists of the columns ``rs`` takes, for a rejected header."""
    cols = input_columns(rs)
    req = [c for c in cols if c.required]
    opt = [c for c in cols if not c.required]

    def zh(group: list[InputColumn]) -> str:
        return "、".join(f"{c.name}（{c.zh}）" for c in group) or "无"

    def en(group: list[InputColumn]) -> str:
        return ", ".join(c.name for c in group) or "none"

    return (
        f"应有的列：必填 {zh(req)}；选填 {zh(opt)}（见 docs/import/{rs.name}.md）",
        f"expected columns: required {en(req)}; optional {en(opt)} (see docs/import/{rs.name}.md)",
    )


def _shown(rs: RecordSet, stored: str) -> str:
    """The input column that feeds the stored field ``stored`` (``person_id`` → ``id_number``)."""
    for c in input_columns(rs):
        if c.field.name == stored:
            return c.name
    return stored


def _labels(f: Field) -> Mapping[str, str]:
    return getattr(f, "labels", None) or {}


def _type(c: InputColumn) -> str:
    f = c.field
    text = _KIND[f.kind]
    bounds = []
    scale = 100 if f.kind is Kind.MONEY else 1  # money bounds are in fen: shown in yuan
    if f.min is not None:
        bounds.append(f"≥ {_num(f.min / scale)}")
    if f.max is not None:
        bounds.append(f"≤ {_num(f.max / scale)}")
    return text + (f"，{' '.join(bounds)}" if bounds else "")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _codes(f: Field) -> str:
    if not f.choices:
        return ""
    labels = _labels(f)
    return "、".join(
        f"`{code}` {labels[code]}" if code in labels else f"`{code}`" for code in f.choices
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(rs: RecordSet) -> str:
    """The Markdown page of ``rs``."""
    lines = [
        f"# {rs.zh} `{rs.name}`",
        "",
        "<!-- 由 `python -m yigai.records.docs docs/import` 生成，请勿手工修改 / "
        "generated from src/yigai/records/schemas.py: do not edit -->",
        "",
        f"导入 / import: `yigai import {rs.name} 文件.csv`",
        "",
        *(f"- {rule}" for rule in RULES),
        "",
        f"- 键 / key: {', '.join(f'`{_shown(rs, k)}`' for k in rs.key)}",
    ]
    if getattr(rs, "versioned", False):
        lines.append(
            "- 按版本更正：更正时以更晚的 `version_from` 导入新版本，已存的版本不会被修改"
            " / corrected by versions: import the correction with a later `version_from`; "
            "stored versions are never edited"
        )
    if rs.partition_by:
        lines.append(
            f"- 按 `{rs.partition_by}` 的月份存放 / stored by month of `{rs.partition_by}`"
        )
    for column, target in rs.references:
        lines.append(
            f"- `{_shown(rs, column)}` 须为已导入的 [{target}]({target}.md) 记录 / must match "
            f"an imported `{target}` record"
        )
    lines += [
        "",
        "| 列名 column | 中文列名 header | 必填 required | 类型 type | 代码 codes / 说明 notes |",
        "|---|---|---|---|---|",
    ]
    for c in input_columns(rs):
        planned = getattr(c.field, "planned", False)
        zh = [_codes(c.field), c.note_zh, "可为将来日期" if planned else ""]
        en = [c.note_en, "may be in the future" if planned else ""]
        notes = "；".join(x for x in zh if x)
        if any(en):
            notes += " / " + "; ".join(x for x in en if x)
        lines.append(
            f"| `{c.name}` | {c.zh} | {'是 yes' if c.required else '否 no'} | "
            f"{_cell(_type(c))} | {_cell(notes)} |"
        )
    if rs.checks:
        lines += ["", "## 校验规则 / row checks", ""]
        lines += [f"- `{chk.column}`：{chk.zh} / {chk.en}" for chk in rs.checks]
    lines += [
        "",
        f"## 示例文件 / example file: [examples/{rs.name}.csv](examples/{rs.name}.csv)",
        "",
        "```csv",
        example_csv(rs).rstrip("\n"),
        "```",
        "",
    ]
    return "\n".join(lines)


def example_csv(rs: RecordSet) -> str:
    """The example file of ``rs`` (UTF-8, header of the documented English names)."""
    rows = EXAMPLES[rs.name]
    order = [c.name for c in input_columns(rs)]
    given = {k for row in rows for k in row}
    unknown = given - set(order)
    if unknown:
        raise ValueError(f"example of {rs.name} has undocumented columns {sorted(unknown)}")
    header = [name for name in order if name in given]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue()


def render_index() -> str:
    """docs/import/README.md: the record sets and the import order."""
    lines = [
        "# 导入格式 / import formats",
        "",
        "<!-- 由 `python -m yigai.records.docs docs/import` 生成，请勿手工修改 / generated -->",
        "",
        "按下列顺序导入（被引用的记录先导入）/ import in this order (what is referenced first):",
        "",
    ]
    for i, name in enumerate(IMPORT_ORDER, start=1):
        rs = schemas.get(name)
        lines.append(f"{i}. [{rs.zh} `{name}`]({name}.md) — {rs.en}")
    lines.append("")
    return "\n".join(lines)


def generated_files() -> dict[str, str]:
    """Relative path → text of every generated file."""
    files = {"README.md": render_index()}
    for name in IMPORT_ORDER:
        rs = schemas.get(name)
        files[f"{name}.md"] = render(rs)
        files[f"examples/{name}.csv"] = example_csv(rs)
    return files


def write_docs(folder: Path) -> list[Path]:
    """Write the pages and examples under ``folder``; returns the files written."""
    written = []
    for rel, text in generated_files().items():
        path = Path(folder) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _main(argv: list[str]) -> None:
    folder = Path(argv[1]) if len(argv) > 1 else Path("docs/import")
    for path in write_docs(folder):
        print(path)


if __name__ == "__main__":
    import sys

    _main(sys.argv)

"""The ``statements`` record set (结算单): one row per line of one version of a statement.

A statement is named by ``statement_id`` (``<region>:<year>:<kind>:<subject>[:<yyyymm>]``);
each change of its lines or of the inputs it came from is a new ``version`` (1, 2, …) and
the older versions stay stored. Money is integer fen (``amount_fen``); a figure that is not
money (cases, points, point values, ratios) is exact decimal text in ``value``. Every row
carries the fingerprint and the description (``inputs``, JSON) of the parameters and input
batches the statement came from. Statements are aggregates: no person appears in them.
"""

from __future__ import annotations

from yigai.records.fields import Field, Kind, RecordSet

#: Statement kinds (code → Chinese name).
KINDS = {
    "institution_month": "机构月度结算单",
    "institution_year": "机构年度 DIP 清算单",
    "community_year": "医共体年度总额预算结算单",
    "region_year": "统筹区年度结算汇总",
}

STATEMENTS = RecordSet(
    name="statements",
    zh="结算单",
    en="settlement statements",
    fields=(
        Field("statement_id", Kind.STRING, "结算单编号", "statement id"),
        Field("version", Kind.INT, "版本", "version", min=1),
        Field("kind", Kind.ENUM, "结算单类型", "statement kind", labels=KINDS),
        Field("region", Kind.STRING, "统筹区（参数地区）", "pooling region (parameter region)"),
        Field("year", Kind.INT, "医保年度", "insurance year", min=1900, max=9999),
        Field("month_key", Kind.INT, "月份", "month (yyyymm)", required=False),
        Field("subject_id", Kind.STRING, "结算对象", "settled unit"),
        Field("subject_name", Kind.STRING, "结算对象名称", "settled unit name"),
        Field("line", Kind.INT, "行号", "line number", min=1),
        Field("item", Kind.STRING, "项目代码", "item code"),
        Field("label", Kind.STRING, "项目", "item"),
        Field("amount_fen", Kind.MONEY, "金额（分）", "amount (fen)", required=False),
        Field("value", Kind.STRING, "数值", "value (not money)", required=False),
        Field("inputs_fingerprint", Kind.STRING, "输入指纹", "inputs fingerprint"),
        Field("settle_batch", Kind.STRING, "结算批次", "settlement batch"),
        Field("inputs", Kind.STRING, "参数与输入批次", "parameters and input batches (JSON)"),
        Field("demo_parameters", Kind.STRING, "示范参数", "demo parameters", required=False),
    ),
    key=("statement_id", "version", "line"),
)

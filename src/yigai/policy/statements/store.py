"""Keeping statements (结算单存储与版本): write a run's statements, list, read and compare them.

- :func:`write_statements` stores the statements of a settlement run in the warehouse record
  set ``statements`` as one batch. A statement whose lines and inputs equal its latest stored
  version is not written again, so re-running a settlement with the same inputs writes
  nothing; a statement whose lines or inputs changed gets the next version, and every older
  version stays stored and readable.
- **Inputs** of a statement: the fingerprint (SHA-256) and the description (JSON) of what it
  came from — the settlement batch, the region's settlement-input parameters in force (value
  and reference), the amounts used (given in place of them in a what-if), the input batches
  read, and for a community's budget statement its assessment score (:func:`inputs_for`:
  the score changes that statement only, so an assessment re-versions nothing else).
- :func:`list_statements`, :func:`read_statement` and :func:`diff_statements` read them back;
  every read is of stored rows only (a statement is never recomputed to be shown).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from yigai.periods import Period
from yigai.policy.inputs import INPUT_PARAMETERS
from yigai.policy.params import parameters
from yigai.policy.run import SettlementRun
from yigai.policy.statements.build import Line, Statement, build_statements
from yigai.policy.statements.record import KINDS, STATEMENTS
from yigai.records.versions import read_in_force
from yigai.warehouse import Warehouse


class StatementError(ValueError):
    """A statement that cannot be found or compared; Chinese first, then English."""


@dataclass(frozen=True)
class Written:
    """What :func:`write_statements` did: the batch (None when nothing was new)."""

    batch_id: str | None
    new_versions: int  # statements written (a first version or a changed one)
    unchanged: int  # statements equal to their latest stored version


@dataclass(frozen=True)
class StoredStatement:
    """One stored version of a statement, read back from the warehouse."""

    statement: Statement
    version: int
    versions: tuple[int, ...]  # every stored version of this statement
    inputs_fingerprint: str
    settle_batch: str
    inputs: dict[str, Any]
    demo_parameters: tuple[str, ...]

    @property
    def demo(self) -> bool:
        return bool(self.demo_parameters)


# ---------------------------------------------------------------- inputs


def _json_value(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _json_value(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    return value if isinstance(value, int | str | bool) or value is None else str(value)


def inputs_of(run: SettlementRun, root: Path | None = None) -> dict[str, Any]:
    """What ``run`` came from: its batch, the settlement-input parameters in force on
    1 January (value and reference), the amounts used, and the input batches."""
    values = parameters(run.region, dt.date(run.year, 1, 1), root=root)
    used = {
        name: {
            "value": _json_value(values.get(name)),
            # yuan parameters are read as integer fen
            "unit": "fen" if values.tree[name].unit == "yuan" else values.tree[name].unit,
            "reference": values.reference(name),
        }
        for name in INPUT_PARAMETERS
        if name in values.tree
    }
    return {
        "settle_batch": run.batch_id,
        "region": run.region,
        "year": run.year,
        "parameters": used,
        "dip_fund_fen": run.dip_fund_fen,
        "community_budgets_fen": {c.community_id: c.budget_fen for c in run.budgets},
        # the assessment totals that released the withheld shares (None: pending)
        "assessment_scores": {
            c.community_id: _json_value(c.release.score) for c in run.budgets if c.release
        },
        "input_batches": list(run.input_batches),
    }


def inputs_for(s: Statement, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a run's ``inputs`` that statement ``s`` depends on: the assessment scores
    only release the withheld share of a community's budget, so a community's statement
    names its own score and no other statement names any — an assessment then gives new
    versions of the community statements alone."""
    scores = inputs.get("assessment_scores", {})
    out = {k: v for k, v in inputs.items() if k != "assessment_scores"}
    if s.kind == "community_year":
        out["assessment_scores"] = {k: v for k, v in scores.items() if k == s.subject_id}
    return out


def _fingerprint(inputs: Mapping[str, Any]) -> str:
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _content(s: Statement, fingerprint: str) -> str:
    """The digest that decides whether a statement changed: its lines, name and inputs."""
    lines = [[ln.item, ln.label, ln.amount_fen, ln.value] for ln in s.lines]
    text = json.dumps([s.subject_name, fingerprint, lines], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------- writing


def _stored(wh: Warehouse, region: str | None = None, year: int | None = None) -> pa.Table:
    where = None
    if region is not None:
        where = pc.field("region") == region
    if year is not None:
        by_year = pc.field("year") == year
        where = by_year if where is None else where & by_year
    return wh.read("statements", where=where)


def _latest_contents(stored: pa.Table) -> dict[str, tuple[int, str]]:
    """Statement id → (latest version, its content digest)."""
    out: dict[str, tuple[int, str]] = {}
    for sid, rows in _by_version(stored).items():
        version = max(rows)
        out[sid] = (
            version,
            _content(_statement(rows[version]), rows[version][0]["inputs_fingerprint"]),
        )
    return out


def _by_version(stored: pa.Table) -> dict[str, dict[int, list[dict[str, Any]]]]:
    out: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for r in stored.sort_by([("statement_id", "ascending"), ("line", "ascending")]).to_pylist():
        out.setdefault(r["statement_id"], {}).setdefault(r["version"], []).append(r)
    return out


def _statement(rows: list[dict[str, Any]]) -> Statement:
    first = rows[0]
    return Statement(
        statement_id=first["statement_id"],
        kind=first["kind"],
        region=first["region"],
        year=first["year"],
        month_key=first["month_key"],
        subject_id=first["subject_id"],
        subject_name=first["subject_name"],
        lines=tuple(Line(r["item"], r["label"], r["amount_fen"], r["value"]) for r in rows),
    )


def _rows(
    s: Statement, version: int, fingerprint: str, inputs: str, run: SettlementRun
) -> list[dict]:
    demo = "、".join(run.demo_parameters) or None
    return [
        {
            "statement_id": s.statement_id,
            "version": version,
            "kind": s.kind,
            "region": s.region,
            "year": s.year,
            "month_key": s.month_key,
            "subject_id": s.subject_id,
            "subject_name": s.subject_name,
            "line": i,
            "item": ln.item,
            "label": ln.label,
            "amount_fen": ln.amount_fen,
            "value": ln.value,
            "inputs_fingerprint": fingerprint,
            "settle_batch": run.batch_id,
            "inputs": inputs,
            "demo_parameters": demo,
        }
        for i, ln in enumerate(s.lines, start=1)
    ]


def write_statements(wh: Warehouse, run: SettlementRun, *, root: Path | None = None) -> Written:
    """Store the statements of ``run`` (module docstring); ``root`` is the parameter folder
    the run used. Returns what was written; a re-run with the same inputs writes nothing."""
    orgs = read_in_force(wh, "org_units", Period.year(run.year).end, ["org_id", "name"])
    names = dict(zip(orgs["org_id"].to_pylist(), orgs["name"].to_pylist(), strict=True))
    inputs = inputs_of(run, root)
    with wh.lock():
        latest = _latest_contents(_stored(wh, run.region, run.year))
        rows: list[dict] = []
        unchanged = written = 0
        for s in build_statements(run, names):
            own = inputs_for(s, inputs)
            fingerprint = _fingerprint(own)
            version, content = latest.get(s.statement_id, (0, ""))
            if content == _content(s, fingerprint):
                unchanged += 1
                continue
            written += 1
            inputs_text = json.dumps(own, sort_keys=True, ensure_ascii=False)
            rows += _rows(s, version + 1, fingerprint, inputs_text, run)
        if not rows:
            return Written(None, 0, unchanged)
        digest = hashlib.sha256(
            json.dumps([[r["statement_id"], r["version"]] for r in rows]).encode()
        ).hexdigest()
        batch_id = f"statements-{run.region}-{run.year}-{digest[:24]}"
        table = pa.Table.from_pylist(rows, schema=STATEMENTS.arrow_schema())
        wh.commit("statements", table, batch_id, f"statements:{run.region}:{run.year}")
        return Written(batch_id, written, unchanged)


# ---------------------------------------------------------------- reading


def list_statements(
    wh: Warehouse,
    *,
    region: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    subjects: set[str] | None = None,
) -> list[StoredStatement]:
    """The latest version of every stored statement, optionally of one region, year, kind
    or set of settled units (``subjects``: org ids), in statement-id order."""
    if kind is not None and kind not in KINDS:
        raise StatementError(
            f"未知的结算单类型 {kind}（可选：{'、'.join(KINDS)}） / unknown statement kind {kind}"
        )
    out = []
    for versions in _by_version(_stored(wh, region, year)).values():
        rows = versions[max(versions)]
        first = rows[0]
        if kind is not None and first["kind"] != kind:
            continue
        if subjects is not None and first["subject_id"] not in subjects:
            continue
        out.append(_stored_statement(rows, tuple(sorted(versions))))
    return out


def _stored_statement(rows: list[dict[str, Any]], versions: tuple[int, ...]) -> StoredStatement:
    first = rows[0]
    demo = first["demo_parameters"]
    return StoredStatement(
        statement=_statement(rows),
        version=first["version"],
        versions=versions,
        inputs_fingerprint=first["inputs_fingerprint"],
        settle_batch=first["settle_batch"],
        inputs=json.loads(first["inputs"]),
        demo_parameters=tuple(demo.split("、")) if demo else (),
    )


def read_statement(wh: Warehouse, statement_id: str, version: int | None = None) -> StoredStatement:
    """Version ``version`` (default: the latest) of ``statement_id``; a bilingual
    :class:`StatementError` names what is missing."""
    stored = wh.read("statements", where=pc.field("statement_id") == statement_id)
    versions = _by_version(stored).get(statement_id)
    if not versions:
        raise StatementError(
            f"没有结算单 {statement_id}（用 yigai statements list 查看）/ "
            f"no statement {statement_id} (see yigai statements list)"
        )
    chosen = max(versions) if version is None else version
    if chosen not in versions:
        listed = ", ".join(str(v) for v in sorted(versions))
        raise StatementError(
            f"结算单 {statement_id} 没有第 {chosen} 版（已有：{listed}）/ "
            f"statement {statement_id} has no version {chosen} (stored: {listed})"
        )
    return _stored_statement(versions[chosen], tuple(sorted(versions)))


@dataclass(frozen=True)
class LineChange:
    """One line that differs between two versions (None: absent from that version)."""

    item: str
    label: str
    old_amount_fen: int | None
    new_amount_fen: int | None
    old_value: str | None
    new_value: str | None

    @property
    def delta_fen(self) -> int | None:
        if self.old_amount_fen is None or self.new_amount_fen is None:
            return None
        return self.new_amount_fen - self.old_amount_fen


def diff_statements(old: StoredStatement, new: StoredStatement) -> list[LineChange]:
    """The lines whose amount or value differ between ``old`` and ``new``, by item."""
    before = {ln.item: ln for ln in old.statement.lines}
    after = {ln.item: ln for ln in new.statement.lines}
    changes = []
    for item in [*before, *(i for i in after if i not in before)]:
        a, b = before.get(item), after.get(item)
        if a is not None and b is not None and (a.amount_fen, a.value) == (b.amount_fen, b.value):
            continue
        changes.append(
            LineChange(
                item,
                (b or a).label,  # type: ignore[union-attr]
                None if a is None else a.amount_fen,
                None if b is None else b.amount_fen,
                None if a is None else a.value,
                None if b is None else b.value,
            )
        )
    return changes

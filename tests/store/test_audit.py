"""审计日志: ``audit`` writes who / when / what, inside the caller's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yigai.store import AuditError, AuditLog, audit


def test_audit_records_user_action_object_org_and_time(db_session: Session) -> None:
    entry = audit(db_session, "wang.li", "read", "residents:R001", "county-01", "referral view")
    db_session.commit()
    stored = db_session.scalars(select(AuditLog)).one()
    assert (stored.user, stored.action, stored.object, stored.org_id, stored.detail) == (
        "wang.li",
        "read",
        "residents:R001",
        "county-01",
        "referral view",
    )
    assert stored.at is not None
    assert stored.id == entry.id


def test_audit_rejects_an_unknown_action(db_session: Session) -> None:
    with pytest.raises(AuditError, match="read 或 write"):
        audit(db_session, "wang", "delete", "residents:R001")  # type: ignore[arg-type]


def test_audit_requires_a_user(db_session: Session) -> None:
    with pytest.raises(AuditError, match="操作人"):
        audit(db_session, " ", "write", "residents:R001")


def test_audit_entry_rolls_back_with_the_work_it_describes(db_session: Session) -> None:
    audit(db_session, "wang", "write", "contracts:C1")
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(AuditLog)) == 0

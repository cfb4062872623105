"""审计日志: the helper every read or write of personal data goes through.

The row is added to the caller's session, so the audit entry commits or rolls back with the
work it describes: an access that did not happen leaves no trace, and one that did cannot be
committed without its trace.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from yigai.store.models import AuditLog

Action = Literal["read", "write"]


class AuditError(ValueError):
    """An audit entry that cannot be written as asked."""


def audit(
    session: Session,
    user: str,
    action: Action,
    obj: str,
    org_id: str | None = None,
    detail: str | None = None,
) -> AuditLog:
    """Record that ``user`` did ``action`` (read/write) on ``obj`` within org unit ``org_id``."""
    if action not in ("read", "write"):
        raise AuditError(
            f"审计动作只能是 read 或 write，收到 {action!r} / "
            f"audit action must be 'read' or 'write', got {action!r}"
        )
    if not user or not user.strip():
        raise AuditError("审计记录必须写明操作人 / an audit entry must name the user")
    if not obj or not obj.strip():
        raise AuditError("审计记录必须写明操作对象 / an audit entry must name the object")
    entry = AuditLog(user=user, action=action, object=obj, org_id=org_id, detail=detail)
    session.add(entry)
    session.flush()
    return entry

"""yigai.store — the operational database (业务数据库).

SQLAlchemy 2 models, engines and sessions, and Alembic migrations. SQLite file by default
(``YIGAI_DATABASE_URL`` unset), PostgreSQL via psycopg 3 in production; both are tested.

    from yigai.store import migrate, session_scope, audit
    migrate()                       # upgrade head; safe on every start
    with session_scope() as s:      # commit on success, roll back on error
        audit(s, "wang", "read", "residents:…", org_id="county-1")
"""

from yigai.store.audit import AuditError, audit
from yigai.store.base import Base
from yigai.store.migrate import current_revision, downgrade, head_revision, migrate
from yigai.store.models import (
    AggregateImport,
    AuditLog,
    ReformPlan,
    ReformProgress,
    ReformTask,
    ReformTaskCoDepartment,
    ReportedValue,
)
from yigai.store.models_auth import AuthSession, User, UserRoot
from yigai.store.models_community import (  # noqa: F401  (registers the tables)
    ChronicCase,
    Contract,
    Followup,
    Referral,
    Slot,
    Team,
    TeamMember,
)
from yigai.store.models_manual import ManualScore, ManualScoreImport
from yigai.store.session import database_url, make_engine, session_factory, session_scope

__all__ = [
    "AggregateImport",
    "AuditError",
    "AuditLog",
    "AuthSession",
    "Base",
    "ManualScore",
    "ManualScoreImport",
    "ReformPlan",
    "ReformProgress",
    "ReformTask",
    "ReformTaskCoDepartment",
    "ReportedValue",
    "User",
    "UserRoot",
    "audit",
    "current_revision",
    "database_url",
    "downgrade",
    "head_revision",
    "make_engine",
    "migrate",
    "session_factory",
    "session_scope",
]

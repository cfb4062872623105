"""Alembic environment: run by :func:`yigai.store.migrate`, which passes the connection in.

Used programmatically, without an ``alembic.ini``: the caller puts an open connection in
``config.attributes["connection"]``; offline (SQL script) mode takes ``sqlalchemy.url``.
"""

from __future__ import annotations

from alembic import context

import yigai.store.models
import yigai.store.models_auth  # (each registers its tables on the metadata)
import yigai.store.models_community  # (community service tables)
import yigai.store.models_discharge  # noqa: F401  (settlement at discharge)
from yigai.store.base import Base

config = context.config
target_metadata = Base.metadata

if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes["connection"]
    # Batch mode lets later ALTERs run on SQLite, which rebuilds tables instead.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()

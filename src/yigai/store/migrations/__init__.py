"""Alembic migrations of the operational database; run them with :func:`yigai.store.migrate`."""

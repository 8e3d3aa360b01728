"""Alembic revisions of the critique plugin (its own branch, ``critique``)."""

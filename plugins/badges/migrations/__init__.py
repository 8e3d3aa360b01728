"""Alembic revisions of the badges tables (branch ``badges``)."""

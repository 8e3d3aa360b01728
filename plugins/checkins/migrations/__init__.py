"""Alembic revisions of the check-in tables (branch ``checkins``)."""

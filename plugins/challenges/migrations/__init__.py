"""Alembic revisions of the challenges tables (branch ``challenges``)."""

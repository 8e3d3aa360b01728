"""Alembic revisions of the core tables (branch ``salon_core``)."""

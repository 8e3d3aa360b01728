"""Alembic revisions of the prompts tables (branch ``prompts``)."""

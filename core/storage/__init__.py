"""Storage: the async engine, the core tables and migrations.

Plugins define their tables with the SQLAlchemy re-exported here as ``sa`` and run queries on
the connection a ``Context.transaction()`` (or ``bot.transaction()``, or a job's ``ctx.db``)
gives them, so everything a handler writes commits (or not) together with the inbound-event
ledger. ``bot.read()`` gives a connection for reads only. Times are stored with
``UTCDateTime`` (aware in, aware UTC out, on SQLite and PostgreSQL alike).

Migrations are Alembic revisions in a directory the plugin declares with
``register_migrations``; each plugin is its own branch, so plugins never depend on each other's
revisions. The first revision::

    revision = "myplugin_0001"
    down_revision = None
    branch_labels = ("myplugin",)


    def upgrade() -> None:
        op.create_table("myplugin_notes", sa.Column("id", sa.Integer, primary_key=True), ...)

``salon db upgrade`` applies every branch (or ``database.auto_migrate = true`` at start); a
bot whose database lacks a revision refuses to start and says which command to run.
"""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.storage.engine import Storage, normalize_url
from salon.core.storage.types import UTCDateTime

__all__ = ["AsyncConnection", "Storage", "UTCDateTime", "normalize_url", "sa"]

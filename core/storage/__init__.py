"""Storage: the async engine, the core tables and migrations.

Plugins define their tables with the SQLAlchemy re-exported here as ``sa`` and run queries on the
connection a ``Context.transaction()`` gives them, so everything a handler writes commits (or
not) together with the inbound-event ledger.
"""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.storage.engine import Storage, normalize_url
from salon.core.storage.types import UTCDateTime

__all__ = ["AsyncConnection", "Storage", "UTCDateTime", "normalize_url", "sa"]

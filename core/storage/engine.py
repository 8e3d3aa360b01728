"""The database: one async SQLAlchemy engine, SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from salon.core.errors import AlreadyHandled, ConfigError
from salon.core.storage import tables


def normalize_url(url: str) -> str:
    """Pick the async driver for a plain URL: ``sqlite:///x.db`` → ``sqlite+aiosqlite:///x.db``."""
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url[len("sqlite:") :]
    for prefix in ("postgresql:", "postgres:"):
        if url.startswith(prefix):
            return "postgresql+asyncpg:" + url[len(prefix) :]
    return url


class Storage:
    """Owns the engine; hands out transactions.

    On SQLite every transaction starts with ``BEGIN IMMEDIATE`` so two writers queue on the
    database lock instead of failing half-way with "database is locked" on upgrade.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalize_url(url)
        try:
            self.engine: AsyncEngine = create_async_engine(
                self.url, echo=echo, **_options(self.url)
            )
        except ModuleNotFoundError as error:
            missing = f"database.url: cannot use {self.safe_url!r}: {error.name} is not installed"
            if error.name == "asyncpg":
                missing += "; run `pip install 'salon[postgres]'`"
            raise ConfigError(missing) from None
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as error:
            raise ConfigError(f"database.url: cannot use {self.safe_url!r}: {error}") from None
        if self.is_sqlite:
            _serialize_sqlite_writers(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    @property
    def shared(self) -> bool:
        """Whether several workers may use this database at once (PostgreSQL): then the
        duplicate filter and the awaited replies live in it rather than in memory."""
        return self.is_postgres

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for logs and errors."""
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside one transaction: committed on exit, rolled back on error."""
        async with self.engine.begin() as connection:
            yield connection

    async def ping(self) -> None:
        """Run one query; raises when the database cannot be reached (``/readyz`` asks)."""
        async with self.engine.connect() as connection:
            await connection.execute(sa.select(sa.func.count()).select_from(tables.state))

    async def dispose(self) -> None:
        await self.engine.dispose()

    def insert_ignoring_duplicates(self, table: sa.Table) -> Any:
        """An ``INSERT … ON CONFLICT DO NOTHING`` for this database's dialect."""
        dialect_insert = postgresql.insert if self.is_postgres else sqlite.insert
        return dialect_insert(table).on_conflict_do_nothing()

    def upsert(self, table: sa.Table, keys: list[str]) -> Any:
        """An ``INSERT`` that replaces the row's other columns when ``keys`` match one; call
        ``.values(...)`` on it with every column."""
        return _Upsert(self.is_postgres, table, keys)

    async def record_event(
        self, connection: AsyncConnection, platform: str, event_id: str, now: datetime
    ) -> None:
        """Add an inbound event to the ledger, or raise ``AlreadyHandled`` if it is there."""
        statement = self.insert_ignoring_duplicates(tables.inbound_events).values(
            platform=platform, event_id=event_id, handled_at=now
        )
        result = await connection.execute(statement)
        if result.rowcount == 0:
            raise AlreadyHandled(f"{platform}:{event_id}")

    async def claim_reply(
        self, connection: AsyncConnection, platform: str, event_id: str, now: datetime
    ) -> bool:
        """Claim the answer to an event that changed nothing; ``False`` if a worker (this one
        or another, on a redelivery) answered it already. Claimed in the transaction that
        stores the answer in the outbox, so a worker that dies before the commit leaves the
        event to the next delivery, and one that dies after leaves the answer to the outbox."""
        statement = self.insert_ignoring_duplicates(tables.replied_events).values(
            platform=platform, event_id=event_id, replied_at=now
        )
        result = await connection.execute(statement)
        return bool(result.rowcount)

    async def prune_replied(self, older_than: datetime) -> int:
        """Forget answered events older than any platform redelivers a read-only event."""
        async with self.transaction() as connection:
            result = await connection.execute(
                tables.replied_events.delete().where(
                    tables.replied_events.c.replied_at < older_than
                )
            )
        return result.rowcount

    async def prune_events(self, older_than: datetime) -> int:
        """Forget ledger entries older than any platform redelivers (days, not minutes)."""
        async with self.transaction() as connection:
            result = await connection.execute(
                tables.inbound_events.delete().where(
                    tables.inbound_events.c.handled_at < older_than
                )
            )
        return result.rowcount

    async def get_state(self, key: str, default: Any = None) -> Any:
        async with self.engine.connect() as connection:
            row = (
                await connection.execute(
                    sa.select(tables.state.c.value).where(tables.state.c.key == key)
                )
            ).first()
        return default if row is None else row[0]

    async def set_state(
        self, key: str, value: Any, connection: AsyncConnection | None = None
    ) -> None:
        """Store a small JSON value under ``key`` (in ``connection``'s transaction if given)."""
        if connection is None:
            async with self.transaction() as own:
                await self.set_state(key, value, own)
            return
        await connection.execute(self.upsert(tables.state, ["key"]).values(key=key, value=value))


class _Upsert:
    """``INSERT … ON CONFLICT (keys) DO UPDATE SET`` every other column given to ``values``."""

    def __init__(self, is_postgres: bool, table: sa.Table, keys: list[str]) -> None:
        self.insert = (postgresql.insert if is_postgres else sqlite.insert)(table)
        self.keys = keys

    def many(self, updated: list[str]) -> Any:
        """The statement for ``execute(statement, rows)``: ``updated`` columns are replaced."""
        excluded = self.insert.excluded
        return self.insert.on_conflict_do_update(
            index_elements=self.keys, set_={name: excluded[name] for name in updated}
        )

    def values(self, **columns: Any) -> Any:
        statement = self.insert.values(**columns)
        updated = {name: statement.excluded[name] for name in columns if name not in self.keys}
        return statement.on_conflict_do_update(index_elements=self.keys, set_=updated)


def _options(url: str) -> dict[str, Any]:
    # A fan-out writes a JSON document per member (outbox rows, dialog states): orjson
    # encodes them several times faster than the json module.
    json = {"json_serializer": _json_dumps, "json_deserializer": _json_loads}
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}, **json}
    return {"pool_size": 5, "max_overflow": 5, "pool_pre_ping": True, **json}


def _json_dumps(value: Any) -> str:
    # Keys that are not strings become strings, as the json module makes them.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _json_loads(value: Any) -> Any:
    if not isinstance(value, str | bytes | bytearray | memoryview):
        # As json.loads does: SQLite hands a JSON number back as a number, and SQLAlchemy
        # takes the TypeError to mean "already decoded".
        raise TypeError(f"the JSON object must be str or bytes, not {type(value).__name__}")
    return orjson.loads(value)


def _serialize_sqlite_writers(engine: AsyncEngine) -> None:
    # The sqlite3 module's own transaction handling defers BEGIN; take control of it.
    # https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

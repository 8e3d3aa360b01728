"""``WHERE column IN (…)`` for lists of any length, written the way each database likes best.

SQLite caps the variables of one statement, so long lists go in batches of 500. PostgreSQL
takes the whole list as one array parameter (``column = ANY($1)``): the statement text is
the same for any length, so it is parsed and planned once rather than per batch, and
100,000 ids cost one round trip instead of 200::

    for batch in in_batches(db, person_ids):
        await db.execute(table.delete().where(one_of(db, table.c.person_id, batch)))
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")

#: Values per statement: SQLite's variable limit leaves room for the statement's others.
SQLITE_BATCH = 500
#: Values per statement on PostgreSQL: one array, bounded only to keep statements modest.
POSTGRES_BATCH = 20_000


def in_batches(connection: AsyncConnection, values: Sequence[T]) -> Iterator[list[T]]:
    """``values`` in batches that one ``one_of`` clause on ``connection`` can take."""
    size = POSTGRES_BATCH if _is_postgres(connection) else SQLITE_BATCH
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def one_of(
    connection: AsyncConnection, column: sa.ColumnElement[Any], values: Sequence[Any]
) -> sa.ColumnElement[bool]:
    """``column IN values`` (a batch from ``in_batches``): ``= ANY(array)`` on PostgreSQL."""
    if _is_postgres(connection):
        array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
        return column == sa.any_(array)
    return column.in_(list(values))


def _is_postgres(connection: AsyncConnection) -> bool:
    return connection.dialect.name == "postgresql"

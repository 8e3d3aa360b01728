"""Small storage helpers shared by the prompts modules."""

from __future__ import annotations

from typing import Any

from salon.core.storage import AsyncConnection


async def insert(db: AsyncConnection, statement: Any) -> int:
    """Run an ``INSERT`` and return the new row's id."""
    key = (await db.execute(statement)).inserted_primary_key
    assert key is not None
    return int(key[0])

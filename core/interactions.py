"""Button values and form definitions sent with messages: one core table, with an expiry.

A platform carries only a short token back when a member presses a button (Telegram's 64-byte
``callback_data``, Slack's ``action_id``, a Matrix reaction on a message), so each adapter keeps
what the buttons mean here, under a key it puts in that token: ``remember`` stores a JSON value
and returns its key, ``recall`` gives it back until it expires (``[interactions] expiry_days``,
30 by default), and the bot prunes expired rows hourly. A press whose key is unknown or expired
reaches the router as ``ButtonPress.action == EXPIRED`` and the member hears that it expired.

Keys are digests of what is stored (unless the adapter names the key), so sending the same
buttons again (a resend after ``RetryAfter``, the same menu twice) reuses the row and pushes
its expiry back instead of adding one. Recent rows are also kept in memory: a busy chat's
presses do not each read the database.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any

import attrs
import sqlalchemy as sa

from salon.core.clock import Clock
from salon.core.model import Button
from salon.core.serialization import converter
from salon.core.storage.engine import Storage
from salon.core.storage.tables import interactions

#: ``ButtonPress.action`` of a press on buttons salon no longer knows.
EXPIRED = ""
CACHE_SIZE = 10_000


@attrs.frozen
class Interaction:
    """One stored value: what the adapter sent, and until when it answers presses."""

    key: str
    platform: str
    value: Any
    expires_at: datetime
    space: str | None = None


class Interactions:
    """The interactions table, with a small in-memory cache in front of it."""

    def __init__(self, storage: Storage, clock: Clock, lifetime: timedelta) -> None:
        self.storage = storage
        self.clock = clock
        self.lifetime = lifetime
        self._cache: OrderedDict[str, Interaction] = OrderedDict()

    @staticmethod
    def key_for(platform: str, value: Any) -> str:
        """The key ``remember`` uses for ``value``: 22 URL-safe characters."""
        data = json.dumps([platform, value], sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(data.encode()).digest()[:16]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    async def remember(
        self, platform: str, value: Any, *, key: str | None = None, space: str | None = None
    ) -> str:
        """Store ``value`` (JSON) and return its key; storing it again extends its expiry.

        :param key: the key to store it under (default: a digest of ``platform`` and ``value``).
        :param space: the space it was sent to, for ``latest``.
        """
        key = key or self.key_for(platform, value)
        now = self.clock.now()
        cached = self._cache.get(key)
        if (
            cached is not None
            and cached.value == value
            and cached.expires_at - now > self.lifetime / 2
        ):
            return key  # stored recently: no write per message for a menu sent often
        row = Interaction(key, platform, value, now + self.lifetime, space)
        statement = self.storage.upsert(interactions, ["key"]).values(
            key=key,
            platform=platform,
            space=space,
            value=value,
            created_at=now,
            expires_at=row.expires_at,
        )
        async with self.storage.transaction() as connection:
            await connection.execute(statement)
        self._remember(row)
        return key

    async def remember_buttons(self, platform: str, buttons: tuple[Button, ...]) -> str:
        """Store a message's buttons; the key a press carries back (with the position)."""
        return await self.remember(platform, {"buttons": converter.unstructure(buttons)})

    async def recall_button(self, key: str, position: int) -> Button | None:
        """The button at ``position`` of those stored under ``key``; ``None`` if unknown,
        expired or out of range."""
        value = await self.recall(key)
        if not isinstance(value, dict) or not isinstance(value.get("buttons"), list):
            return None
        buttons = value["buttons"]
        if not 0 <= position < len(buttons):
            return None
        return converter.structure(buttons[position], Button)

    async def recall(self, key: str) -> Any | None:
        """The value stored under ``key``, or ``None`` if it is unknown or has expired."""
        found = await self.get(key)
        return None if found is None else found.value

    async def get(self, key: str, *, expired: bool = False) -> Interaction | None:
        """The row stored under ``key``, or ``None`` if it is unknown or (unless ``expired``)
        has expired; an adapter that can tell "expired" from "not ours" asks with
        ``expired=True`` and compares ``expires_at`` itself."""
        now = self.clock.now()
        found = self._cache.get(key)
        if found is None:
            async with self.storage.engine.connect() as connection:
                row = (
                    await connection.execute(
                        sa.select(interactions).where(interactions.c.key == key)
                    )
                ).first()
            if row is None:
                return None
            found = Interaction(row.key, row.platform, row.value, row.expires_at, row.space)
            self._remember(found)
        return found if expired or found.expires_at > now else None

    def is_expired(self, row: Interaction) -> bool:
        """Whether ``row`` no longer answers presses."""
        return row.expires_at <= self.clock.now()

    async def latest(self, platform: str, space: str) -> Interaction | None:
        """The newest unexpired row stored for ``space`` (Matrix: the last message with
        choices in a room, which a typed number answers)."""
        query = (
            sa.select(interactions)
            .where(
                interactions.c.platform == platform,
                interactions.c.space == space,
                interactions.c.expires_at > self.clock.now(),
            )
            .order_by(interactions.c.created_at.desc())
            .limit(1)
        )
        async with self.storage.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return Interaction(row.key, row.platform, row.value, row.expires_at, row.space)

    async def forget(self, key: str) -> None:
        """Drop the row under ``key`` (its message was edited to show no buttons)."""
        self._cache.pop(key, None)
        async with self.storage.transaction() as connection:
            await connection.execute(interactions.delete().where(interactions.c.key == key))

    async def prune(self) -> int:
        """Delete the expired rows; the number deleted."""
        now = self.clock.now()
        for key in [k for k, row in self._cache.items() if row.expires_at <= now]:
            del self._cache[key]
        async with self.storage.transaction() as connection:
            result = await connection.execute(
                interactions.delete().where(interactions.c.expires_at <= now)
            )
        return int(result.rowcount)

    def _remember(self, row: Interaction) -> None:
        self._cache[row.key] = row
        self._cache.move_to_end(row.key)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

"""Buttons on Matrix: numbered choices waiting for a reaction or a typed number.

Matrix has no buttons, so a message with buttons lists them as 1️⃣ 2️⃣ …; the member reacts with
the keycap or sends the number. What the choices under each message mean lives in the core's
interactions table, one row per message (keyed by room and event), so a restart does not forget
them and they expire like every platform's buttons (``[interactions] expiry_days``). A typed
number answers the latest message with choices in that room; which message that is, is kept in
memory per room (one query the first time a room is seen), so ordinary chat costs no query.
"""

from __future__ import annotations

import attrs

from salon.adapters.matrix.render import PLATFORM
from salon.core import Button
from salon.core.interactions import Interaction, Interactions
from salon.core.serialization import converter

LATEST_CACHED = 5000


@attrs.frozen
class Pending:
    """The choices under one bot message.

    :param reacted: how many keycap reactions the bot has put under the message so far (an
        edit that adds choices adds only the missing keycaps).
    :param expired: the choices are past their expiry; a press is answered as expired.
    """

    event_id: str
    buttons: tuple[Button, ...]
    thread_id: str | None = None
    reacted: int = 0
    expired: bool = False


attrs.resolve_types(Pending)


class PendingButtons:
    """The choices under the bot's messages, in the interactions table."""

    def __init__(self, interactions: Interactions) -> None:
        self.interactions = interactions
        #: room → its latest message with choices (None: it has none), as far as known.
        self._latest: dict[str, Pending | None] = {}

    @staticmethod
    def key(room_id: str, event_id: str) -> str:
        return Interactions.key_for(PLATFORM, [room_id, event_id])

    async def add(self, room_id: str, pending: Pending) -> None:
        """Remember the choices under ``pending.event_id`` (replacing earlier ones)."""
        value = converter.unstructure(attrs.evolve(pending, expired=False))
        key = self.key(room_id, pending.event_id)
        await self.interactions.remember(PLATFORM, value, key=key, space=room_id)
        self._remember_latest(room_id, pending)

    async def remove(self, room_id: str, event_id: str) -> None:
        """Forget the choices under a message (it was edited to show none, or deleted)."""
        await self.interactions.forget(self.key(room_id, event_id))
        latest = self._latest.get(room_id)
        if latest is not None and latest.event_id == event_id:
            self._latest.pop(room_id)  # the one before it is looked up again

    async def get(self, room_id: str, event_id: str) -> Pending | None:
        """The choices under a message, ``expired`` set if they are past their expiry;
        ``None`` if it never had any (or they were pruned)."""
        row = await self.interactions.get(self.key(room_id, event_id), expired=True)
        return None if row is None else self._pending(row)

    async def latest(self, room_id: str) -> Pending | None:
        """The room's latest message with unexpired choices."""
        if room_id in self._latest:
            pending = self._latest[room_id]
        else:
            row = await self.interactions.latest(PLATFORM, room_id)
            pending = None if row is None else self._pending(row)
            self._remember_latest(room_id, pending)
        if pending is not None and await self._is_expired(room_id, pending):
            self._latest.pop(room_id, None)
            return None
        return pending

    async def _is_expired(self, room_id: str, pending: Pending) -> bool:
        row = await self.interactions.get(self.key(room_id, pending.event_id))
        return row is None

    def _pending(self, row: Interaction) -> Pending:
        pending = converter.structure(row.value, Pending)
        return attrs.evolve(pending, expired=self.interactions.is_expired(row))

    def _remember_latest(self, room_id: str, pending: Pending | None) -> None:
        self._latest.pop(room_id, None)
        self._latest[room_id] = pending
        while len(self._latest) > LATEST_CACHED:
            self._latest.pop(next(iter(self._latest)))

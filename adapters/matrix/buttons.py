"""Buttons on Matrix: numbered choices waiting for a reaction or a typed number.

Matrix has no buttons, so a message with buttons lists them as 1️⃣ 2️⃣ …; the member reacts with
the keycap or sends the number. The choices are remembered per room and message (and kept in
salon's state table, so a restart does not forget them); a typed number answers the latest
message with choices in that room.
"""

from __future__ import annotations

from typing import Any

import attrs

from salon.core import Button

STATE_KEY = "matrix.pending_buttons"


@attrs.frozen
class Pending:
    """The choices under one bot message."""

    buttons: tuple[Button, ...]
    thread_id: str | None = None


class PendingButtons:
    """Choices waiting for an answer, oldest forgotten first past ``limit``."""

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self._by_message: dict[tuple[str, str], Pending] = {}
        self._latest: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self._by_message)

    def add(self, room_id: str, event_id: str, pending: Pending) -> None:
        self._by_message[(room_id, event_id)] = pending
        self._latest[room_id] = event_id
        while len(self._by_message) > self.limit:
            old_room, old_event = next(iter(self._by_message))
            self.remove(old_room, old_event)

    def remove(self, room_id: str, event_id: str) -> None:
        """Forget the choices under a message (it was edited to show none)."""
        self._by_message.pop((room_id, event_id), None)
        if self._latest.get(room_id) == event_id:
            del self._latest[room_id]

    def get(self, room_id: str, event_id: str) -> Pending | None:
        return self._by_message.get((room_id, event_id))

    def latest(self, room_id: str) -> tuple[str, Pending] | None:
        event_id = self._latest.get(room_id)
        if event_id is None:
            return None
        return event_id, self._by_message[(room_id, event_id)]

    # --- persistence (a small JSON value in salon's state table) ---------------------------
    def to_json(self) -> list[dict[str, Any]]:
        return [
            {
                "room": room_id,
                "event": event_id,
                "thread": pending.thread_id,
                "buttons": [[b.label, b.action, b.value] for b in pending.buttons],
            }
            for (room_id, event_id), pending in self._by_message.items()
        ]

    def load(self, rows: Any) -> None:
        for row in rows or ():
            buttons = tuple(Button(label, action, value) for label, action, value in row["buttons"])
            self.add(row["room"], row["event"], Pending(buttons, row.get("thread")))

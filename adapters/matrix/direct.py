"""Direct-message rooms, as recorded in the bot's ``m.direct`` account data.

https://spec.matrix.org/v1.11/client-server-api/#direct-messaging: ``m.direct`` maps a user id
to the rooms that are DMs with them. The bot reads it at start, follows changes in sync, and
adds the rooms it creates or is invited to with ``is_direct``, so the next DM reuses the room.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import nio

log = logging.getLogger(__name__)


class DirectRooms:
    """``m.direct``: user id → DM room ids (most recent first)."""

    def __init__(self) -> None:
        self.by_user: dict[str, list[str]] = {}
        self.room_ids: set[str] = set()

    def update(self, content: Mapping[str, Any]) -> None:
        """Replace the mapping with ``content`` (the account data event's content)."""
        self.by_user = {
            user: [room for room in rooms if isinstance(room, str)]
            for user, rooms in content.items()
            if isinstance(rooms, list)
        }
        self.room_ids = {room for rooms in self.by_user.values() for room in rooms}

    def is_direct(self, room_id: str) -> bool:
        return room_id in self.room_ids

    def rooms_of(self, user_id: str) -> list[str]:
        return self.by_user.get(user_id, [])

    async def load(self, client: nio.AsyncClient) -> None:
        response = await client.list_direct_rooms()
        if isinstance(response, nio.DirectRoomsResponse):
            self.update(response.rooms)
        # DirectRoomsErrorResponse: M_NOT_FOUND until the first DM is recorded.

    async def add(self, client: nio.AsyncClient, user_id: str, room_id: str) -> None:
        """Record ``room_id`` as the DM with ``user_id`` (here at once, on the server too)."""
        rooms = [room_id, *(r for r in self.rooms_of(user_id) if r != room_id)]
        self.by_user[user_id] = rooms
        self.room_ids.add(room_id)
        path = f"/_matrix/client/v3/user/{quote(client.user_id, safe='')}/account_data/m.direct"
        headers = {
            "Authorization": f"Bearer {client.access_token}",
            "Content-Type": "application/json",
        }
        try:
            response = await client.send("PUT", path, json.dumps(self.by_user), headers)
            status = response.status
            response.release()
        except Exception as error:  # the room works; only the bookkeeping failed
            log.warning("matrix: could not record DM room %s in m.direct: %s", room_id, error)
            return
        if status != 200:
            log.warning("matrix: could not record DM room %s in m.direct: HTTP %s", room_id, status)

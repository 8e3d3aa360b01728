"""Who and where: member display names (``users.info``) and DM channels
(``conversations.open``), cached so a busy channel costs one lookup per member."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

#: Names change rarely; look them up again after this long.
NAME_TTL = 3600.0
MAX_CACHED = 10_000


class Directory:
    """Caches of the workspace's names and the bot's DM channels."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._names: dict[str, tuple[str, float]] = {}
        self._dms: dict[str, str] = {}

    async def display_name(self, user_id: str) -> str:
        """The member's display name (falling back to the real name, then the handle)."""
        cached = self._names.get(user_id)
        now = time.monotonic()
        if cached is not None and now - cached[1] < NAME_TTL:
            return cached[0]
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            # A name is nice to have; never let it stop the message itself.
            log.warning("users.info for %s failed: %s", user_id, error.response.get("error"))
            return cached[0] if cached else user_id
        name = _name_of(response.get("user") or {}) or user_id
        if len(self._names) >= MAX_CACHED:
            self._names.pop(next(iter(self._names)))
        self._names[user_id] = (name, now)
        return name

    async def dm_channel(self, user_id: str) -> str:
        """The id of the bot's DM channel with ``user_id`` (opened on first use)."""
        channel = self._dms.get(user_id)
        if channel is None:
            response = await self.client.conversations_open(users=user_id)
            channel = str(response["channel"]["id"])
            self._dms[user_id] = channel
        return channel


def _name_of(user: dict[str, Any]) -> str:
    profile = user.get("profile") or {}
    for name in (profile.get("display_name"), profile.get("real_name"), user.get("real_name")):
        if name:
            return str(name)
    return str(user.get("name") or "")

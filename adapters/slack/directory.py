"""Who and where: member display names (``users.info``) and DM channels
(``conversations.open``), cached so a busy channel costs one lookup per member."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from salon.adapters.slack.config import PLATFORM
from salon.core import Member, MemberRef

log = logging.getLogger(__name__)

#: Names change rarely; look them up again after this long.
NAME_TTL = 3600.0
MAX_CACHED = 10_000


class Directory:
    """Caches of the workspace's names and the bot's DM channels."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._members: dict[str, tuple[Member, float]] = {}
        self._dms: dict[str, str] = {}

    async def member(self, user_id: str) -> Member:
        """The member with their display name (falling back to the real name, then handle)."""
        cached = self._members.get(user_id)
        now = time.monotonic()
        if cached is not None and now - cached[1] < NAME_TTL:
            return cached[0]
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            # A name is nice to have; never let it stop the message itself.
            log.warning("users.info for %s failed: %s", user_id, error.response.get("error"))
            return cached[0] if cached else Member(MemberRef(PLATFORM, user_id), user_id)
        name = _name_of(response.get("user") or {}) or user_id
        if len(self._members) >= MAX_CACHED:
            self._members.pop(next(iter(self._members)))
        member = Member(MemberRef(PLATFORM, user_id), display_name=name)
        self._members[user_id] = (member, now)
        return member

    async def channel_name(self, channel_id: str) -> str:
        """A channel's name (``conversations.info``), or ``""`` if Slack will not say."""
        try:
            response = await self.client.conversations_info(channel=channel_id)
        except SlackApiError as error:
            log.warning(
                "conversations.info for %s failed: %s", channel_id, error.response.get("error")
            )
            return ""
        return str((response.get("channel") or {}).get("name") or "")

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

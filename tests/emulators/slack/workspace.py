"""The emulated workspace: team, bot, users, channels, their messages and uploaded files."""

from __future__ import annotations

import itertools
import mimetypes
import time
from typing import Any

import attrs

BOT_SCOPES = (
    "app_mentions:read,channels:history,channels:read,chat:write,commands,files:read,files:write,"
    "groups:history,im:history,im:read,im:write,reactions:write,users:read"
)


@attrs.frozen
class User:
    """A Slack user (``U…``); the bot is one too, with ``is_bot`` set."""

    id: str
    name: str
    team_id: str
    real_name: str = ""
    tz: str = "UTC"
    email: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        """The ``user`` object as ``users.info`` returns it."""
        real_name = self.real_name or self.name
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": False,
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": 0,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "profile": {
                "real_name": real_name,
                "display_name": self.name,
                "email": self.email,
                "team": self.team_id,
            },
        }


@attrs.frozen
class Channel:
    """A conversation: public or private channel (``C…``) or direct message (``D…``)."""

    id: str
    name: str
    is_im: bool = False
    is_private: bool = False
    user: str | None = None
    created: int = attrs.field(factory=lambda: int(time.time()))

    def to_api(self) -> dict[str, Any]:
        """The ``channel`` object as ``conversations.info`` returns it."""
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.user,
                "is_user_deleted": False,
            }
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "created": self.created,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": False,
            "is_general": self.name == "general",
            "is_member": True,
        }


@attrs.define
class UploadedFile:
    """A file from ``files.getUploadURLExternal`` to ``files.completeUploadExternal``."""

    id: str
    filename: str
    length: int
    upload_key: str
    content: bytes | None = None
    title: str | None = None
    channels: list[str] = attrs.field(factory=list)
    thread_ts: str | None = None
    initial_comment: str | None = None
    #: The user who uploaded it (a member's file); None for the bot's own uploads.
    user: str | None = None
    mimetype: str | None = None
    #: Where ``url_private`` points (set by the Web API, which knows its base URL).
    url_private: str = ""

    @property
    def is_shared(self) -> bool:
        """Whether ``files.completeUploadExternal`` shared it somewhere."""
        return bool(self.channels)

    def to_api(self, shared_ts: str | None = None) -> dict[str, Any]:
        """The ``file`` object as ``files.completeUploadExternal`` returns it."""
        mimetype = (
            self.mimetype or mimetypes.guess_type(self.filename)[0] or "application/octet-stream"
        )
        return {
            "id": self.id,
            "created": int(time.time()),
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": mimetype,
            "filetype": (self.filename.rpartition(".")[2] or "binary").lower(),
            "pretty_type": mimetype,
            "user": self.user,
            "mode": "hosted",
            "is_external": False,
            "size": len(self.content or b""),
            "url_private": self.url_private,
            "url_private_download": self.url_private + "?download=1" if self.url_private else "",
            "channels": [c for c in self.channels if c.startswith("C")],
            "ims": [c for c in self.channels if c.startswith("D")],
            "shares": {"public": {c: [{"ts": shared_ts}] for c in self.channels}},
        }


@attrs.define
class Workspace:
    """One team with its bot, users and channels; mutated by the Web API and by test helpers.

    Defaults give a usable workspace out of the box: team ``T0SALON``, bot user ``U0BOT``
    (bot id ``B0BOT``, app ``A0SALON``), user ``U0ALICE`` and channel ``C0GENERAL`` (#general).
    """

    team_id: str = "T0SALON"
    team_name: str = "Salon Test"
    domain: str = "salon-test"
    app_id: str = "A0SALON"
    bot_id: str = "B0BOT"
    bot_user: User = attrs.field(
        factory=lambda: User(id="U0BOT", name="salon", team_id="T0SALON", is_bot=True)
    )
    users: dict[str, User] = attrs.field(factory=dict)
    channels: dict[str, Channel] = attrs.field(factory=dict)
    messages: dict[str, dict[str, dict[str, Any]]] = attrs.field(factory=dict)
    files: dict[str, UploadedFile] = attrs.field(factory=dict)
    _ids: itertools.count[int] = attrs.field(factory=lambda: itertools.count(1))
    _last_ts_us: int = 0

    def __attrs_post_init__(self) -> None:
        self.users[self.bot_user.id] = self.bot_user
        self.add_user("alice", id="U0ALICE", real_name="Alice Example")
        self.add_channel("general", id="C0GENERAL")

    # ids and timestamps -------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """A fresh Slack-looking id: ``prefix`` then upper-case alphanumerics."""
        return f"{prefix}0{next(self._ids):08X}"

    def next_ts(self) -> str:
        """A message ``ts``: seconds.microseconds, strictly increasing like Slack's."""
        now_us = max(int(time.time() * 1_000_000), self._last_ts_us + 1)
        self._last_ts_us = now_us
        return f"{now_us // 1_000_000}.{now_us % 1_000_000:06d}"

    # users and channels -------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        *,
        id: str | None = None,
        real_name: str = "",
        tz: str = "UTC",
        email: str | None = None,
        is_bot: bool = False,
    ) -> User:
        """Add (or replace) a user and return it."""
        user = User(
            id=id or self.new_id("U"),
            name=name,
            team_id=self.team_id,
            real_name=real_name,
            tz=tz,
            email=email,
            is_bot=is_bot,
        )
        self.users[user.id] = user
        return user

    def add_channel(self, name: str, *, id: str | None = None, is_private: bool = False) -> Channel:
        """Add (or replace) a channel the bot is a member of and return it."""
        channel = Channel(
            id=id or self.new_id("G" if is_private else "C"), name=name, is_private=is_private
        )
        self.channels[channel.id] = channel
        return channel

    def open_dm(self, user_id: str) -> Channel:
        """The bot's DM channel with ``user_id``, created on first use like Slack does."""
        for channel in self.channels.values():
            if channel.is_im and channel.user == user_id:
                return channel
        channel = Channel(id=self.new_id("D"), name=user_id, is_im=True, user=user_id)
        self.channels[channel.id] = channel
        return channel

    def resolve_channel(self, channel_or_user: str) -> Channel | None:
        """A channel by id; a user id resolves to the DM with that user, as in chat.postMessage."""
        if channel_or_user in self.channels:
            return self.channels[channel_or_user]
        if channel_or_user in self.users:
            return self.open_dm(channel_or_user)
        return None

    # messages -----------------------------------------------------------------------------

    def store_message(self, channel_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """Keep a message in the channel's history (by ``ts``) so later calls can find it."""
        self.messages.setdefault(channel_id, {})[message["ts"]] = message
        return message

    def find_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        """A stored message, or None."""
        return self.messages.get(channel_id, {}).get(ts)

    def history(self, channel_id: str) -> list[dict[str, Any]]:
        """The channel's messages, oldest first."""
        return sorted(self.messages.get(channel_id, {}).values(), key=lambda m: float(m["ts"]))

    def auth_test(self) -> dict[str, Any]:
        """The body of a successful ``auth.test`` for the bot token."""
        return {
            "url": f"https://{self.domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_user.name,
            "team_id": self.team_id,
            "user_id": self.bot_user.id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

"""``[adapters.matrix]``: which homeserver, which account, whose invites to accept."""

from __future__ import annotations

import re
from typing import Any

import attrs

_USER_ID = re.compile(r"^@[^:\s]+:\S+$")
_SERVER = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")


def _homeserver(_instance: Any, _attribute: Any, value: str) -> None:
    if not value.startswith(("http://", "https://")):
        raise ValueError(
            f"adapters.matrix.homeserver: expected an http(s) URL such as "
            f"https://matrix.example.org, got {value!r}"
        )


def _user_id(_instance: Any, attribute: Any, value: str) -> None:
    if value and not _USER_ID.match(value):
        raise ValueError(
            f"adapters.matrix.{attribute.name}: expected a user id like @salon:example.org, "
            f"got {value!r}"
        )


def _user_ids(instance: Any, attribute: Any, values: tuple[str, ...]) -> None:
    for value in values:
        _user_id(instance, attribute, value)


def _servers(_instance: Any, _attribute: Any, values: tuple[str, ...]) -> None:
    for value in values:
        if not _SERVER.match(value):
            raise ValueError(
                f"adapters.matrix.allowed_servers: expected server names like example.org, "
                f"got {value!r}"
            )


@attrs.frozen
class MatrixConfig:
    """``[adapters.matrix]``. The access token or password comes from the environment."""

    #: The homeserver's client-server API base URL.
    homeserver: str = attrs.field(validator=_homeserver)
    #: The bot's account. Needed to log in with a password; with an access token it is
    #: looked up (``/whoami``) when left out.
    user_id: str = attrs.field(default="", validator=_user_id)
    #: The device name shown in members' security settings (password login only).
    device_name: str = "salon"
    #: Members whose room invites the bot accepts.
    allowed_inviters: tuple[str, ...] = attrs.field(default=(), validator=_user_ids)
    #: Homeservers whose members' invites the bot accepts. When both lists are empty, only
    #: members of the bot's own homeserver may invite it.
    allowed_servers: tuple[str, ...] = attrs.field(default=(), validator=_servers)
    #: How long one sync long-poll waits for new events on the server.
    sync_timeout_ms: int = 30_000

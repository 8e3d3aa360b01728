"""``[adapters.matrix]``: which homeserver, which account, whose invites to accept."""

from __future__ import annotations

import re

import attrs

from salon.core import ConfigError

_USER_ID = re.compile(r"^@[^:\s]+:\S+$")
_SERVER = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")


@attrs.frozen
class MatrixConfig:
    """``[adapters.matrix]``. The access token or password comes from the environment."""

    #: The homeserver's client-server API base URL.
    homeserver: str
    #: The bot's account. Needed to log in with a password; with an access token it is
    #: looked up (``/whoami``) when left out.
    user_id: str = ""
    #: The device name shown in members' security settings (password login only).
    device_name: str = "salon"
    #: Members whose room invites the bot accepts.
    allowed_inviters: tuple[str, ...] = ()
    #: Homeservers whose members' invites the bot accepts. When both lists are empty, only
    #: members of the bot's own homeserver may invite it.
    allowed_servers: tuple[str, ...] = ()
    #: How long one sync long-poll waits for new events on the server.
    sync_timeout_ms: int = 30_000

    def check(self) -> None:
        """Raise ``ConfigError`` naming the first key whose value cannot work."""
        where = "adapters.matrix"
        if not self.homeserver.startswith(("http://", "https://")):
            raise ConfigError(
                f"{where}.homeserver: expected an http(s) URL such as "
                f"https://matrix.example.org, got {self.homeserver!r}"
            )
        for key, values in (
            ("user_id", (self.user_id,)),
            ("allowed_inviters", self.allowed_inviters),
        ):
            for value in values:
                if value and not _USER_ID.match(value):
                    raise ConfigError(
                        f"{where}.{key}: expected a user id like @salon:example.org, got {value!r}"
                    )
        for server in self.allowed_servers:
            if not _SERVER.match(server):
                raise ConfigError(
                    f"{where}.allowed_servers: expected server names like example.org, "
                    f"got {server!r}"
                )
        if self.sync_timeout_ms < 0:
            raise ConfigError(f"{where}.sync_timeout_ms: expected a number of milliseconds >= 0")

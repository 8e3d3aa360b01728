"""Logging in: an access token (checked with ``whoami``) or a password (reusing the device)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nio

from salon.core import ConfigError

if TYPE_CHECKING:
    from salon.adapters.matrix.adapter import MatrixAdapter


class HomeserverUnavailable(Exception):
    """The homeserver, or the reverse proxy in front of it, answered 5xx: down or restarting."""


def raise_if_unavailable(response: Any) -> None:
    """Raise ``HomeserverUnavailable`` for nio's error response to a 5xx answer."""
    transport = getattr(response, "transport_response", None)
    status = getattr(transport, "status", None)
    if isinstance(status, int) and status >= 500:
        raise HomeserverUnavailable(f"HTTP {status}")


async def log_in(adapter: MatrixAdapter) -> None:
    """Authenticate ``adapter.client`` from the environment and settle ``adapter.user_id``.

    :raises ConfigError: no secret is set, or the homeserver refused it.
    :raises HomeserverUnavailable: it answered 5xx (the caller retries).
    """
    token = adapter.secret("SALON_MATRIX_ACCESS_TOKEN")
    password = adapter.secret("SALON_MATRIX_PASSWORD")
    client = adapter.client
    if token is not None:
        client.access_token = token.reveal()
        whoami = await client.whoami()
        raise_if_unavailable(whoami)
        if not isinstance(whoami, nio.WhoamiResponse):
            raise ConfigError(
                f"adapters.matrix: {adapter.config.homeserver} refused the access token in "
                f"SALON_MATRIX_ACCESS_TOKEN ({whoami})"
            )
        if adapter.user_id and whoami.user_id != adapter.user_id:
            raise ConfigError(
                f"adapters.matrix.user_id: is {adapter.user_id}, but the access token "
                f"belongs to {whoami.user_id}"
            )
        adapter.user_id = client.user_id = whoami.user_id
        client.device_id = whoami.device_id
    elif password is not None:
        if not adapter.user_id:
            raise ConfigError("adapters.matrix.user_id: needed to log in with a password")
        # Reuse the device of the last login, so restarts do not pile up devices.
        storage = adapter.bot
        device_key = adapter.state_key("device_id")
        client.device_id = await storage.get_state(device_key) or ""
        login = await client.login(password.reveal(), device_name=adapter.config.device_name)
        raise_if_unavailable(login)
        if not isinstance(login, nio.LoginResponse):
            raise ConfigError(
                f"adapters.matrix: logging in as {adapter.user_id} failed ({login}); "
                "check SALON_MATRIX_PASSWORD"
            )
        await storage.set_state(device_key, login.device_id)
    else:
        raise ConfigError("adapters.matrix: set SALON_MATRIX_ACCESS_TOKEN or SALON_MATRIX_PASSWORD")

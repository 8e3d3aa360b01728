"""``[adapters.telegram]``: how to reach the Bot API and how updates arrive.

The bot token (``SALON_TELEGRAM_TOKEN``) and the webhook secret
(``SALON_TELEGRAM_WEBHOOK_SECRET``) come from the environment, never from this table.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

TOKEN_VARIABLE = "SALON_TELEGRAM_TOKEN"
WEBHOOK_SECRET_VARIABLE = "SALON_TELEGRAM_WEBHOOK_SECRET"


def _http_url(_instance: Any, attribute: Any, value: str) -> None:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError(
            f"adapters.telegram.{attribute.name}: expected an http(s) URL, got {value!r}"
        )


def _path(_instance: Any, _attribute: Any, value: str) -> None:
    if not value.startswith("/"):
        raise ValueError(
            f"adapters.telegram.webhook_path: expected a path like /telegram, got {value!r}"
        )


def _mode(_instance: Any, _attribute: Any, value: str) -> None:
    if value not in ("polling", "webhook"):
        raise ValueError(f"adapters.telegram.mode: expected 'polling' or 'webhook', got {value!r}")


def _positive(_instance: Any, attribute: Any, value: int) -> None:
    if not 0 <= value <= 50:
        raise ValueError(f"adapters.telegram.{attribute.name}: expected 0-50 seconds, got {value}")


@attrs.frozen
class TelegramConfig:
    """``[adapters.telegram]``."""

    #: ``"polling"`` (long-poll ``getUpdates``; works anywhere) or ``"webhook"`` (Telegram
    #: POSTs updates to salon's web server; needs a public HTTPS URL).
    mode: Literal["polling", "webhook"] = attrs.field(default="polling", validator=_mode)
    #: The Bot API base URL; PTB appends the token. Tests point it at the emulator.
    base_url: str = attrs.field(default="https://api.telegram.org/bot", validator=_http_url)
    #: The file download base URL.
    base_file_url: str = attrs.field(
        default="https://api.telegram.org/file/bot", validator=_http_url
    )
    #: Webhook mode: the public URL Telegram posts to (it must reach ``webhook_path`` on
    #: salon's web server). Set, salon calls ``setWebhook`` at start-up; empty, you call it.
    webhook_url: str = attrs.field(default="", validator=_http_url)
    #: Webhook mode: where the route is mounted on salon's web server.
    webhook_path: str = attrs.field(default="/telegram/webhook", validator=_path)
    #: Polling mode: how long one ``getUpdates`` long poll waits on Telegram, in seconds.
    poll_timeout: int = attrs.field(default=30, validator=_positive)

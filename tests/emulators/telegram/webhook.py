"""Webhook delivery: POST each pending update to the bot's URL, as Telegram does.

https://core.telegram.org/bots/api#setwebhook: updates go out as a JSON ``Update`` body, with
``X-Telegram-Bot-Api-Secret-Token`` when a ``secret_token`` was set; a non-2xx answer leaves the
update pending and is retried, and shows up in ``getWebhookInfo.last_error_message``. The body
of a 2xx answer may itself be a Bot API call (``{"method": "sendMessage", ...}``), which Telegram
executes. Unlike Telegram, plain ``http://127.0.0.1`` URLs are accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import httpx

from .updates import UpdateQueue

__all__ = ["WebhookDelivery", "WebhookSender"]

_LOG = logging.getLogger(__name__)
_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

MethodRunner = Callable[[str, dict[str, Any]], Awaitable[object]]


@attrs.frozen
class WebhookDelivery:
    """One POST of an update to the webhook and how it went."""

    url: str
    update: dict[str, Any]
    headers: dict[str, str]
    status_code: int | None
    error: str | None


@attrs.define
class WebhookSender:
    """Owns the background task that drains the update queue into the webhook."""

    queue: UpdateQueue
    run_method: MethodRunner
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    deliveries: list[WebhookDelivery] = attrs.Factory(list)
    retry_delay: float = 0.05
    #: Updates posted at once (Telegram uses up to ``max_connections``); 1 keeps them in order.
    parallel: int = 1
    _task: asyncio.Task[None] | None = None
    _in_flight: set[int] = attrs.Factory(set)

    @property
    def is_set(self) -> bool:
        """Whether a webhook URL is active (``getUpdates`` then answers 409)."""
        return bool(self.url)

    async def set(self, url: str, secret_token: str | None, max_connections: int) -> None:
        """Point delivery at ``url`` (restarting the sender)."""
        await self.clear()
        self.url, self.secret_token, self.max_connections = url, secret_token, max_connections
        self._task = asyncio.create_task(self._deliver(), name=f"telegram-webhook {url}")

    async def clear(self) -> None:
        """Stop delivering; pending updates stay for ``getUpdates``."""
        self.url, self.secret_token = "", None
        self.last_error_date = self.last_error_message = None
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver(self) -> None:
        headers = {"Content-Type": "application/json"}
        if self.secret_token:
            headers[_SECRET_HEADER] = self.secret_token
        self._in_flight.clear()
        async with httpx.AsyncClient(timeout=10) as client:
            lanes = min(max(self.parallel, 1), self.max_connections)
            await asyncio.gather(*(self._lane(client, headers) for _ in range(lanes)))

    async def _lane(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        delay = self.retry_delay
        while (update := await self.queue.wait_for_pending(self._in_flight)) is not None:
            self._in_flight.add(update["update_id"])
            status, error, reply = None, None, None
            try:
                response = await client.post(self.url, json=update, headers=headers)
                status = response.status_code
                if response.is_success:
                    reply = response.content
                else:
                    error = f"Wrong response from the webhook: {status} {response.reason_phrase}"
            except httpx.HTTPError as exc:
                error = str(exc) or type(exc).__name__
            self.deliveries.append(WebhookDelivery(self.url, update, dict(headers), status, error))
            self._in_flight.discard(update["update_id"])
            if error is None:
                self.queue.remove(update["update_id"])
                delay = self.retry_delay
                await self._run_reply(reply)
                continue
            self.last_error_date, self.last_error_message = int(time.time()), error
            # Telegram backs off before retrying a failing webhook; so do we, briefly.
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def _run_reply(self, body: bytes | None) -> None:
        """Execute a Bot API call returned in the webhook response body, if any."""
        if not body:
            return
        try:
            call = json.loads(body)
        except ValueError:
            return
        if isinstance(call, dict) and isinstance(call.get("method"), str):
            method = call.pop("method")
            try:
                await self.run_method(method, call)
            except Exception:  # Telegram gives the bot no feedback here either
                _LOG.info("webhook reply %s failed", method, exc_info=True)

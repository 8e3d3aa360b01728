"""Webhook mode: Telegram POSTs each update to a route on salon's web server.

Telegram sends the ``secret_token`` given to ``setWebhook`` in the
``X-Telegram-Bot-Api-Secret-Token`` header (https://core.telegram.org/bots/api#setwebhook).
A request without the right secret gets 401 and is not read any further. The update is handled
before answering 200, so a crash mid-way makes Telegram deliver it again (the core applies it
once); an update that fails inside salon is reported and still acknowledged, since delivering
it again would fail the same way.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

import telegram
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookEndpoint:
    """The Starlette route that turns a POSTed update into ``handle(update)``."""

    def __init__(
        self,
        path: str,
        secret: str,
        ptb: telegram.Bot,
        handle: Callable[[Update], Awaitable[None]],
        report_error: Callable[[BaseException, str], Awaitable[object]],
    ) -> None:
        self.path = path
        self._secret = secret.encode()
        self.ptb = ptb
        self.handle = handle
        self.report_error = report_error
        self.ready = False

    def route(self) -> Route:
        return Route(self.path, self.receive, methods=["POST"])

    async def receive(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning(
                "telegram webhook: request without the right secret from %s", request.client
            )
            return Response(status_code=401)
        if not self.ready:
            return Response(status_code=503)  # Telegram retries once salon has started
        try:
            update = Update.de_json(json.loads(await request.body()), self.ptb)
        except Exception as error:
            # It came with the secret, so from Telegram: refusing it would only make Telegram
            # send it again, holding back the updates after it. Skip it for good.
            log.warning(
                "telegram webhook: skipped an update that could not be read (%s: %s)",
                type(error).__name__,
                error,
            )
            return Response(status_code=200)
        try:
            await self.handle(update)
        except Exception as error:
            await self.report_error(error, f"telegram update {update.update_id}")
        return Response(status_code=200)

"""The bolt middleware through which every Slack request reaches salon.

By the time it runs, bolt has checked the signature and timestamp (HTTP mode), answered
``url_verification``, resolved the workspace and dropped the bot's own events. salon's router
is the only dispatcher that matters, so rather than registering one bolt listener per kind
(and paying bolt's listener matching and argument injection on every request) this middleware
recognises the kinds salon handles, starts the work in an owned background task and
acknowledges at once: Slack gets its ack well inside the 3-second window however long the
command takes. Anything else (a foreign slash command, another app's modal) goes on down
bolt's chain.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

Handler = Callable[[dict[str, Any]], None]
log = logging.getLogger(__name__)


class AckAndHandOver(AsyncMiddleware):
    """Acknowledge and hand over events, the slash command, button clicks and form submissions.

    :param events: handlers by inner event type (``message``, ``app_mention``, …); they must
        only look at the payload and spawn work, never await it.
    :param view_prefix: the ``callback_id`` prefix of salon's own modals; their
        ``view_submission`` goes to ``on_view_submission``. An empty ack closes the modal.
    """

    def __init__(
        self,
        *,
        events: Mapping[str, Handler],
        slash_command: str,
        on_command: Handler,
        on_block_actions: Handler,
        view_prefix: str,
        on_view_submission: Handler,
    ) -> None:
        self.events = dict(events)
        self.slash_command = slash_command
        self.on_command = on_command
        self.on_block_actions = on_block_actions
        self.view_prefix = view_prefix
        self.on_view_submission = on_view_submission

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        body = req.body
        kind = body.get("type")
        event = body.get("event")
        if kind == "event_callback" and isinstance(event, dict):
            # Ack every event we are subscribed to, handled or not: an unacked event is
            # retried by Slack and, if that keeps happening, the subscription is disabled.
            handler = self.events.get(str(event.get("type")))
        elif kind == "block_actions":
            handler = self.on_block_actions
        elif kind == "view_submission" and _is_own_view(body.get("view"), self.view_prefix):
            handler = self.on_view_submission
        elif kind is None and body.get("command") == self.slash_command:
            handler = self.on_command
        else:
            return await next()
        if handler is not None:
            try:
                handler(body)
            except Exception:
                # A payload we misread: acked all the same, since Slack would only send it
                # again, and failing every retry would get the subscription disabled.
                log.exception("could not read a Slack %s payload", kind or "slash command")
        return BoltResponse(status=200, body="")


def _is_own_view(view: object, prefix: str) -> bool:
    callback_id = view.get("callback_id") if isinstance(view, dict) else None
    return isinstance(callback_id, str) and callback_id.startswith(prefix)

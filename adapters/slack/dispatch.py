"""The bolt middleware through which every Slack request reaches salon.

By the time it runs, bolt has checked the signature and timestamp (HTTP mode), answered
``url_verification``, resolved the workspace and dropped the bot's own events. salon's router
is the only dispatcher that matters, so rather than registering one bolt listener per kind
(and paying bolt's listener matching and argument injection on every request) this middleware
recognises the kinds salon handles and hands the work to the ``Inbox`` (inbox.py), which
returns once the work is done or, for a slow command, durably recorded; then it acknowledges.
Slack gets its ack inside the 3-second window however long the command takes, and a crash
after the ack loses nothing. Anything else (a foreign slash command, another app's modal) goes
on down bolt's chain.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from salon.adapters.slack.inbox import Inbox, Work

#: Looks at a payload and returns the work to do for it (``None``: nothing to do); it must not
#: await anything itself.
Handler = Callable[[dict[str, Any]], Work | None]
#: ``AckAndHandOver.handler_for``: a payload salon does not handle.
NOT_OURS = object()
log = logging.getLogger(__name__)


class AckAndHandOver(AsyncMiddleware):
    """Acknowledge and hand over events, the slash command, button clicks and form submissions.

    :param events: handlers by inner event type (``message``, ``app_mention``, …).
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
        inbox: Inbox,
    ) -> None:
        self.events = dict(events)
        self.slash_command = slash_command
        self.on_command = on_command
        self.on_block_actions = on_block_actions
        self.view_prefix = view_prefix
        self.on_view_submission = on_view_submission
        self.inbox = inbox

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        body = req.body
        handler = self.handler_for(body)
        if handler is NOT_OURS:
            return await next()
        work = self.work_for(body, handler)
        if work is not None:
            await self.inbox.take(body, work)
        return BoltResponse(status=200, body="")

    def handler_for(self, body: dict[str, Any]) -> Any:
        """The handler for this payload, ``None`` (ours, nothing to do) or ``NOT_OURS``."""
        kind = body.get("type")
        event = body.get("event")
        if kind == "event_callback" and isinstance(event, dict):
            # Ack every event we are subscribed to, handled or not: an unacked event is
            # retried by Slack and, if that keeps happening, the subscription is disabled.
            return self.events.get(str(event.get("type")))
        if kind == "block_actions":
            return self.on_block_actions
        if kind == "view_submission" and _is_own_view(body.get("view"), self.view_prefix):
            return self.on_view_submission
        if kind is None and body.get("command") == self.slash_command:
            return self.on_command
        return NOT_OURS

    def work_for(self, body: dict[str, Any], handler: Any = None) -> Work | None:
        """What to do for ``body`` (also for the inbox's replay after a restart)."""
        if handler is None:
            handler = self.handler_for(body)
        if handler is None or handler is NOT_OURS:
            return None
        try:
            work: Work | None = handler(body)
        except Exception:
            # A payload we misread: acked all the same, since Slack would only send it
            # again, and failing every retry would get the subscription disabled.
            log.exception("could not read a Slack %s payload", body.get("type") or "command")
            return None
        return work


def _is_own_view(view: object, prefix: str) -> bool:
    callback_id = view.get("callback_id") if isinstance(view, dict) else None
    return isinstance(callback_id, str) and callback_id.startswith(prefix)

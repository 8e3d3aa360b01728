"""The Events API route: check who sent a request before reading what it says.

slack-bolt parses a request's body before it checks the signature, so unauthenticated garbage
(``[1,2,3]``, a truncated object, JSON nested 50,000 deep) raised inside bolt and came back as a
500 with a traceback in the log. This route does what Slack asks in a fixed order
(https://api.slack.com/authentication/verifying-requests-from-slack):

1. refuse a body over ``MAX_BODY`` (Slack's payloads are a few kilobytes) before reading more;
2. check ``X-Slack-Request-Timestamp`` (within five minutes) and the HMAC in
   ``X-Slack-Signature`` over the raw bytes: anything else is a bare 401, logged at debug;
3. only then let bolt parse and dispatch. A correctly signed body that cannot be read gets a
   400 with ``X-Slack-No-Retry: 1`` (https://api.slack.com/apis/events-api#retries), so Slack
   does not send it again, and one warning line.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
#: Slack's replay window for ``X-Slack-Request-Timestamp``.
MAX_AGE = 5 * 60
NO_RETRY = {"X-Slack-No-Retry": "1"}


class TooLarge(Exception):
    """The body is over ``MAX_BODY``."""


class EventsRoute:
    """The ASGI endpoint for events, slash commands and interactions (they share one URL)."""

    def __init__(self, app: AsyncApp, signing_secret: str) -> None:
        self.app = app
        self._secret = signing_secret.encode()

    async def handle(self, request: Request) -> Response:
        try:
            body = await read_capped(request, MAX_BODY)
        except TooLarge:
            log.debug("slack: refused a request body over %d bytes", MAX_BODY)
            return Response("payload too large", status_code=413)
        headers = request.headers
        if not self.is_signed(
            body,
            headers.get("x-slack-request-timestamp", ""),
            headers.get("x-slack-signature", ""),
        ):
            log.debug("slack: refused a request without a valid signature")
            return Response("invalid request", status_code=401)
        try:
            bolt_request = to_async_bolt_request(request, body)
            problem = shape_problem(bolt_request.body)
        except Exception as error:  # RecursionError, JSONDecodeError, bolt on a non-object
            problem = f"{type(error).__name__}: {str(error)[:100]}"
        if problem is not None:
            # Signed by Slack (or with its secret), yet unreadable: do not ask for it again.
            log.warning("slack: ignored a signed request that could not be read (%s)", problem)
            return Response("unreadable payload", status_code=400, headers=NO_RETRY)
        return to_starlette_response(await self.app.async_dispatch(bolt_request))

    def is_signed(self, body: bytes, timestamp: str, signature: str) -> bool:
        """Whether ``signature`` is Slack's ``v0`` HMAC of this body at a recent ``timestamp``."""
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return False
        if abs(time.time() - int(timestamp)) > MAX_AGE:
            return False
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


#: Fields bolt's own middleware reads before salon sees a payload, and the types it expects.
_SHAPES: dict[str, tuple[type, ...]] = {
    "type": (str,),
    "event": (dict,),
    "view": (dict,),
    "team": (dict, str),
    "user": (dict, str),
    "channel": (dict, str),
    "container": (dict,),
    "message": (dict,),
    "authorizations": (list,),
    "actions": (list,),
}


def shape_problem(body: object) -> str | None:
    """Why bolt could not handle ``body`` (a parsed payload), or ``None`` if it can."""
    if not isinstance(body, dict) or not body:
        return f"the payload is a {type(body).__name__}, not an object"
    for key, types in _SHAPES.items():
        value = body.get(key)
        if value is not None and not isinstance(value, types):
            return f"{key} is a {type(value).__name__}"
    for key in ("authorizations", "actions"):
        if not all(isinstance(item, dict) for item in body.get(key) or ()):
            return f"{key} holds a non-object"
    return None


async def read_capped(request: Request, limit: int) -> bytes:
    """The request body, or ``TooLarge`` as soon as it is known to be over ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)

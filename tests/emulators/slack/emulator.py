"""``SlackEmulator``: the Web API, Socket Mode and Events API sender behind one object."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from starlette.applications import Starlette

from . import payloads
from .events_http import Attempt, SignedSender
from .server import serve_asgi
from .socket_mode import SocketModeHub
from .web_api import InjectedFailure, WebApi
from .workspace import Channel, UploadedFile, User, Workspace

BOT_TOKEN = "xoxb-0000000000-0000000000000-salonemulatorbottoken"
APP_TOKEN = "xapp-1-A0SALON-0000000000000-salonemulatorapptoken"
SIGNING_SECRET = "salon-emulator-signing-secret"


class SlackEmulator:
    """A local Slack that the real slack_sdk / slack_bolt talk to over HTTP and WebSocket.

    Point ``AsyncWebClient(base_url=slack.api_url, token=slack.bot_token)`` at it; Socket Mode
    clients get their WebSocket URL from its ``apps.connections.open``. Tests drive it with
    ``send_event`` & co. and observe ``posted``, ``calls`` and ``acks``.
    """

    def __init__(
        self,
        *,
        bot_token: str = BOT_TOKEN,
        app_token: str = APP_TOKEN,
        signing_secret: str = SIGNING_SECRET,
        workspace: Workspace | None = None,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.workspace = workspace or Workspace()
        self.socket_mode = SocketModeHub(self.workspace)
        self.web_api = WebApi(
            self.workspace,
            bot_token=bot_token,
            app_token=app_token,
            open_socket_url=self.socket_mode.issue_url,
        )
        self.sender = SignedSender(signing_secret)
        self.app = Starlette(routes=[*self.web_api.routes, *self.socket_mode.routes])
        self.url = ""

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, **kwargs: Any) -> AsyncIterator[SlackEmulator]:
        """Serve a new emulator on 127.0.0.1 (free port) for the duration of the block."""
        emulator = cls(**kwargs)
        async with serve_asgi(emulator.app) as url:
            emulator.url = url
            emulator.web_api.base_url = url
            emulator.socket_mode.base_ws_url = "ws" + url.removeprefix("http")
            try:
                yield emulator
            finally:
                await emulator.socket_mode.close()

    @property
    def api_url(self) -> str:
        """The ``base_url`` for slack_sdk clients: ``http://127.0.0.1:PORT/api/``."""
        return f"{self.url}/api/"

    # what the bot did ---------------------------------------------------------------------

    @property
    def posted(self) -> list[dict[str, Any]]:
        """Successful writes, oldest first: ``{"method", "args", "response"}``; ``respond()``
        through a response_url appears with method ``"response_url"``."""
        return self.web_api.posted.items

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Every Web API call: ``{"method", "args", "status", "response"}``."""
        return self.web_api.calls.items

    @property
    def acks(self) -> dict[str, dict[str, Any]]:
        """Socket Mode acks by ``envelope_id``: ``{"envelope_id", "payload"?}``."""
        return self.socket_mode.acks

    @property
    def envelopes(self) -> list[dict[str, Any]]:
        """Every Socket Mode envelope sent, oldest first."""
        return self.socket_mode.envelopes.items

    @property
    def files(self) -> dict[str, UploadedFile]:
        """Files by id, with their uploaded bytes and the channels they were shared in."""
        return self.workspace.files

    async def wait_for_post(
        self,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The first post (already made or made within ``timeout``) matching ``predicate``."""
        return await self.web_api.posted.wait_for(predicate or (lambda _: True), timeout)

    async def wait_for_call(
        self,
        predicate: Callable[[dict[str, Any]], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The first Web API call matching ``predicate``, failed ones included."""
        return await self.web_api.calls.wait_for(predicate, timeout)

    # failure injection --------------------------------------------------------------------

    def rate_limit(
        self, method: str | None = None, *, times: int = 1, retry_after: int = 1
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (None: any) with HTTP 429,
        ``Retry-After: retry_after`` and ``{"ok": false, "error": "ratelimited"}``."""
        self.web_api.failures.append(
            InjectedFailure(method, times, status=429, error="ratelimited", retry_after=retry_after)
        )

    def fail(self, method: str | None, error: str, *, times: int = 1, status: int = 200) -> None:
        """Answer the next ``times`` calls of ``method`` with ``{"ok": false, "error": error}``."""
        self.web_api.failures.append(InjectedFailure(method, times, status=status, error=error))

    # workspace ----------------------------------------------------------------------------

    def add_user(self, name: str, **kwargs: Any) -> User:
        """Add a user; see ``Workspace.add_user``."""
        return self.workspace.add_user(name, **kwargs)

    def share_file_event(
        self,
        channel: str,
        filename: str,
        content: bytes,
        *,
        user: str = "U0ALICE",
        text: str = "",
        mimetype: str | None = None,
    ) -> dict[str, Any]:
        """The ``message`` event (subtype ``file_share``) of ``user`` sharing a file in
        ``channel``; the file is downloadable from its ``url_private`` with the bot token."""
        file = self.web_api.member_file(user, filename, content, mimetype)
        file.channels.append(channel)
        event: dict[str, Any] = {
            "type": "message",
            "subtype": "file_share",
            "channel": channel,
            "user": user,
            "text": text,
            "upload": False,
            "display_as_bot": False,
            "files": [file.to_api()],
        }
        if channel.startswith("D"):
            event["channel_type"] = "im"
        return event

    def add_channel(self, name: str, **kwargs: Any) -> Channel:
        """Add a channel; see ``Workspace.add_channel``."""
        return self.workspace.add_channel(name, **kwargs)

    # payloads -----------------------------------------------------------------------------

    def event_payload(
        self, event: dict[str, Any], *, event_id: str | None = None
    ) -> dict[str, Any]:
        """The ``event_callback`` body Slack would send for the inner ``event``."""
        return payloads.event_callback(self.workspace, event, event_id=event_id)

    def slash_command_payload(
        self,
        command: str = "/salon",
        text: str = "",
        *,
        user_id: str = "U0ALICE",
        channel_id: str = "C0GENERAL",
    ) -> dict[str, str]:
        """A slash command's fields, with a fresh ``response_url`` and usable ``trigger_id``."""
        return payloads.slash_command(
            self.workspace,
            command=command,
            text=text,
            user_id=user_id,
            channel_id=channel_id,
            response_url=self.web_api.new_response_url(),
            trigger_id=self.web_api.new_trigger_id(payloads.new_trigger_id()),
        )

    def block_action_payload(
        self,
        action_id: str,
        *,
        value: str | None = None,
        user_id: str = "U0ALICE",
        channel_id: str = "C0GENERAL",
        message: dict[str, Any] | None = None,
        block_id: str = "salon_block",
    ) -> dict[str, Any]:
        """A ``block_actions`` payload: a click on ``message`` (default: the channel's newest)."""
        if message is None:
            history = self.workspace.history(channel_id)
            if not history:
                raise ValueError(f"no message in {channel_id} to click on; pass message=")
            message = history[-1]
        return payloads.block_actions(
            self.workspace,
            action_id=action_id,
            value=value,
            user_id=user_id,
            channel_id=channel_id,
            message=message,
            block_id=block_id,
            response_url=self.web_api.new_response_url(),
            trigger_id=self.web_api.new_trigger_id(payloads.new_trigger_id()),
        )

    def view_submission_payload(
        self,
        view: dict[str, Any],
        values: dict[str, str | None],
        *,
        user_id: str = "U0ALICE",
    ) -> dict[str, Any]:
        """A ``view_submission`` of ``view`` (as ``views.open`` returned it, e.g.
        ``post["response"]["view"]``); ``values`` by input ``block_id``."""
        return payloads.view_submission(
            self.workspace,
            view=view,
            user_id=user_id,
            values=values,
            trigger_id=self.web_api.new_trigger_id(payloads.new_trigger_id()),
        )

    # Socket Mode --------------------------------------------------------------------------

    async def send_event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> dict[str, Any]:
        """Send an ``events_api`` envelope wrapping ``event``; returns the envelope."""
        return await self.socket_mode.send(
            "events_api",
            self.event_payload(event, event_id=event_id),
            accepts_response_payload=False,
            retry_attempt=0 if retry_attempt is None else retry_attempt,
            retry_reason=retry_reason or "",
        )

    async def send_slash_command(
        self, command: str = "/salon", text: str = "", **kwargs: Any
    ) -> dict[str, Any]:
        """Send a ``slash_commands`` envelope; kwargs as for ``slash_command_payload``."""
        payload = self.slash_command_payload(command, text, **kwargs)
        return await self.socket_mode.send("slash_commands", payload, accepts_response_payload=True)

    async def send_block_action(self, action_id: str, **kwargs: Any) -> dict[str, Any]:
        """Send an ``interactive`` envelope with a ``block_actions`` payload."""
        return await self.send_interactive(self.block_action_payload(action_id, **kwargs))

    async def send_view_submission(
        self, view: dict[str, Any], values: dict[str, str | None], **kwargs: Any
    ) -> dict[str, Any]:
        """Send an ``interactive`` envelope submitting the modal ``view``; kwargs as for
        ``view_submission_payload``."""
        return await self.send_interactive(self.view_submission_payload(view, values, **kwargs))

    async def send_interactive(
        self, payload: dict[str, Any], *, accepts_response_payload: bool | None = None
    ) -> dict[str, Any]:
        """Send any interaction payload; view submissions accept a response payload."""
        if accepts_response_payload is None:
            accepts_response_payload = payload.get("type") == "view_submission"
        return await self.socket_mode.send(
            "interactive", payload, accepts_response_payload=accepts_response_payload
        )

    async def redeliver(self, envelope_id: str, *, retry_reason: str = "timeout") -> dict[str, Any]:
        """Resend an envelope as Slack's retry (see ``SocketModeHub.redeliver``)."""
        return await self.socket_mode.redeliver(envelope_id, retry_reason=retry_reason)

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The Socket Mode ack of ``envelope_id``."""
        return await self.socket_mode.wait_for_ack(envelope_id, timeout)

    async def wait_for_connection(self, count: int = 1, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until ``count`` Socket Mode connections were opened and one is live."""
        async with asyncio.timeout(timeout):
            await self.socket_mode.wait_for_connections(count)

    async def request_reconnect(self, reason: str = "refresh_requested") -> None:
        """Ask connected clients to reconnect (a ``disconnect`` message)."""
        await self.socket_mode.request_reconnect(reason)

    # HTTP Events API and interactivity ----------------------------------------------------

    async def post_event_http(
        self,
        url: str,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        signing_secret: str | None = None,
        timestamp: int | None = None,
        forge: bool = False,
        http_timeout: float = 10.0,
    ) -> httpx.Response:
        """POST one signed ``event_callback`` to ``url`` (a retry if ``retry_num`` is given)."""
        return await self.sender.post_json(
            url,
            self.event_payload(event, event_id=event_id),
            retry_num=retry_num,
            retry_reason=retry_reason,
            signing_secret=signing_secret,
            timestamp=timestamp,
            forge=forge,
            http_timeout=http_timeout,
        )

    async def deliver_event_http(
        self,
        url: str,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        ack_timeout: float = 3.0,
        max_retries: int = 3,
    ) -> list[Attempt]:
        """Deliver an event with Slack's retries while the bot does not ack within
        ``ack_timeout``; every attempt carries the same ``event_id``."""
        payload = self.event_payload(event, event_id=event_id)
        return await self.sender.deliver_json(
            url, payload, ack_timeout=ack_timeout, max_retries=max_retries
        )

    async def post_url_verification_http(self, url: str, **signing: Any) -> httpx.Response:
        """POST the ``url_verification`` challenge Slack sends when the Request URL is saved."""
        challenge = {"token": payloads.VERIFICATION_TOKEN, "challenge": uuid.uuid4().hex}
        return await self.sender.post_json(
            url, {**challenge, "type": "url_verification"}, **signing
        )

    async def post_slash_command_http(
        self,
        url: str,
        command: str = "/salon",
        text: str = "",
        *,
        user_id: str = "U0ALICE",
        channel_id: str = "C0GENERAL",
        **signing: Any,
    ) -> httpx.Response:
        """POST a signed, form-encoded slash command; ``signing`` as for ``post_event_http``."""
        fields = self.slash_command_payload(command, text, user_id=user_id, channel_id=channel_id)
        return await self.sender.post_form(url, fields, **signing)

    async def post_interactivity_http(
        self, url: str, payload: dict[str, Any], **signing: Any
    ) -> httpx.Response:
        """POST a signed interaction, form-encoded as ``payload=<json>`` like Slack."""
        return await self.sender.post_form(url, {"payload": json.dumps(payload)}, **signing)

"""``SlackAdapter``: slack-bolt (async) in Socket Mode or on salon's web server (Events API).

Every request's work runs in an owned background task; the ack waits for it, or for a slow
command until it is durably recorded (dispatch.py, inbox.py), so Slack always gets its ack
inside the 3-second window and a crash after the ack loses nothing. Redelivered events keep
their ``event_id``, which becomes ``Message.event_id``; the core applies each one once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
import attrs
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.routing import BaseRoute, Route

from salon.adapters.slack.buttons import SlackButtons
from salon.adapters.slack.config import (
    APP_TOKEN,
    BOT_TOKEN,
    PLATFORM,
    SIGNING_SECRET,
    SlackConfig,
)
from salon.adapters.slack.delivery import Delivery
from salon.adapters.slack.directory import Directory
from salon.adapters.slack.dispatch import AckAndHandOver
from salon.adapters.slack.files import SlackFiles
from salon.adapters.slack.forms import (
    FORM_PREFIX,
    Forms,
    form_key,
    modal_view,
    press_from_submission,
)
from salon.adapters.slack.http_route import EventsRoute
from salon.adapters.slack.inbound import (
    is_id,
    is_member_message,
    message_from_command,
    message_from_event,
    press_from_action,
    space_for,
)
from salon.adapters.slack.inbox import INBOX_SOURCE, Inbox, Work
from salon.adapters.slack.render import action_of
from salon.core import (
    Adapter,
    Capabilities,
    ConfigError,
    Outbound,
    Rate,
    RateLimits,
    Sent,
    SpaceRef,
)
from salon.core.aio import until_reachable
from salon.core.interactions import EXPIRED

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    from salon.core import Bot

log = logging.getLogger(__name__)


class SlackAdapter(Adapter):
    """Slack through slack-bolt; see docs/adapters/slack.md."""

    platform: ClassVar[str] = PLATFORM
    capabilities: ClassVar[Capabilities] = Capabilities(
        threads=True,
        buttons=True,
        images=True,
        edits=True,
        direct_messages=True,
        rich_text=True,
        max_text_length=40_000,
        forms=True,
        files=True,
        deletes=True,
    )
    # chat.postMessage: about one message a second per channel, short bursts allowed, and a
    # workspace-wide ceiling of several hundred a minute
    # (https://api.slack.com/methods/chat.postMessage#rate_limiting).
    rate_limits: ClassVar[RateLimits] = RateLimits(overall=Rate(300, 60.0), per_chat=Rate(3, 3.0))
    secrets: ClassVar[Sequence[str]] = (BOT_TOKEN, f"{APP_TOKEN}|{SIGNING_SECRET}")
    config_class: ClassVar[type[Any] | None] = SlackConfig

    def __init__(
        self,
        bot: Bot,
        config: SlackConfig | None,
        env: Mapping[str, str],
        *,
        client: AsyncWebClient | None = None,
    ) -> None:
        """:param client: a Web API client to use instead of one built from the config
        (benchmarks pass one that records requests instead of sending them)."""
        config = config or SlackConfig()
        super().__init__(bot, config, env)
        config.check()
        self.config: SlackConfig = config
        why = f"mode {config.mode!r}"
        bot_token = self.required_secret(BOT_TOKEN, why).reveal()
        needed = APP_TOKEN if config.mode == "socket" else SIGNING_SECRET
        self._mode_secret = self.required_secret(needed, why).reveal()
        self.client = client or build_web_client(bot_token, config.api_url)
        self.directory = Directory(self.client)
        self.forms = Forms(bot.interactions)
        self.buttons = SlackButtons(bot.interactions)
        self.delivery = Delivery(self.client, self.directory, self.forms, self.buttons)
        self.files = SlackFiles(bot_token, config.api_url, self.client.session)
        self.bot_user_id = ""
        self._own_mention = "\0"  # set at start; matches nothing before
        self._socket: AsyncSocketModeHandler | None = None
        self._session: aiohttp.ClientSession | None = None
        self.inbox = Inbox(bot, bot.tasks)
        self.app = self._build_app()

    def _build_app(self) -> AsyncApp:
        http = self.config.mode == "http"
        app = AsyncApp(
            name="salon",
            client=self.client,
            signing_secret=self._mode_secret if http else "",
            request_verification_enabled=http,
            logger=_leveled_logger("salon.adapters.slack.bolt"),
        )
        self.dispatch = AckAndHandOver(
            events={
                "message": self._on_message,
                "app_mention": self._on_mention,
                "member_joined_channel": self._on_member_joined,
            },
            slash_command=self.config.slash_command,
            on_command=self._on_command,
            on_block_actions=self._on_block_actions,
            view_prefix=FORM_PREFIX,
            on_view_submission=self._on_view_submission,
            inbox=self.inbox,
        )
        app.use(self.dispatch)
        return app

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        if self.client.session is None:
            # One HTTP session for every Web API call (slack_sdk opens one per call otherwise).
            self._session = self.client.session = aiohttp.ClientSession()
        self.files.session = self.client.session
        # Slack down or the network not up yet: keep trying, say so once.
        await until_reachable(
            self._connect,
            unreachable=(aiohttp.ClientConnectionError, TimeoutError, SlackUnavailable),
            what=f"Slack at {self.config.api_url}",
            logger=log,
        )

    async def _connect(self) -> None:
        try:
            auth = await self.client.auth_test()
        except SlackApiError as error:
            raise_if_unavailable(error)
            raise ConfigError(
                f"adapters.slack: Slack refused {BOT_TOKEN}: {error.response.get('error')}"
            ) from None
        self.bot_user_id = str(auth["user_id"])
        self._own_mention = f"<@{self.bot_user_id}>"
        if self.inbox.source == INBOX_SOURCE:
            self.inbox.source = f"slack:{self.bot_user_id}"
            await self.inbox.replay(self.dispatch.work_for)
            every = self.bot.outbox.lease.total_seconds() / 3
            self.bot.loops.spawn(self.inbox.watch(self.dispatch.work_for, every), "slack-inbox")

    @property
    def receives_alone(self) -> bool:
        """Socket Mode: one worker holds the socket (Slack would spread events over several
        connections, each worker seeing some; one leader keeps it simple and ordered)."""
        return self.config.mode == "socket"

    async def start_receiving(self) -> None:
        if self.config.mode == "socket":
            await until_reachable(
                self._open_socket,
                unreachable=(aiohttp.ClientConnectionError, TimeoutError, SlackUnavailable),
                what=f"Slack Socket Mode at {self.config.api_url}",
                logger=log,
            )

    async def _open_socket(self) -> None:
        from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

        if self._socket is None:
            self._socket = AsyncSocketModeHandler(
                self.app, self._mode_secret, web_client=self.client
            )
        try:
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
        except SlackApiError as error:
            raise_if_unavailable(error)
            raise ConfigError(
                f"adapters.slack: Slack refused {APP_TOKEN}: {error.response.get('error')}"
            ) from None

    async def stop_receiving(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None

    async def stop(self) -> None:
        await self.stop_receiving()
        if self._session is not None:
            self.client.session = None
            await self._session.close()
            self._session = None

    def routes(self) -> Sequence[BaseRoute]:
        if self.config.mode != "http":
            return ()
        # The signature is checked before bolt parses anything (http_route.py); bolt answers
        # url_verification; events, commands and interactions share this URL.
        endpoint = EventsRoute(self.app, self._mode_secret)
        return (Route(self.config.events_path, endpoint.handle, methods=["POST"]),)

    # --- outbound --------------------------------------------------------------------------
    async def send(self, outbound: Outbound) -> Sent:
        return await self.delivery.send(outbound)

    async def name_of_space(self, space: SpaceRef) -> str:
        return await self.directory.channel_name(space.id)

    # --- inbound: look, return the work (see dispatch.py) ----------------------------------
    def _on_message(self, body: dict[str, Any]) -> Work | None:
        event = body["event"]
        if not is_member_message(event, self.bot_user_id):
            return None
        if event.get("channel_type") != "im" and self._own_mention in (event.get("text") or ""):
            return None  # Slack also sends this as an app_mention; answer that one only
        return self._receive_event(body, mention=False)

    def _on_mention(self, body: dict[str, Any]) -> Work | None:
        if is_member_message(body["event"], self.bot_user_id):
            return self._receive_event(body, mention=True)
        return None

    async def _receive_event(self, body: dict[str, Any], *, mention: bool) -> None:
        event = body["event"]
        member = await self.directory.member(event["user"])
        message = message_from_event(
            body, member, self.bot_user_id, mention=mention, files=self.files.attachments(event)
        )
        await self.bot.receive(message)

    def _on_command(self, command: dict[str, Any]) -> Work | None:
        text = command.get("text")
        if (
            is_id(command.get("user_id"))
            and is_id(command.get("channel_id"))
            and isinstance(text or "", str)
        ):
            return self._receive_command(command)
        return None

    async def _receive_command(self, command: dict[str, Any]) -> None:
        member = await self.directory.member(command["user_id"])
        await self.bot.receive(message_from_command(command, member))

    def _on_block_actions(self, body: dict[str, Any]) -> Work | None:
        user = body.get("user")
        if not isinstance(user, dict) or not is_id(user.get("id")):
            return None
        key = form_key(action_of(_first_action_id(body)))
        if key is None:
            return self._receive_press(body)
        if is_id(body.get("trigger_id")):
            return self._open_form(key, body["trigger_id"], body)
        return None

    async def _receive_press(self, body: dict[str, Any]) -> None:
        press = press_from_action(body, await self.directory.member(body["user"]["id"]))
        if press is not None:
            await self.bot.receive_press(await self.buttons.decode(press))

    async def _open_form(self, key: str, trigger_id: str, body: dict[str, Any]) -> None:
        # The trigger_id is good for 3 seconds: the form is usually in memory already.
        sent = await self.forms.get(key)
        if sent is None:  # expired (or never ours): the member hears so
            press = press_from_action(body, await self.directory.member(body["user"]["id"]))
            if press is not None:
                await self.bot.receive_press(attrs.evolve(press, action=EXPIRED, value=""))
            return
        try:
            await self.client.api_call(
                "views.open", json={"trigger_id": trigger_id, "view": modal_view(sent.form, key)}
            )
        except SlackApiError as error:
            log.warning("views.open for form %s failed: %s", key, error.response.get("error"))

    def _on_view_submission(self, body: dict[str, Any]) -> Work | None:
        user = body.get("user")
        key = form_key(str(body["view"]["callback_id"]))
        if key is not None and isinstance(user, dict) and is_id(user.get("id")):
            return self._receive_submission(key, body)
        return None

    async def _receive_submission(self, key: str, body: dict[str, Any]) -> None:
        sent = await self.forms.get(key)
        if sent is None:
            log.warning("a submission of form %s, which salon does not know", key)
            return
        member = await self.directory.member(body["user"]["id"])
        press = press_from_submission(body, member, sent)
        if press is not None:
            await self.bot.receive_press(press)

    def _on_member_joined(self, body: dict[str, Any]) -> Work | None:
        event = body["event"]
        user, channel = event.get("user"), event.get("channel")
        if is_id(user) and is_id(channel) and user != self.bot_user_id:
            return self._receive_join(user, channel)
        return None

    async def _receive_join(self, user: str, channel: str) -> None:
        await self.bot.receive_join(await self.directory.member(user), space_for(channel))


class SlackUnavailable(Exception):
    """Slack (or a proxy in front of it) answered 5xx: down or restarting."""


def raise_if_unavailable(error: SlackApiError) -> None:
    """Raise ``SlackUnavailable`` if ``error`` is a 5xx answer rather than a refusal."""
    status = getattr(error.response, "status_code", None)
    if isinstance(status, int) and status >= 500:
        raise SlackUnavailable(f"HTTP {status}") from None


def _first_action_id(body: dict[str, Any]) -> str:
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    action_id = action.get("action_id") if isinstance(action, dict) else None
    return action_id if isinstance(action_id, str) else ""


def build_web_client(token: str, api_url: str, **options: Any) -> AsyncWebClient:
    """The Web API client salon uses (``options`` go to ``AsyncWebClient``).

    No 429 retry handler: the core's send queue owns Retry-After.
    """
    logger = _leveled_logger("salon.adapters.slack.sdk")
    return AsyncWebClient(token=token, base_url=api_url, logger=logger, **options)


def _leveled_logger(name: str) -> logging.Logger:
    """A logger with an explicit level. slack_sdk and bolt test ``logger.level`` rather than
    the effective level, so under a logger left at NOTSET they format debug lines of every
    request, response and middleware step (a quarter of the SDK's time per call) that are then
    thrown away. Configure logging before building the adapter (``salon run`` does)."""
    logger = logging.getLogger(name)
    if logger.level == logging.NOTSET:
        logger.setLevel(logger.getEffectiveLevel())
    return logger

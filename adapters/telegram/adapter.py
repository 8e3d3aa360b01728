"""``TelegramAdapter``: python-telegram-bot's ``Bot`` driven directly, no ``Application``.

Inbound, updates arrive by long polling (``polling.py``) or on a webhook route (``webhook.py``)
and become neutral ``Message``/``ButtonPress`` values here; outbound, the core's send queue
calls ``send`` (``delivery.py``). PTB does the HTTP, the JSON (de)serialisation and the error
mapping; salon's core does routing, pacing, retries and exactly-once effects.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from telegram import CallbackQuery, Update
from telegram import Message as TgMessage
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import BaseRequest, HTTPXRequest

from salon.adapters.telegram.buttons import ButtonCodec
from salon.adapters.telegram.config import (
    TOKEN_VARIABLE,
    WEBHOOK_SECRET_VARIABLE,
    TelegramConfig,
)
from salon.adapters.telegram.delivery import Sender
from salon.adapters.telegram.files import attachments_of
from salon.adapters.telegram.inbound import PLATFORM, invocation, member_of, space_of
from salon.adapters.telegram.menu import publish_menu
from salon.adapters.telegram.polling import ALLOWED_UPDATES, Poller
from salon.adapters.telegram.raw_bot import TelegramBot
from salon.adapters.telegram.reachability import Reachability
from salon.adapters.telegram.split import MESSAGE_LIMIT
from salon.adapters.telegram.webhook import WebhookEndpoint
from salon.core import (
    Adapter,
    ButtonPress,
    Capabilities,
    ConfigError,
    Member,
    Message,
    Outbound,
    Rate,
    RateLimits,
    Sent,
    Space,
    texts,
)
from salon.core.aio import until_reachable

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from salon.core import Bot

log = logging.getLogger(__name__)

REACHABILITY_PLUGIN = "telegram.reachability"
#: Loggers that write Bot API URLs, and so the token in their path: PTB's "Set Bot API URL"
#: (debug, at construction), httpx's "HTTP Request: POST …/bot<token>/getUpdates" (info).
#: PTB also logs setWebhook's parameters, the webhook secret among them, at debug.
URL_LOGGERS = (
    "httpx",
    "telegram",
    "telegram.Bot",
    "telegram.request.BaseRequest",
    "telegram.request.HTTPXRequest",
)


def redact_sdk_logs() -> None:
    """Put the secret redactor on the SDK's own loggers, so their records are cleaned
    before any handler sees them, whatever handlers the host application installed
    (``salon run`` puts it on its handler too; a test's caplog or an embedding app may not)."""
    Adapter.redact_logs(*URL_LOGGERS)


class TelegramAdapter(Adapter):
    """Groups and supergroups are spaces, forum topics threads, private chats direct messages."""

    platform: ClassVar[str] = PLATFORM
    capabilities: ClassVar[Capabilities] = Capabilities(
        threads=True,
        buttons=True,
        images=True,
        edits=True,
        direct_messages=True,
        rich_text=True,
        max_text_length=MESSAGE_LIMIT,
        files=True,
        deletes=True,
    )
    # https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
    # 30 a second overall, 20 a minute in one group, about one a second per chat (bursts of a
    # few are allowed).
    rate_limits: ClassVar[RateLimits] = RateLimits(
        overall=Rate(30, 1.0), per_space=Rate(20, 60.0), per_chat=Rate(3, 3.0)
    )
    secrets: ClassVar[Sequence[str]] = (TOKEN_VARIABLE,)
    config_class: ClassVar[type[Any] | None] = TelegramConfig

    def __init__(
        self,
        bot: Bot,
        config: TelegramConfig | None = None,
        env: Mapping[str, str] | None = None,
        *,
        request: BaseRequest | None = None,
        get_updates_request: BaseRequest | None = None,
    ) -> None:
        super().__init__(bot, config or TelegramConfig(), env or {})
        token = self.secret(TOKEN_VARIABLE)
        if token is None:
            raise ConfigError(f"adapters.telegram: set the environment variable {TOKEN_VARIABLE}")
        secret = self.secret(WEBHOOK_SECRET_VARIABLE)
        if self.config.mode == "webhook" and secret is None:
            raise ConfigError(
                f"adapters.telegram: webhook mode needs the environment variable "
                f"{WEBHOOK_SECRET_VARIABLE} (1-256 characters A-Z, a-z, 0-9, _ and -)"
            )
        self.bot_id = token.reveal().partition(":")[0]
        redact_sdk_logs()  # before PTB's Bot logs its URL
        request = request or HTTPXRequest(connection_pool_size=8)
        get_updates_request = get_updates_request or HTTPXRequest(connection_pool_size=1)
        # PTB's plain Bot has no rate limiter: the core's send queue does the pacing.
        self.ptb = TelegramBot(
            token.reveal(),
            base_url=self.config.base_url,
            base_file_url=self.config.base_file_url,
            request=request,
            get_updates_request=get_updates_request,
        )
        self.username = ""
        self.codec = ButtonCodec(bot.interactions)
        self.sender = Sender(self.ptb, self.codec)
        self.reachability = Reachability(bot)
        self.poller = Poller(
            self.ptb,
            bot,
            self.handle_update,
            bot.report_error,
            state_key=f"telegram:{self.bot_id}:offset",
            timeout=self.config.poll_timeout,
            read_timeout=get_updates_request.read_timeout,
        )
        self.webhook = WebhookEndpoint(
            self.config.webhook_path,
            secret.reveal() if secret else "",
            self.ptb,
            self.handle_update,
            bot.report_error,
        )
        self._secret = secret

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        # Telegram down or the network not up yet: keep trying, say so once (not a traceback).
        await until_reachable(
            self._connect,
            unreachable=(NetworkError,),
            what=f"Telegram at {self.config.base_url}",
            logger=log,
        )
        self.webhook.ready = True

    async def _connect(self) -> None:
        rejected = False
        try:
            await self.ptb.initialize()  # getMe: who we are, and a check of the token
        except InvalidToken:
            rejected = True
        if rejected:
            # Raised out here so PTB's exception, whose message quotes the token ("The token
            # `…` was rejected"), is not even attached as the context.
            raise ConfigError(
                f"adapters.telegram: Telegram rejected the bot token in {TOKEN_VARIABLE}"
            )
        self.username = (self.ptb.username or "").lower()
        self.reachability.bot_username = self.ptb.username or ""
        if self.bot.pm.get_plugin(REACHABILITY_PLUGIN) is None:
            self.bot.pm.register(self.reachability, name=REACHABILITY_PLUGIN)
        await publish_menu(self.ptb, self.bot.commands, self.bot.config.organiser_refs())
        if self.config.mode == "polling":
            await self.ptb.delete_webhook()  # getUpdates answers 409 while a webhook is set
        elif self.config.webhook_url:
            await self.set_webhook(self.config.webhook_url)
        else:
            log.warning(
                "telegram webhook mode without webhook_url: call setWebhook with the secret "
                "from %s yourself",
                WEBHOOK_SECRET_VARIABLE,
            )

    @property
    def receives_alone(self) -> bool:
        """Polling: one worker calls ``getUpdates`` (Telegram answers 409 to a second)."""
        return bool(self.config.mode == "polling")

    async def start_receiving(self) -> None:
        if self.config.mode == "polling":
            await self.poller.start()  # from the offset stored after the last handled update

    async def set_webhook(self, url: str) -> None:
        """Point Telegram at ``url`` (which must reach this adapter's webhook route)."""
        assert self._secret is not None
        await self.ptb.set_webhook(
            url, secret_token=self._secret.reveal(), allowed_updates=ALLOWED_UPDATES
        )

    async def stop_receiving(self) -> None:
        self.webhook.ready = False
        await self.poller.stop()

    async def stop(self) -> None:
        await self.stop_receiving()
        if self.bot.pm.get_plugin(REACHABILITY_PLUGIN) is self.reachability:
            self.bot.pm.unregister(name=REACHABILITY_PLUGIN)
        await self.ptb.shutdown()

    def routes(self) -> Sequence[BaseRoute]:
        return [self.webhook.route()] if self.config.mode == "webhook" else []

    # --- outbound --------------------------------------------------------------------------
    def lane(self, outbound: Outbound) -> tuple[str, bool]:
        """A private chat's id is the member's id (positive); groups' ids are negative."""
        if outbound.space is not None and not outbound.space.id.startswith("-"):
            return f"dm:{PLATFORM}:{outbound.space.id}", False
        return super().lane(outbound)

    async def send(self, outbound: Outbound) -> Sent:
        return await self.sender.send(outbound)

    # --- inbound ---------------------------------------------------------------------------
    async def handle_update(self, update: Update) -> None:
        """Hand one update to the core (both polling and the webhook call this)."""
        if update.message is not None:
            await self._on_message(update.update_id, update.message)
        elif update.callback_query is not None:
            await self._on_press(update.update_id, update.callback_query)

    async def _on_message(self, update_id: int, message: TgMessage) -> None:
        user = message.from_user
        if user is None or user.is_bot:
            return
        chat = message.chat
        private = chat.type == "private"
        if message.new_chat_members:
            await self._joined(message)
        attachments = attachments_of(message, self.ptb)
        # A document's caption is its message; a photo's or a sticker's is not for the bot.
        text = message.text if not attachments else (message.caption or "")
        if not isinstance(text, str) or not (text or attachments):
            return  # a photo, a sticker, a service message
        called = invocation(text, private=private, bot_username=self.username)
        if called is None:
            return  # a /command for another bot
        member = member_of(user)
        space = space_of(chat)
        self.reachability.seen(member)
        if private:
            for missed in self.reachability.started(member.ref.id):
                self.bot.send(missed)
            if called.command == "start" and self.bot.commands.get("start") is None:
                await self._greet(member, space)
                return
        thread_id = str(message.message_thread_id) if message.is_topic_message else None
        await self.bot.receive(
            Message(
                space=space,
                author=member,
                text=called.text,
                event_id=f"{self.bot_id}-{update_id}",
                addressed=called.addressed,
                thread_id=thread_id,
                message_id=str(message.message_id),
                received_at=message.date,
                attachments=attachments,
                reply_to=_replied_to(message),
            )
        )
        if not private and self.reachability.needs_reminder(member.ref.id):
            self.bot.send(self.reachability.reminder(member, space, thread_id))

    async def _joined(self, message: TgMessage) -> None:
        space = space_of(message.chat)
        for user in message.new_chat_members:
            if not user.is_bot:
                await self.bot.receive_join(member_of(user), space)

    async def _greet(self, member: Member, space: Space) -> None:
        """``/start`` in a private chat: say hello, and tell plugins a member arrived."""
        self.bot.send(
            Outbound(
                texts.welcome(member, self.bot.community),
                space=space.ref,
            )
        )
        await self.bot.receive_join(member, space)

    async def _on_press(self, update_id: int, query: CallbackQuery) -> None:
        # Always answer, first: the member's client shows a spinner until we do.
        try:
            await self.ptb.answer_callback_query(query.id)
        except TelegramError as error:
            log.info("answerCallbackQuery failed: %s", error)
        shown = query.message
        if shown is None:
            return  # a button under an inline-mode message: not ours
        action, value = await self.codec.decode(query.data or "")
        thread_id = None
        if isinstance(shown, TgMessage) and shown.is_topic_message:
            thread_id = str(shown.message_thread_id)
        await self.bot.receive_press(
            ButtonPress(
                space=space_of(shown.chat),
                member=member_of(query.from_user),
                action=action,
                value=value,
                event_id=f"{self.bot_id}-{update_id}",
                message_id=str(shown.message_id),
                thread_id=thread_id,
                raw={"callback_query_id": query.id},
            )
        )


def _replied_to(message: TgMessage) -> str | None:
    """The id of the message this one replies to (not a forum topic's opening message)."""
    replied = message.reply_to_message
    if replied is None:
        return None
    if message.is_topic_message and replied.message_id == message.message_thread_id:
        return None  # in a forum topic, a message "replies" to the topic's first message
    return str(replied.message_id)

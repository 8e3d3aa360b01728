"""``TelegramEmulator``: a local Telegram Bot API that the real python-telegram-bot talks to.

Typical use::

    async with TelegramEmulator.running() as tg:
        bot = telegram.Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url)
        ana = tg.add_user("Ana", "ana")
        tg.user_sends(ana, tg.private_chat(ana), "/ping")
        sent = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == ana.id)
"""

from __future__ import annotations

import contextlib
import itertools
import mimetypes
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from .api import BotApi
from .html_check import bot_command_entities
from .records import ApiCall, RateLimit, Recorder, SentCall
from .server import build_app, serve
from .updates import UpdateQueue
from .webhook import WebhookDelivery
from .world import Chat, ForumTopic, User, World

__all__ = ["DEFAULT_TOKEN", "TelegramEmulator"]

# Shape of a real token: the bot's user id, a colon, 35 url-safe characters.
DEFAULT_TOKEN = "7000000001:AAEmulatorTokenForSalonTests_0123456"


class TelegramEmulator:
    """The emulated Telegram: world model, update injection, recorded bot calls, HTTP server."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "salon_test_bot",
        bot_name: str = "Salon",
    ) -> None:
        self.token = token
        bot = User(
            id=int(token.split(":", 1)[0]),
            first_name=bot_name,
            username=bot_username,
            language_code=None,
            is_bot=True,
        )
        self.world = World(bot=bot)
        self.updates = UpdateQueue()
        self.recorder = Recorder()
        self.api = BotApi(self.world, self.updates, self.recorder)
        self.app = build_app(token, self.api)
        self._port: int | None = None
        self._callback_ids = itertools.count(1)

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    @contextlib.asynccontextmanager
    async def running(
        cls, token: str = DEFAULT_TOKEN, **options: Any
    ) -> AsyncIterator[TelegramEmulator]:
        """Start an emulator on 127.0.0.1 (free port) for the ``async with`` block."""
        emulator = cls(token, **options)
        async with serve(emulator.app) as port:
            emulator._port = port
            try:
                yield emulator
            finally:
                # Release long polls and stop webhook delivery before uvicorn drains connections.
                emulator.updates.close()
                await emulator.api.webhook.clear()
                emulator._port = None

    @property
    def port(self) -> int:
        """The TCP port the emulator listens on."""
        if self._port is None:
            raise RuntimeError("the emulator is not running; use TelegramEmulator.running()")
        return self._port

    @property
    def base_url(self) -> str:
        """What to pass as PTB's ``base_url`` (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass as PTB's ``base_file_url``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- world -------------------------------------------------------------------------------

    @property
    def bot(self) -> User:
        """The bot's own user."""
        return self.world.bot

    def add_user(
        self, first_name: str, username: str | None = None, *, started: bool = False, **extra: Any
    ) -> User:
        """A new user; ``started=True`` as if they had already pressed Start."""
        user = self.world.add_user(first_name, username, **extra)
        if started:
            self.mark_started(user)
        return user

    def add_group(
        self,
        title: str,
        *,
        supergroup: bool = False,
        forum: bool = False,
        username: str | None = None,
    ) -> Chat:
        """A group (or supergroup, or forum supergroup) the bot is in."""
        return self.world.add_group(title, supergroup=supergroup, forum=forum, username=username)

    def add_topic(self, chat: Chat, name: str) -> ForumTopic:
        """A topic in a forum supergroup."""
        return self.world.add_topic(chat, name)

    def private_chat(self, user: User) -> Chat:
        """The private chat between ``user`` and the bot."""
        return self.world.private_chat(user)

    def mark_started(self, user: User) -> None:
        """The bot may now message ``user`` privately."""
        self.world.started.add(user.id)
        self.world.blocked.discard(user.id)

    def block(self, user: User) -> None:
        """``user`` blocked the bot: private sends get 403 ``bot was blocked by the user``."""
        self.world.blocked.add(user.id)

    # -- injecting updates -------------------------------------------------------------------

    def inject(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update payload (``{"message": {...}}``); returns it with its update_id."""
        return self.updates.push(payload)

    def user_sends(
        self,
        user: User,
        chat: Chat,
        text: str,
        *,
        message_thread_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``user`` posts ``text`` in ``chat``; returns the ``message`` update.

        Commands (``/cmd``, ``/cmd@bot``) get ``bot_command`` entities; a private message
        counts as having started the bot.
        """
        if chat.type == "private":
            if chat.id != user.id:
                raise ValueError(f"{user.first_name} cannot post in someone else's private chat")
            self.mark_started(user)
        message = self.world.build_message(
            user,
            chat,
            message_thread_id=message_thread_id,
            reply_to=reply_to,
            text=text,
            entities=bot_command_entities(text) or None,
        )
        return self.inject({"message": message})

    def user_sends_document(
        self,
        user: User,
        chat: Chat,
        filename: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        """``user`` sends a file as a document (with an optional caption); the bot can fetch
        it with getFile and download it from ``/file/bot<token>/<file_path>``."""
        if chat.type == "private":
            self.mark_started(user)
        mime_type = mime_type or mimetypes.guess_type(filename)[0]
        stored = self.world.store_file(data, filename, mime_type)
        message = self.world.build_message(
            user, chat, document=stored.to_document(), caption=caption
        )
        return self.inject({"message": message})

    def user_presses(
        self, user: User, message: dict[str, Any] | SentCall, callback_data: str
    ) -> dict[str, Any]:
        """``user`` presses the inline button carrying ``callback_data`` under ``message``.

        ``message`` is the bot's Message (or the SentCall that produced it); its current
        version is used, and the button must exist on it, as in a real client.
        """
        shown: dict[str, Any] = message.result if isinstance(message, SentCall) else message
        current = self.world.message(shown["chat"]["id"], shown["message_id"]) or shown
        buttons = [
            button
            for row in current.get("reply_markup", {}).get("inline_keyboard", [])
            for button in row
        ]
        if not any(button.get("callback_data") == callback_data for button in buttons):
            raise ValueError(f"no button with callback_data={callback_data!r} on that message")
        query_id = f"{uuid.uuid4().int % 10**19}"
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": current,
            "chat_instance": str((self.bot.id * 31 + current["chat"]["id"]) & 0x7FFFFFFFFFFFFFFF),
            "data": callback_data,
        }
        self.api.open_callback_queries[query_id] = query
        return self.inject({"callback_query": query})

    def unconfirm(self, update: dict[str, Any]) -> None:
        """Deliver ``update`` again, as Telegram does when the bot died before confirming it
        (before its next ``getUpdates`` with a higher ``offset``)."""
        self.updates.requeue(update)

    # -- what the bot did --------------------------------------------------------------------

    @property
    def sent(self) -> list[SentCall]:
        """Every successful call that acted (sendMessage, editMessageText, setMyCommands...)."""
        return self.recorder.sent

    @property
    def calls(self) -> list[ApiCall]:
        """Every request, including failed and read-only ones, with its HTTP status."""
        return self.recorder.calls

    @property
    def answered_callbacks(self) -> list[dict[str, Any]]:
        """Parameters of each successful answerCallbackQuery."""
        return self.api.answered_callbacks

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Each POST made to the webhook."""
        return self.api.webhook.deliveries

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """The command list set for ``scope`` (default scope) and language."""
        return self.api.commands_for(scope, language_code)

    def sent_by(self, method: str) -> list[SentCall]:
        """The successful calls of one method, in order."""
        return [call for call in self.sent if call.method.lower() == method.lower()]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[SentCall], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a plain deadline reads best in tests
        *,
        since: int = 0,
    ) -> SentCall:
        """The first ``method`` call, past or future, matching ``predicate`` (else TimeoutError).

        ``since=len(tg.sent)`` taken before acting ignores calls made earlier.
        """
        return await self.recorder.wait_for(method, predicate, timeout, since=since)

    async def wait_until_polling(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Return once the bot has a ``getUpdates`` long poll waiting; TimeoutError otherwise."""
        if not await self.updates.wait_until_polled(timeout):
            raise TimeoutError(f"the bot did not long-poll getUpdates within {timeout}s")

    # -- fault injection ---------------------------------------------------------------------

    def rate_limit(
        self,
        method: str | None = None,
        times: int = 1,
        retry_after: int = 1,
        *,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (any if None; to ``chat_id`` only, if
        given) with 429 retry_after."""
        self.api.rate_limits.append(RateLimit(method, times, retry_after, chat_id))

    def fail(self, method: str | None = None, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` (any if None) with an HTML 502 page,
        as a proxy in front of the Bot API does when it is down."""
        self.api.outages.append(RateLimit(method, times, 0))

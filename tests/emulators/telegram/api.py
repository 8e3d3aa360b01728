"""The Bot API methods the emulator implements, with Telegram's checks and error texts.

Each handler takes typed parameters and uploaded files and returns the method's ``result`` (and
optionally the envelope ``description``), or raises :class:`~.errors.ApiError`. Method names are
matched case-insensitively, as Telegram does.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from .errors import ApiError, bad_request, forbidden
from .params import UploadedFile
from .records import ApiCall, RateLimit, Recorder, SentCall
from .updates import PollTerminated, UpdateQueue
from .validation import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    check_commands,
    format_text,
    image_size,
    inline_keyboard,
)
from .webhook import WebhookSender
from .world import Chat, World

__all__ = ["BotApi"]

Params = dict[str, Any]
Files = Mapping[str, UploadedFile]
Handler = Callable[[Params, Files], Awaitable[Any]]

GET_FILE_LIMIT = 20 * 1024 * 1024
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Calls that only read state are not "sent" by the bot.
_READ_ONLY = frozenset(
    {"getme", "getupdates", "getchat", "getmycommands", "getwebhookinfo", "getfile"}
)


class _Described:
    """A result that also carries the envelope's ``description`` (``setWebhook`` does this)."""

    def __init__(self, result: Any, description: str) -> None:
        self.result, self.description = result, description


class BotApi:
    """Dispatches Bot API calls against the world, queue and webhook; records what happened."""

    def __init__(self, world: World, queue: UpdateQueue, recorder: Recorder) -> None:
        self.world, self.queue, self.recorder = world, queue, recorder
        self.webhook = WebhookSender(queue, self.call)
        self.rate_limits: list[RateLimit] = []
        #: Calls to answer with an HTTP error page instead of the Bot API (a proxy in trouble).
        self.outages: list[RateLimit] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.open_callback_queries: dict[str, dict[str, Any]] = {}
        self.answered_callbacks: list[dict[str, Any]] = []
        self._handlers: dict[str, Handler] = {
            name.lower(): handler
            for name, handler in {
                "getMe": self.get_me,
                "getUpdates": self.get_updates,
                "setWebhook": self.set_webhook,
                "deleteWebhook": self.delete_webhook,
                "getWebhookInfo": self.get_webhook_info,
                "sendMessage": self.send_message,
                "editMessageText": self.edit_message_text,
                "editMessageCaption": self.edit_message_caption,
                "answerCallbackQuery": self.answer_callback_query,
                "sendPhoto": self.send_photo,
                "sendDocument": self.send_document,
                "deleteMessage": self.delete_message,
                "getFile": self.get_file,
                "setMyCommands": self.set_my_commands,
                "getMyCommands": self.get_my_commands,
                "deleteMyCommands": self.delete_my_commands,
                "getChat": self.get_chat,
            }.items()
        }

    def knows(self, method: str) -> bool:
        """Whether ``method`` is implemented (unknown methods get 404 like Telegram)."""
        return method.lower() in self._handlers

    def take_outage(self, method: str) -> bool:
        """Whether this call of ``method`` meets an outage (and uses one up)."""
        for outage in self.outages:
            if outage.applies_to(method):
                outage.times -= 1
                self.recorder.record_call(ApiCall(method, {}, 502, "Bad Gateway"))
                return True
        return False

    async def call(
        self, method: str, params: Params, files: Files | None = None
    ) -> tuple[Any, str | None]:
        """Run one method; returns (result, description) or raises ApiError. Records it."""
        files = files or {}
        try:
            for limit in self.rate_limits:
                if limit.applies_to(method, params):
                    limit.times -= 1
                    raise ApiError(
                        429,
                        f"Too Many Requests: retry after {limit.retry_after}",
                        {"retry_after": limit.retry_after},
                    )
            outcome = await self._handlers[method.lower()](params, files)
        except ApiError as error:
            self.recorder.record_call(ApiCall(method, params, error.error_code, error.description))
            raise
        result, description = (
            (outcome.result, outcome.description)
            if isinstance(outcome, _Described)
            else (outcome, None)
        )
        self.recorder.record_call(ApiCall(method, params, 200, description))
        if method.lower() not in _READ_ONLY:
            self.recorder.record_sent(SentCall(method, params, result, dict(files)))
        return result, description

    # -- shared checks -----------------------------------------------------------------------

    def _chat(self, params: Params) -> Chat:
        """The chat a send targets, after Telegram's existence and permission checks."""
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise bad_request("chat_id is empty")
        chat = self.world.resolve_chat(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat.type == "private":
            if chat.id in self.world.blocked:
                raise forbidden("bot was blocked by the user")
            if chat.id not in self.world.started:
                raise forbidden("bot can't initiate conversation with a user")
        return chat

    def _thread_id(self, chat: Chat, params: Params) -> int | None:
        thread_id = params.get("message_thread_id")
        if thread_id and chat.is_forum and (chat.id, thread_id) not in self.world.topics:
            raise bad_request("message thread not found")
        return thread_id

    def _reply_to(self, chat: Chat, params: Params) -> dict[str, Any] | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id") or params.get("reply_to_message_id")
        if not message_id:
            return None
        reply_chat = self.world.resolve_chat(reply.get("chat_id", chat.id)) or chat
        target = self.world.message(reply_chat.id, message_id)
        lenient = reply.get(
            "allow_sending_without_reply", params.get("allow_sending_without_reply")
        )
        if target is None and not lenient:
            raise bad_request("message to be replied not found")
        return target

    # -- methods -----------------------------------------------------------------------------

    async def get_me(self, params: Params, files: Files) -> Any:
        """getMe: the bot's own User, with the bot-only capability flags."""
        return {
            **self.world.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_updates(self, params: Params, files: Files) -> Any:
        """getUpdates: long poll; 409 while a webhook is set or when superseded."""
        if self.webhook.is_set:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self.queue.set_allowed_updates(params.get("allowed_updates"))
        try:
            return await self.queue.poll(
                params.get("offset"), params.get("limit", 100), params.get("timeout", 0)
            )
        except PollTerminated:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            ) from None

    async def set_webhook(self, params: Params, files: Files) -> Any:
        """setWebhook: an empty ``url`` removes the webhook."""
        url = params.get("url", "")
        if not url:
            return await self.delete_webhook(params, files)
        if not re.match(r"^https?://", url):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(secret):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self.queue.drop_all()
        self.queue.set_allowed_updates(params.get("allowed_updates"))
        already = url == self.webhook.url and secret == self.webhook.secret_token
        await self.webhook.set(url, secret, params.get("max_connections", 40))
        return _Described(True, "Webhook is already set" if already else "Webhook was set")

    async def delete_webhook(self, params: Params, files: Files) -> Any:
        """deleteWebhook: back to getUpdates; optionally drops pending updates."""
        was_set = self.webhook.is_set
        await self.webhook.clear()
        if params.get("drop_pending_updates"):
            self.queue.drop_all()
        return _Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    async def get_webhook_info(self, params: Params, files: Files) -> Any:
        """getWebhookInfo."""
        info: dict[str, Any] = {
            "url": self.webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending),
        }
        if self.webhook.is_set:
            info["max_connections"] = self.webhook.max_connections
            info["allowed_updates"] = sorted(self.queue.allowed_updates)
        if self.webhook.last_error_message:
            info["last_error_date"] = self.webhook.last_error_date
            info["last_error_message"] = self.webhook.last_error_message
        return info

    async def send_message(self, params: Params, files: Files) -> Any:
        """sendMessage: HTML checked, 4096-char limit, topics, replies and inline keyboards."""
        chat = self._chat(params)
        text = params.get("text")
        if not text:
            raise bad_request("message text is empty")
        formatted = format_text(
            str(text), params, entities_key="entities", limit=MESSAGE_LIMIT, what="message"
        )
        if not formatted.text:
            raise bad_request("message text is empty")
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_to(chat, params)
        keyboard = inline_keyboard(params)
        return self.world.build_message(
            self.world.bot,
            chat,
            message_thread_id=thread_id,
            reply_to=reply_to,
            text=formatted.text,
            entities=formatted.entities or None,
            reply_markup=keyboard,
        )

    async def edit_message_text(self, params: Params, files: Files) -> Any:
        """editMessageText for chat messages (inline messages are not emulated)."""
        message = self._message_to_edit(params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        formatted = format_text(
            str(params.get("text") or ""),
            params,
            entities_key="entities",
            limit=MESSAGE_LIMIT,
            what="message",
        )
        if not formatted.text:
            raise bad_request("message text is empty")
        # Omitting reply_markup removes the keyboard, as on Telegram.
        keyboard = inline_keyboard(params)
        if (
            formatted.text == message.get("text")
            and (formatted.entities or None) == message.get("entities")
            and keyboard == message.get("reply_markup")
        ):
            raise _not_modified()
        return self._store_edit(
            message,
            {"text": formatted.text, "entities": formatted.entities, "reply_markup": keyboard},
        )

    async def edit_message_caption(self, params: Params, files: Files) -> Any:
        """editMessageCaption: the caption (and keyboard) of a photo or document message."""
        message = self._message_to_edit(params)
        if "text" in message:
            raise bad_request("message can't be edited")
        caption = format_text(
            str(params.get("caption") or ""),
            params,
            entities_key="caption_entities",
            limit=CAPTION_LIMIT,
            what="message caption",
        )
        keyboard = inline_keyboard(params)
        if (
            (caption.text or None) == message.get("caption")
            and (caption.entities or None) == message.get("caption_entities")
            and keyboard == message.get("reply_markup")
        ):
            raise _not_modified()
        return self._store_edit(
            message,
            {
                "caption": caption.text,
                "caption_entities": caption.entities,
                "reply_markup": keyboard,
            },
        )

    def _message_to_edit(self, params: Params) -> dict[str, Any]:
        """The bot's own chat message that an edit names, or Telegram's error for it."""
        if "inline_message_id" in params:
            raise bad_request("inline messages are not supported by the emulator")
        chat = self.world.resolve_chat(params.get("chat_id", ""))
        if chat is None:
            raise bad_request("chat not found")
        message = self.world.message(chat.id, params.get("message_id", 0))
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.world.bot.id:
            raise bad_request("message can't be edited")
        return message

    def _store_edit(self, message: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        """Store ``message`` with ``fields`` replaced (empty ones removed) and an edit date."""
        edited = {key: value for key, value in message.items() if key not in fields}
        edited.update({key: value for key, value in fields.items() if value})
        edited["edit_date"] = max(edited["date"], int(time.time()))
        self.world.store(edited)
        return edited

    async def answer_callback_query(self, params: Params, files: Files) -> Any:
        """answerCallbackQuery: each query can be answered once."""
        query_id = str(params.get("callback_query_id", ""))
        if self.open_callback_queries.pop(query_id, None) is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self.answered_callbacks.append(dict(params))
        return True

    async def send_photo(self, params: Params, files: Files) -> Any:
        """sendPhoto: a multipart upload (bytes kept), a known file_id, or an HTTP URL."""
        chat = self._chat(params)
        photo = params.get("photo")
        upload = files.get("photo")
        if isinstance(photo, str) and photo.startswith("attach://"):
            upload = files.get(photo.removeprefix("attach://"))
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            stored = self.world.store_file(upload.data, upload.filename, upload.content_type)
        elif isinstance(photo, str) and photo in self.world.files:
            stored = self.world.files[photo]
        elif isinstance(photo, str) and re.match(r"^https?://", photo):
            stored = self.world.store_file(b"", photo, None)
        elif photo:
            raise bad_request("wrong file identifier/HTTP URL specified")
        else:
            raise bad_request("there is no photo in the request")
        caption = format_text(
            str(params.get("caption") or ""),
            params,
            entities_key="caption_entities",
            limit=CAPTION_LIMIT,
            what="message caption",
        )
        width, height = image_size(stored.data)
        return self.world.build_message(
            self.world.bot,
            chat,
            message_thread_id=self._thread_id(chat, params),
            reply_to=self._reply_to(chat, params),
            photo=[
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(stored.data),
                    "width": width,
                    "height": height,
                }
            ],
            caption=caption.text or None,
            caption_entities=caption.entities or None,
            reply_markup=inline_keyboard(params),
        )

    async def send_document(self, params: Params, files: Files) -> Any:
        """sendDocument: a multipart upload (bytes, file name and type kept) or a known
        file_id; the caption follows sendPhoto's rules."""
        chat = self._chat(params)
        document = params.get("document")
        upload = files.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            upload = files.get(document.removeprefix("attach://"))
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            stored = self.world.store_file(upload.data, upload.filename, upload.content_type)
        elif isinstance(document, str) and document in self.world.files:
            stored = self.world.files[document]
        elif document:
            raise bad_request("wrong file identifier/HTTP URL specified")
        else:
            raise bad_request("there is no document in the request")
        caption = format_text(
            str(params.get("caption") or ""),
            params,
            entities_key="caption_entities",
            limit=CAPTION_LIMIT,
            what="message caption",
        )
        return self.world.build_message(
            self.world.bot,
            chat,
            message_thread_id=self._thread_id(chat, params),
            reply_to=self._reply_to(chat, params),
            document=stored.to_document(),
            caption=caption.text or None,
            caption_entities=caption.entities or None,
            reply_markup=inline_keyboard(params),
        )

    async def delete_message(self, params: Params, files: Files) -> Any:
        """deleteMessage: the bot deletes its own messages (and, in groups, others' only as an
        admin, which the emulated bot is not)."""
        chat = self.world.resolve_chat(params.get("chat_id", ""))
        if chat is None:
            raise bad_request("chat not found")
        message = self.world.message(chat.id, params.get("message_id", 0))
        if message is None:
            raise bad_request("message to delete not found")
        if message["from"]["id"] != self.world.bot.id and chat.type != "private":
            raise bad_request("message can't be deleted")
        self.world.delete(chat.id, message["message_id"])
        return True

    async def get_file(self, params: Params, files: Files) -> Any:
        """getFile: ``file_path`` is downloadable under the emulator's ``base_file_url``;
        bots may download files of up to 20 MB (https://core.telegram.org/bots/api#getfile)."""
        stored = self.world.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > GET_FILE_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code") or ""

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """The commands set for ``scope`` (default scope if None) and ``language_code``."""
        key = self._commands_key({"scope": scope, "language_code": language_code})
        return self.commands.get(key, [])

    async def set_my_commands(self, params: Params, files: Files) -> Any:
        """setMyCommands, per scope and language."""
        self.commands[self._commands_key(params)] = check_commands(params.get("commands"))
        return True

    async def get_my_commands(self, params: Params, files: Files) -> Any:
        """getMyCommands for exactly that scope and language."""
        return self.commands.get(self._commands_key(params), [])

    async def delete_my_commands(self, params: Params, files: Files) -> Any:
        """deleteMyCommands."""
        self.commands.pop(self._commands_key(params), None)
        return True

    async def get_chat(self, params: Params, files: Files) -> Any:
        """getChat: a ChatFullInfo."""
        chat = self.world.resolve_chat(params.get("chat_id", ""))
        if chat is None:
            raise bad_request("chat not found")
        return chat.to_full_info()


def _not_modified() -> Exception:
    return bad_request(
        "message is not modified: specified new message content and reply markup are "
        "exactly the same as a current content and reply markup of the message"
    )

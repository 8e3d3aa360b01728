"""Delivering one neutral ``Outbound`` through the Bot API, and translating Telegram's errors.

The core's send queue calls ``Sender.send`` one message at a time and owns pacing and retries:
a 429 becomes ``RetryAfter`` (the queue waits and retries the same message), a refusal that
retrying cannot fix becomes ``DeliveryError``; network errors propagate and the queue backs off.
Nothing here sleeps or retries.
"""

from __future__ import annotations

import datetime as dtm
import logging
import warnings

import telegram
from telegram import InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, TelegramError
from telegram.warnings import PTBDeprecationWarning

from salon.adapters.telegram.buttons import ButtonCodec
from salon.adapters.telegram.raw_bot import TelegramBot
from salon.adapters.telegram.render import HTML, PLATFORM
from salon.adapters.telegram.split import CAPTION_LIMIT, split_html, visible_length
from salon.core import DeliveryError, Outbound, RetryAfter, Sent, SpaceRef

log = logging.getLogger(__name__)

HTML_MODE = ParseMode.HTML
# Forbidden descriptions meaning the member cannot be written to until they act.
_UNREACHABLE = {
    "bot can't initiate conversation": "they have not started a chat with the bot",
    "bot was blocked by the user": "they blocked the bot",
    "user is deactivated": "their account is deleted",
}


class Sender:
    """Renders and sends ``Outbound`` messages with a PTB ``Bot``.

    A message longer than 4,096 characters goes out in parts; if Telegram rate-limits a later
    part, the queue retries the message and the parts already delivered are not sent again.
    """

    def __init__(self, ptb: TelegramBot, codec: ButtonCodec) -> None:
        self.ptb = ptb
        self.codec = codec
        # id(outbound) -> (outbound, ids of the parts delivered so far), for multi-part retries.
        self._progress: dict[int, tuple[Outbound, list[int]]] = {}
        # id(outbound) -> (outbound, the message's id, documents sent), for retries of files.
        self._documents: dict[int, tuple[Outbound, int, int]] = {}

    async def send(self, outbound: Outbound) -> Sent:
        target = outbound.space or outbound.recipient
        assert target is not None
        if not target.id.lstrip("-").isdigit():
            raise DeliveryError(f"{target.id!r} is not a Telegram chat id")
        space = outbound.space or SpaceRef(PLATFORM, target.id)
        try:
            message_id = await self._deliver(int(target.id), outbound)
        except telegram.error.RetryAfter as error:
            raise RetryAfter(retry_seconds(error)) from None
        except (Forbidden, BadRequest, ChatMigrated, InvalidToken) as error:
            self._forget(outbound)
            raise delivery_error(error) from None
        except DeliveryError:
            self._forget(outbound)
            raise
        self._forget(outbound)
        return Sent(str(message_id), space)

    def _forget(self, outbound: Outbound) -> None:
        self._progress.pop(id(outbound), None)
        self._documents.pop(id(outbound), None)

    async def _deliver(self, chat_id: int, outbound: Outbound) -> int:
        if outbound.delete:
            assert outbound.edit_of is not None
            if not outbound.edit_of.isdigit():
                raise DeliveryError(f"{outbound.edit_of!r} is not a Telegram message id")
            await self.ptb.delete_message(chat_id, int(outbound.edit_of))
            return int(outbound.edit_of)
        if outbound.files and outbound.edit_of is None:
            return await self._with_documents(chat_id, outbound)
        return await self._message(chat_id, outbound)

    async def _with_documents(self, chat_id: int, outbound: Outbound) -> int:
        """The message (unless it has no text or image), then each file by ``sendDocument``;
        a retry after ``RetryAfter`` sends only what is still missing."""
        entry = self._documents.get(id(outbound))
        if entry is None or entry[0] is not outbound:
            has_message = bool(outbound.body) or outbound.image is not None or outbound.buttons
            message_id = await self._message(chat_id, outbound) if has_message else 0
            entry = self._documents[id(outbound)] = (outbound, message_id, 0)
        _, message_id, done = entry
        thread_id = int(outbound.thread_id) if outbound.thread_id else None
        for index in range(done, len(outbound.files)):
            file = outbound.files[index]
            sent = await self.ptb.send_document(
                chat_id, file.data, filename=file.name, message_thread_id=thread_id
            )
            message_id = message_id or sent.message_id
            self._documents[id(outbound)] = (outbound, message_id, index + 1)
        return message_id

    async def _message(self, chat_id: int, outbound: Outbound) -> int:
        text = HTML.render(outbound.body)
        keyboard = await self.codec.keyboard(outbound.buttons) if outbound.buttons else None
        thread_id = int(outbound.thread_id) if outbound.thread_id else None
        if outbound.image is not None:
            return await self._photo(chat_id, outbound, text, keyboard, thread_id)
        if outbound.edit_of is not None:
            return await self._edit(chat_id, outbound, text, keyboard, thread_id)
        if len(text) <= 4096 and outbound.reply_to is None:  # the common case, kept short
            return await self._send_text(chat_id, text, thread_id, keyboard, None)
        return await self._parts(chat_id, outbound, split_html(text), keyboard, thread_id)

    async def _send_text(
        self,
        chat_id: int,
        text: str,
        thread_id: int | None,
        keyboard: InlineKeyboardMarkup | None,
        reply: ReplyParameters | None,
    ) -> int:
        return await self.ptb.send_html(
            {
                "chat_id": chat_id,
                "text": text,
                "parse_mode": HTML_MODE,
                "message_thread_id": thread_id,
                "reply_markup": keyboard,
                "reply_parameters": reply,
            }
        )

    async def _parts(
        self,
        chat_id: int,
        outbound: Outbound,
        parts: list[str],
        keyboard: InlineKeyboardMarkup | None,
        thread_id: int | None,
    ) -> int:
        """Send ``parts`` in order (keyboard on the last), skipping those already delivered."""
        entry = self._progress.get(id(outbound))
        if entry is None or entry[0] is not outbound:
            entry = self._progress[id(outbound)] = (outbound, [])
        delivered = entry[1]
        last = len(parts) - 1
        for index in range(len(delivered), len(parts)):
            reply = None
            if index == 0 and outbound.reply_to and outbound.reply_to.isdigit():
                reply = ReplyParameters(int(outbound.reply_to), allow_sending_without_reply=True)
            delivered.append(
                await self._send_text(
                    chat_id, parts[index], thread_id, keyboard if index == last else None, reply
                )
            )
        return delivered[-1] if delivered else 0

    async def _edit(
        self,
        chat_id: int,
        outbound: Outbound,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
        thread_id: int | None,
    ) -> int:
        """``editMessageText``; a body too long for one message continues in new messages."""
        assert outbound.edit_of is not None
        if not outbound.edit_of.isdigit():
            raise DeliveryError(f"{outbound.edit_of!r} is not a Telegram message id")
        message_id = int(outbound.edit_of)
        parts = split_html(text)
        if id(outbound) not in self._progress:
            try:
                await self.ptb.edit_message_text(
                    parts[0],
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=HTML_MODE,
                    reply_markup=keyboard if len(parts) == 1 else None,
                )
            except BadRequest as error:
                description = error.message.lower()
                if "no text in the message" in description:
                    # A photo or a document: its caption is what the message says.
                    await self._edit_caption(chat_id, message_id, text, keyboard)
                    return message_id
                # Pressing the same choice twice edits to the same content; that is fine.
                if "message is not modified" not in description:
                    raise
            self._progress[id(outbound)] = (outbound, [message_id])
        if len(parts) == 1:
            return message_id
        return await self._parts(chat_id, outbound, parts, keyboard, thread_id)

    async def _edit_caption(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
    ) -> None:
        """``editMessageCaption``, the caption cut to Telegram's 1,024 characters."""
        if visible_length(text) > CAPTION_LIMIT:
            text = split_html(text, CAPTION_LIMIT)[0]
        try:
            await self.ptb.edit_message_caption(
                chat_id=chat_id,
                message_id=message_id,
                caption=text,
                parse_mode=HTML_MODE,
                reply_markup=keyboard,
            )
        except BadRequest as error:
            if "message is not modified" not in error.message.lower():
                raise

    async def _photo(
        self,
        chat_id: int,
        outbound: Outbound,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
        thread_id: int | None,
    ) -> int:
        """``sendPhoto`` (a multipart upload); a caption too long for one follows as text."""
        assert outbound.image is not None
        image = outbound.image
        has_text = bool(text.strip())
        fits = has_text and visible_length(text) <= CAPTION_LIMIT
        if id(outbound) not in self._progress:
            message = await self.ptb.send_photo(
                chat_id,
                image.data,
                filename=image.filename,
                caption=text if fits else None,
                parse_mode=HTML_MODE if fits else None,
                message_thread_id=thread_id,
                reply_markup=keyboard if fits or not has_text else None,
            )
            if fits or not has_text:
                return message.message_id
            self._progress[id(outbound)] = (outbound, [])
        return await self._parts(chat_id, outbound, split_html(text), keyboard, thread_id)


def retry_seconds(error: telegram.error.RetryAfter) -> float:
    """``retry_after`` in seconds, whether PTB hands an int or (``PTB_TIMEDELTA``) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)


def delivery_error(error: TelegramError) -> DeliveryError:
    """The ``DeliveryError`` for a refusal retrying cannot fix."""
    description = error.message.lower()
    if isinstance(error, Forbidden):
        for fragment, reason in _UNREACHABLE.items():
            if fragment in description:
                return DeliveryError(f"Telegram: {reason}", unreachable=True)
        return DeliveryError(f"Telegram forbade it: {error.message}")
    if isinstance(error, ChatMigrated):
        return DeliveryError(f"Telegram: the group is now the supergroup {error.new_chat_id}")
    if isinstance(error, InvalidToken):
        return DeliveryError("Telegram rejected the bot token (SALON_TELEGRAM_TOKEN)")
    return DeliveryError(f"Telegram refused the message: {error.message}")

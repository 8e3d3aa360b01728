"""Files on Telegram: a member's document as an attachment (``getFile``, then a download from
``<base_file_url>/bot<token>/<file_path>``).

Telegram reports the document's size with the message and again in ``getFile``; salon refuses
past its limit on either before downloading. Bots can download files of up to 20 MB at all
(https://core.telegram.org/bots/api#getfile).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Message as TgMessage
from telegram.error import TelegramError

from salon.core import Attachment, UserError
from salon.core.files import FileTooLarge, shown_name

if TYPE_CHECKING:
    import telegram


def attachments_of(message: TgMessage, ptb: telegram.Bot) -> tuple[Attachment, ...]:
    """The message's document as an attachment (photos and stickers are not documents)."""
    document = message.document
    if document is None:
        return ()
    name = document.file_name or "document"
    file_id = document.file_id

    async def fetch(limit: int) -> bytes:
        try:
            file = await ptb.get_file(file_id)
            if file.file_size is not None and file.file_size > limit:
                raise FileTooLarge(name, limit, file.file_size)
            data = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            raise UserError(
                f"I couldn't download {shown_name(name)} from Telegram ({error.message}). "
                "Please send it again."
            ) from None
        if len(data) > limit:
            raise FileTooLarge(name, limit, len(data))
        return data

    return (
        Attachment(
            name=name,
            mime_type=document.mime_type or "application/octet-stream",
            size=document.file_size or 0,
            fetch=fetch,
            raw={"file_id": file_id, "file_unique_id": document.file_unique_id},
        ),
    )

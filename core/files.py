"""Files members send: the size limit and allowed types, checked before anything is downloaded.

An inbound ``Attachment`` carries what the platform said about the file (name, type, size) and
a ``fetch`` that downloads it. ``read_attachment`` refuses, with a sentence a member can act on,
a type the feature does not take or a size over the limit, and only then downloads, with the
limit passed on so a platform that under-reported the size cannot make salon read more.
"""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterable, Collection
from pathlib import PurePosixPath

from salon.core.errors import UserError
from salon.core.markup import shorten
from salon.core.model import Attachment

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: The types ``salon.core.documents`` turns into paragraphs.
TEXT_DOCUMENTS = frozenset({"text/plain", "text/markdown", DOCX})
#: What each type is called in a refusal.
_EXTENSIONS = {"text/plain": ".txt", "text/markdown": ".md", DOCX: ".docx"}
_BY_EXTENSION = {".txt": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown"}
_GENERIC = frozenset({"", "application/octet-stream", "binary/octet-stream"})


class FileTooLarge(UserError):
    """A file is over the size limit (raised before or, if the platform under-reported its
    size, during the download)."""

    def __init__(self, name: str, limit: int, size: int | None = None) -> None:
        if size is not None and format_size(size) != format_size(limit):
            how_big = f"is {format_size(size)}; the limit is {format_size(limit)}"
        else:
            how_big = f"is over the limit of {format_size(limit)}"
        super().__init__(
            f"The file {shown_name(name)} {how_big}, so I haven't downloaded it. "
            "Please send a smaller file (or split it in parts)."
        )
        self.limit = limit


def format_size(size: int) -> str:
    """``2 MB``, ``340 KB``, ``12 bytes``: sizes as members read them (1 MB = 1,048,576)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def shown_name(name: str) -> str:
    """A file name quoted for a reply, shortened (it is user text, escaped by the renderer)."""
    name = PurePosixPath(name.replace("\\", "/")).name or "(unnamed)"
    return f"“{shorten(name, 80)}”"


def file_type(attachment: Attachment) -> str:
    """The attachment's MIME type; a generic one reported by the platform is replaced by the
    one its extension stands for."""
    reported = attachment.mime_type.split(";")[0].strip().lower()
    if reported not in _GENERIC:
        return "text/markdown" if reported == "text/x-markdown" else reported
    suffix = PurePosixPath(attachment.name).suffix.lower()
    guessed = _BY_EXTENSION.get(suffix) or mimetypes.types_map.get(suffix)
    return guessed or reported or "application/octet-stream"


def describe_types(allowed: Collection[str]) -> str:
    """``.txt, .md or .docx``: the allowed types as members know them."""
    names = sorted({_EXTENSIONS.get(t) or mimetypes.guess_extension(t) or t for t in allowed})
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


async def read_attachment(
    attachment: Attachment, *, max_bytes: int, allowed: Collection[str] | None = None
) -> bytes:
    """The attachment's bytes, or a ``UserError`` saying why not (nothing downloaded then).

    :param max_bytes: the size limit (``[files] max_bytes`` by default in ``ctx.read_file``).
    :param allowed: the MIME types the feature takes; ``None`` takes any.
    """
    if allowed is not None and file_type(attachment) not in allowed:
        raise UserError(
            f"I can't read {shown_name(attachment.name)} here: please send a "
            f"{describe_types(allowed)} file."
        )
    if attachment.size > max_bytes:
        raise FileTooLarge(attachment.name, max_bytes, attachment.size)
    data = await attachment.fetch(max_bytes)
    if len(data) > max_bytes:  # a fetch that ignored its limit
        raise FileTooLarge(attachment.name, max_bytes, len(data))
    return data


def attachment_from_bytes(name: str, data: bytes, mime_type: str = "") -> Attachment:
    """An attachment whose bytes are already here (the in-memory test platform)."""

    async def fetch(limit: int) -> bytes:
        if len(data) > limit:
            raise FileTooLarge(name, limit, len(data))
        return data

    guessed = mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Attachment(name, guessed, len(data), fetch)


async def read_capped(chunks: AsyncIterable[bytes], limit: int, name: str) -> bytes:
    """Join downloaded ``chunks``, stopping with ``FileTooLarge`` past ``limit`` bytes (for
    adapters' ``fetch``: the platform's reported size is not trusted)."""
    data = bytearray()
    async for chunk in chunks:
        data += chunk
        if len(data) > limit:
            raise FileTooLarge(name, limit)
    return bytes(data)

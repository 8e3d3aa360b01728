"""Documents members send (``.txt``, ``.md``, ``.docx``) as plain paragraphs.

A bad or hostile file is refused with a sentence, never a crash: text that is not UTF-8, a
"``.docx``" that is not a Word document, a zip that would unpack past the limit (a zip bomb:
the declared sizes are checked before anything is unpacked, and Python's zip reader never
returns more than a member declares), or text with invisible control characters, bidi overrides
or lone surrogates (the same checks as typed messages). Parsing runs in a thread.
"""

from __future__ import annotations

import asyncio
import io
import re
import zipfile

from salon.core.errors import UserError
from salon.core.files import DOCX, TEXT_DOCUMENTS, file_type, read_attachment, shown_name
from salon.core.markup import normalize_input
from salon.core.model import Attachment
from salon.core.router import input_problem

#: A .docx has a few dozen parts; thousands mean something else.
MAX_ZIP_MEMBERS = 2000
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+|[ \t]+#+[ \t]*$", re.MULTILINE)


async def read_paragraphs(
    attachment: Attachment, *, max_bytes: int, max_unpacked_bytes: int
) -> tuple[str, ...]:
    """Download a ``.txt``/``.md``/``.docx`` attachment and return its paragraphs.

    Raises ``UserError`` (a sentence for the member) for a wrong type, a file over the limit
    or a file that cannot be read.
    """
    data = await read_attachment(attachment, max_bytes=max_bytes, allowed=TEXT_DOCUMENTS)
    kind = file_type(attachment)
    return await asyncio.to_thread(paragraphs, attachment.name, kind, data, max_unpacked_bytes)


def paragraphs(name: str, mime_type: str, data: bytes, max_unpacked_bytes: int) -> tuple[str, ...]:
    """The paragraphs of a document already downloaded (see ``read_paragraphs``)."""
    if mime_type == DOCX:
        texts = _docx_paragraphs(name, data, max_unpacked_bytes)
    else:
        texts = _text_paragraphs(name, data, markdown=mime_type == "text/markdown")
    found = tuple(normalize_input(p) for p in texts if p.strip())
    for paragraph in found:
        if input_problem(paragraph, len(paragraph)) is not None:
            raise UserError(
                f"{shown_name(name)} has invisible control characters I can't read. "
                "Please save it again as plain text or a Word document."
            )
    if not found:
        raise UserError(f"{shown_name(name)} has no text in it.")
    return found


def _text_paragraphs(name: str, data: bytes, *, markdown: bool) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(
            f"{shown_name(name)} isn't UTF-8 text. Please save it as UTF-8 (or as .docx)."
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [block.strip("\n") for block in _BLANK_LINE.split(text)]
    if markdown:
        blocks = [_MARKDOWN_HEADING.sub("", line) for line in blocks]
    return [block.strip() for block in blocks]


def _docx_paragraphs(name: str, data: bytes, max_unpacked_bytes: int) -> list[str]:
    not_word = UserError(
        f"{shown_name(name)} isn't a Word document I can read. "
        "Please save it again as .docx (or send it as .txt)."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise not_word from None
    if len(members) > MAX_ZIP_MEMBERS or "word/document.xml" not in {m.filename for m in members}:
        raise not_word
    if sum(member.file_size for member in members) > max_unpacked_bytes:
        raise UserError(
            f"{shown_name(name)} unpacks to more text than I can take. "
            "Please send a shorter document (or split it in parts)."
        )
    import docx  # python-docx: imported here, its first import takes a while

    try:
        document = docx.Document(io.BytesIO(data))
        found = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                found.extend(cell.text for cell in row.cells)
    except Exception:  # python-docx raises KeyError, ValueError, lxml errors, … on bad parts
        raise not_word from None
    return [text.strip() for text in found]

"""Files members send: limits and types checked before downloading; documents as paragraphs."""

from __future__ import annotations

import pytest
from documents import docx_bytes, entity_bomb, fake_docx, zip_bomb

from salon.core import DOCX, TEXT_DOCUMENTS, Attachment, FileTooLarge, UserError
from salon.core.documents import read_paragraphs
from salon.core.files import attachment_from_bytes, format_size, read_attachment

LIMITS = {"max_bytes": 2 * 1024 * 1024, "max_unpacked_bytes": 20 * 1024 * 1024}


async def paragraphs_of(name: str, data: bytes, mime_type: str = "") -> tuple[str, ...]:
    return await read_paragraphs(attachment_from_bytes(name, data, mime_type), **LIMITS)


async def test_text_and_markdown_become_paragraphs() -> None:
    text = "Chapter one.\r\nIt was a dark night.\r\n\r\n  \r\nSecond paragraph.\n"
    assert await paragraphs_of("ch1.txt", text.encode()) == (
        "Chapter one.\nIt was a dark night.",
        "Second paragraph.",
    )
    markdown = "# The Title\n\nSome *prose* here.\n\n## Part two ##\n\nMore."
    assert await paragraphs_of("piece.md", markdown.encode()) == (
        "The Title",
        "Some *prose* here.",
        "Part two",
        "More.",
    )


async def test_a_word_document_becomes_paragraphs() -> None:
    data = docx_bytes("Opening line.", "", "Ünïcode and “quotes”.")
    assert await paragraphs_of("draft.docx", data, "application/octet-stream") == (
        "Opening line.",
        "Ünïcode and “quotes”.",
    )


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bomb.docx", zip_bomb(), "unpacks to more text than I can take"),
        ("renamed.docx", b"%PDF-1.7 this is a pdf", "isn't a Word document I can read"),
        ("impostor.docx", fake_docx(), "isn't a Word document I can read"),
        ("laughs.docx", entity_bomb(), "isn't a Word document I can read|has no text in it"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "isn't UTF-8 text"),
        ("bidi.txt", "evil \u202e txt".encode(), "invisible control characters"),
        ("empty.md", b"\n\n   \n", "has no text in it"),
        ("picture.png", b"\x89PNG....", "please send a .docx, .md or .txt file"),
    ],
)
async def test_bad_and_hostile_files_are_refused_with_a_sentence(
    name: str, data: bytes, expected: str
) -> None:
    with pytest.raises(UserError, match=expected):
        await paragraphs_of(name, data)


async def test_an_oversized_file_is_refused_before_downloading() -> None:
    fetched: list[int] = []

    async def fetch(limit: int) -> bytes:
        fetched.append(limit)
        return b""

    big = Attachment("novel.txt", "text/plain", 3 * 1024 * 1024, fetch)
    with pytest.raises(FileTooLarge) as refused:
        await read_attachment(big, max_bytes=2 * 1024 * 1024, allowed=TEXT_DOCUMENTS)
    assert fetched == []
    assert "“novel.txt” is 3 MB; the limit is 2 MB" in refused.value.message


async def test_a_platform_that_under_reports_the_size_cannot_make_us_read_more() -> None:
    liar = attachment_from_bytes("small.txt", b"x" * 5000)
    liar = Attachment(liar.name, "text/plain", 10, liar.fetch)
    with pytest.raises(FileTooLarge):
        await read_attachment(liar, max_bytes=4096)


def test_sizes_read_as_members_read_them() -> None:
    assert [format_size(n) for n in (12, 2048, 2 * 1024 * 1024, 1536 * 1024)] == [
        "12 bytes",
        "2 KB",
        "2 MB",
        "1.5 MB",
    ]
    assert DOCX in TEXT_DOCUMENTS

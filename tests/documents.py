"""Documents for the file tests: real .docx files (python-docx), a zip bomb, impostors."""

from __future__ import annotations

import io
import zipfile

import docx


def docx_bytes(*paragraphs: str) -> bytes:
    """A real Word document with ``paragraphs``."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bomb(unpacked: int = 64 * 1024 * 1024) -> bytes:
    """A small ".docx" whose document part unpacks to ``unpacked`` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                part.write(chunk)
    return out.getvalue()


def fake_docx() -> bytes:
    """A zip that is not a Word document (its document part is not WordprocessingML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<not-word>hello</not-word>")
    return out.getvalue()


def entity_bomb() -> bytes:
    """A real .docx whose document part defines "billion laughs" entities."""
    laughs = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    document = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">' + laughs + "]>"
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    source = zipfile.ZipFile(io.BytesIO(docx_bytes("placeholder")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = document.encode()
            archive.writestr(item.filename, data)
    return out.getvalue()

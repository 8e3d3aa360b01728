"""Telegram's HTML parse mode, ported from TDLib so errors match what the Bot API says.

The Bot API server runs TDLib's ``parse_html`` (td/telegram/MessageEntity.cpp) on ``text`` /
``caption`` when ``parse_mode=HTML``. This is a byte-for-byte port of that loop: it walks the UTF-8
bytes, so the "at byte offset N" in each error is the same number Telegram reports, and entity
offsets/lengths are counted in UTF-16 code units as the Bot API documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EntityParseError",
    "FormattedText",
    "bot_command_entities",
    "parse_html",
    "trim_formatted",
    "utf16_length",
]

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TYPES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
}
# TDLib's MessageEntity::get_type_priority, used to order entities sharing an offset.
_PRIORITY = {
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
    "code": 20,
    "pre": 11,
    "text_link": 49,
    "text_mention": 49,
    "blockquote": 0,
    "expandable_blockquote": 0,
    "bot_command": 50,
}
_SPACES = b" \t\r\n\x0b\x0c"


class EntityParseError(ValueError):
    """Malformed markup; ``str(error)`` is TDLib's message, e.g. ``Unsupported start tag``."""


@dataclass
class FormattedText:
    """Plain text plus Bot API ``MessageEntity`` dicts (offsets in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    argument: str
    utf16_offset: int
    result_pos: int
    expandable: bool = False


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Bot API entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _utf16_step(lead: int) -> int:
    """UTF-16 units of the UTF-8 sequence starting with byte ``lead`` (0 if not a lead)."""
    if (lead & 0xC0) == 0x80:
        return 0
    return 2 if lead >= 0xF0 else 1


def _decode_entity(data: bytes, pos: int) -> tuple[int, int]:
    """TDLib's ``decode_html_entity``: returns (code point or 0, position after the entity)."""
    size = len(data)
    end = pos + 1
    code = 0
    if end < size and data[end] == ord("#"):
        end += 1
        if end < size and data[end] == ord("x"):
            end += 1
            while end < size and chr(data[end]) in "0123456789abcdefABCDEF":
                code = code * 16 + int(chr(data[end]), 16)
                end += 1
        else:
            while end < size and 0x30 <= data[end] <= 0x39:
                code = code * 10 + data[end] - 0x30
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while end < size and chr(data[end]).isascii() and chr(data[end]).isalpha():
            end += 1
        name = data[pos + 1 : end]
        code = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}.get(name, 0)
        if code == 0:
            return 0, pos
    if end < size and data[end] == ord(";"):
        end += 1
    return code, end


def _is_link_user_id(url: str) -> int | None:
    """``tg://user?id=123`` links become ``text_mention`` entities in TDLib."""
    prefix = "tg://user?id="
    if url.lower().startswith(prefix) and url[len(prefix) :].isdigit():
        return int(url[len(prefix) :])
    return None


def parse_html(markup: str) -> FormattedText:
    """Parse Telegram HTML into text and entities, or raise :class:`EntityParseError`.

    Mirrors TDLib's rules: only the documented tags, attributes quoted or as name tokens,
    ``&lt; &gt; &amp; &quot;`` and numeric references decoded, any other ``&name;`` kept
    literally, a bare ``<`` is an (unsupported) start tag.
    """
    data = markup.encode("utf-8")
    size = len(data)

    def at(index: int) -> int:
        # TDLib reads a NUL-terminated C string; reading past the end yields 0.
        return data[index] if index < size else 0

    result = bytearray()
    entities: list[dict[str, Any]] = []
    nested: list[_Open] = []
    utf16 = 0
    i = 0
    while i < size:
        c = data[i]
        if c == ord("&"):
            code, after = _decode_entity(data, i)
            if code:
                if 0xD800 <= code <= 0xDFFF:
                    raise EntityParseError(
                        "Text contains invalid Unicode characters after decoding HTML entities, "
                        "check for unmatched surrogate code units"
                    )
                utf16 += 2 if code > 0xFFFF else 1
                result += chr(code).encode("utf-8")
                i = after
                continue
        if c != ord("<"):
            utf16 += _utf16_step(c)
            result.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            while at(i) not in _SPACES and at(i) != ord(">") and at(i) != 0:
                i += 1
            if at(i) == 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            tag = data[begin + 1 : i].decode("utf-8", "replace").lower()
            if tag not in _SUPPORTED_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            expandable = False
            while at(i) != ord(">"):
                while at(i) != 0 and at(i) in _SPACES:
                    i += 1
                if at(i) == ord(">"):
                    break
                attribute_begin = i
                while at(i) != 0 and at(i) not in _SPACES and at(i) not in b"=>":
                    i += 1
                attribute = data[attribute_begin:i].decode("utf-8", "replace")
                if not attribute:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while at(i) != 0 and at(i) in _SPACES:
                    i += 1
                if tag == "blockquote" and attribute == "expandable" and at(i) != ord("="):
                    # Bot API 7.4: <blockquote expandable> is the one value-less attribute.
                    expandable = True
                    continue
                if at(i) != ord("="):
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                i += 1
                while at(i) != 0 and at(i) in _SPACES:
                    i += 1
                if at(i) == 0:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if at(i) not in b"'\"":
                    token_begin = i
                    while at(i) != 0 and (
                        (chr(at(i)).isascii() and chr(at(i)).isalnum()) or at(i) in b".-"
                    ):
                        i += 1
                    value = data[token_begin:i].decode("utf-8", "replace").lower()
                    if at(i) not in _SPACES and at(i) != ord(">"):
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    quote = at(i)
                    i += 1
                    value_bytes = bytearray()
                    while at(i) != quote and at(i) != 0:
                        if at(i) == ord("&"):
                            code, after = _decode_entity(data, i)
                            if code:
                                value_bytes += chr(code).encode("utf-8", "surrogatepass")
                                i = after
                                continue
                        value_bytes.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = value_bytes.decode("utf-8", "replace")
                if at(i) == 0:
                    raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
                if tag == "a" and attribute == "href":
                    argument = value
                elif tag == "code" and attribute == "class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
                elif tag == "tg-emoji" and attribute == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            nested.append(_Open(tag, argument, utf16, len(result), expandable))
            i += 1  # past '>'
            continue

        # An end tag.
        if not nested:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        while at(i) != 0 and at(i) not in _SPACES and at(i) != ord(">"):
            i += 1
        end_tag = data[begin + 2 : i].decode("utf-8", "replace").lower()
        while at(i) != 0 and at(i) in _SPACES:
            i += 1
        if at(i) != ord(">"):
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        i += 1
        opened = nested.pop()
        if end_tag and end_tag != opened.tag:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {begin}, "
                f'expected "</{opened.tag}>", found "</{end_tag}>"'
            )
        if utf16 > opened.utf16_offset:
            entity = _close_entity(opened, utf16, result, entities)
            if entity is not None:
                entities.append(entity)

    if nested:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{nested[-1].tag}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], 50)))
    return FormattedText(result.decode("utf-8"), entities)


def _close_entity(
    opened: _Open, utf16_end: int, result: bytearray, entities: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The entity an end tag produces, or None (a merged pre/code, or an unusable link)."""
    offset, length = opened.utf16_offset, utf16_end - opened.utf16_offset
    tag = opened.tag
    if tag in _SIMPLE_TYPES or tag == "span":
        return {"type": _SIMPLE_TYPES.get(tag, "spoiler"), "offset": offset, "length": length}
    if tag == "tg-emoji":
        if not opened.argument.isdigit() or int(opened.argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        return {
            "type": "custom_emoji",
            "offset": offset,
            "length": length,
            "custom_emoji_id": opened.argument,
        }
    if tag == "a":
        url = opened.argument or result[opened.result_pos :].decode("utf-8", "replace")
        user_id = _is_link_user_id(url)
        if user_id is not None:
            return {
                "type": "text_mention",
                "offset": offset,
                "length": length,
                "user": {"id": user_id, "is_bot": False, "first_name": ""},
            }
        if not url.strip():
            return None  # TDLib's get_checked_link rejects it and drops the entity
        if "://" not in url:
            url = "http://" + url
        return {"type": "text_link", "offset": offset, "length": length, "url": url}
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    if tag == "pre":
        if same_span and last is not None and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
            return None
        return {"type": "pre", "offset": offset, "length": length}
    if tag == "code":
        if same_span and last is not None and last["type"] == "pre" and opened.argument:
            last["language"] = opened.argument
            return None
        entity = {"type": "code", "offset": offset, "length": length}
        if opened.argument:
            entity["language"] = opened.argument  # dropped at the end unless merged into <pre>
        return entity
    # blockquote
    kind = "expandable_blockquote" if opened.expandable else "blockquote"
    return {"type": kind, "offset": offset, "length": length}


def trim_formatted(formatted: FormattedText) -> FormattedText:
    """Strip leading/trailing whitespace as the Bot API does, keeping entities aligned."""
    text = formatted.text
    stripped = text.strip()
    if stripped == text:
        return formatted
    if not stripped:
        return FormattedText("", [])
    start = utf16_length(text[: len(text) - len(text.lstrip())])
    end = start + utf16_length(stripped)
    entities = []
    for entity in formatted.entities:
        lo = max(entity["offset"], start)
        hi = min(entity["offset"] + entity["length"], end)
        if hi > lo:
            entities.append({**entity, "offset": lo - start, "length": hi - lo})
    return FormattedText(stripped, entities)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities as Telegram detects them in a member's message.

    TDLib's ``match_bot_commands``: ``/name`` (1-64 of ``[A-Za-z0-9_]``) optionally followed by
    ``@botname`` (3-32 chars), not preceded by a word character, ``/``, ``<`` or ``>``.
    """
    entities = []
    i = 0
    while (i := text.find("/", i)) != -1:
        if i > 0 and (_is_word_char(text[i - 1]) or text[i - 1] in "/<>"):
            i += 1
            continue
        j = i + 1
        while j < len(text) and text[j].isascii() and _is_word_char(text[j]):
            j += 1
        end = j
        if not 1 <= j - i - 1 <= 64:
            i = j if j > i + 1 else i + 1
            continue
        if j < len(text) and text[j] == "@":
            k = j + 1
            while k < len(text) and text[k].isascii() and _is_word_char(text[k]):
                k += 1
            if not 3 <= k - j - 1 <= 32:
                i = k
                continue
            end = k
        if end < len(text) and (_is_word_char(text[end]) or text[end] in "/<>"):
            i = end
            continue
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_length(text[:i]),
                "length": utf16_length(text[i:end]),
            }
        )
        i = end
    return entities

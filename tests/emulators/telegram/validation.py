"""Telegram's checks on message content: text/captions, inline keyboards, commands, images.

Pure functions that raise :class:`~.errors.ApiError` with the Bot API's wording.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping
from typing import Any

from .errors import bad_request
from .html_check import EntityParseError, FormattedText, parse_html, trim_formatted

__all__ = [
    "CAPTION_LIMIT",
    "MESSAGE_LIMIT",
    "check_commands",
    "format_text",
    "image_size",
    "inline_keyboard",
]

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
_CALLBACK_DATA_LIMIT = 64
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


def format_text(
    text: str, params: Mapping[str, Any], *, entities_key: str, limit: int, what: str
) -> FormattedText:
    """Apply ``parse_mode`` to ``text``, trim it, and enforce ``limit`` characters.

    HTML goes through the TDLib port; Markdown modes are passed through unparsed (the emulator
    does not validate them); explicit ``entities``/``caption_entities`` are kept as given.
    """
    parse_mode = str(params.get("parse_mode") or "").lower()
    if parse_mode == "html":
        try:
            formatted = parse_html(text)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from exc
    elif parse_mode in {"", "markdown", "markdownv2"}:
        formatted = FormattedText(text, list(params.get(entities_key) or []))
    else:
        raise bad_request("unsupported parse_mode")
    formatted = trim_formatted(formatted)
    # The limit counts characters after entity parsing (https://core.telegram.org/bots/api#sendmessage).
    if len(formatted.text) > limit:
        raise bad_request(f"{what} is too long")
    return formatted


def inline_keyboard(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """Validate ``reply_markup``; return it only if it is an inline keyboard.

    A ``Message`` echoes only inline keyboards; reply keyboards and ``remove_keyboard`` are
    accepted and not shown.
    """
    markup = params.get("reply_markup")
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not _BUTTON_ACTIONS & button.keys():
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= _CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
    return {"inline_keyboard": rows}


def check_commands(commands: object) -> list[dict[str, str]]:
    """Validate ``setMyCommands``' list: names 1-32 of ``[a-z0-9_]``, descriptions 1-256."""
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    checked = []
    for command in commands:
        name = str(command.get("command", "")) if isinstance(command, dict) else ""
        description = str(command.get("description", "")) if isinstance(command, dict) else ""
        if not _COMMAND_RE.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": name, "description": description})
    return checked


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG or JPEG (0, 0 if neither): ``PhotoSize`` needs both."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return 0, 0

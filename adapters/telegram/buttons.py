"""Neutral buttons ↔ inline keyboards and ``callback_data``.

``callback_data`` holds 1-64 bytes (https://core.telegram.org/bots/api#inlinekeyboardbutton).
A button whose ``action|value`` fits is sent as is; a longer one is sent as ``#`` plus a short
digest, and the pair is kept in salon's state table under that key so a press still works
after a restart.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from salon.core import Button

if TYPE_CHECKING:
    from salon.core import Bot

CALLBACK_DATA_LIMIT = 64
_SEPARATOR = "|"
_KEYED = "#"
#: One row when the labels are this short in total; otherwise one button per row.
_ONE_ROW_CHARACTERS = 30


class ButtonCodec:
    """Encodes buttons as ``callback_data`` and decodes presses back to ``(action, value)``."""

    def __init__(self, storage: Bot) -> None:
        self.storage = storage
        self._keys: dict[str, tuple[str, str]] = {}

    async def keyboard(self, buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
        """The inline keyboard for ``buttons`` (``None`` without buttons)."""
        if not buttons:
            return None
        keys = [
            InlineKeyboardButton(button.label or "·", callback_data=await self.encode(button))
            for button in buttons
        ]
        if len(keys) <= 4 and sum(len(b.label) for b in buttons) <= _ONE_ROW_CHARACTERS:
            return InlineKeyboardMarkup([keys])
        return InlineKeyboardMarkup([[key] for key in keys])

    async def encode(self, button: Button) -> str:
        data = f"{button.action}{_SEPARATOR}{button.value}"
        if (
            _SEPARATOR not in button.action
            and not data.startswith(_KEYED)
            and len(data.encode()) <= CALLBACK_DATA_LIMIT
        ):
            return data
        digest = hashlib.sha256(f"{button.action}\0{button.value}".encode()).digest()
        key = _KEYED + base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")
        if key not in self._keys:
            await self.storage.set_state(_state_key(key), [button.action, button.value])
            self._keys[key] = (button.action, button.value)
        return key

    async def decode(self, data: str) -> tuple[str, str] | None:
        """The ``(action, value)`` a press carries, or ``None`` if it is not one of ours."""
        if data.startswith(_KEYED):
            found = self._keys.get(data)
            if found is None:
                stored = await self.storage.get_state(_state_key(data))
                if not (isinstance(stored, list) and len(stored) == 2):
                    return None
                found = self._keys[data] = (str(stored[0]), str(stored[1]))
            return found
        action, separator, value = data.partition(_SEPARATOR)
        return (action, value) if separator else None


def _state_key(key: str) -> str:
    return f"telegram:button:{key}"

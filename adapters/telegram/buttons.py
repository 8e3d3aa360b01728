"""Neutral buttons ↔ inline keyboards and ``callback_data``.

``callback_data`` holds 1-64 bytes (https://core.telegram.org/bots/api#inlinekeyboardbutton),
too little for an action and its value, so what a message's buttons mean lives in the core's
interactions table: every button carries ``<key>:<n>``, the key naming the message's buttons
there. A press after a restart still works; a press after the
buttons expired (``[interactions] expiry_days``) decodes to ``EXPIRED`` and the member is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from salon.core import Button
from salon.core.interactions import EXPIRED

if TYPE_CHECKING:
    from salon.core.interactions import Interactions

PLATFORM = "telegram"
CALLBACK_DATA_LIMIT = 64
_SEPARATOR = ":"
#: One row when the labels are this short in total; otherwise one button per row.
_ONE_ROW_CHARACTERS = 30


class ButtonCodec:
    """Encodes buttons as ``callback_data`` and decodes presses back to ``(action, value)``."""

    def __init__(self, interactions: Interactions) -> None:
        self.interactions = interactions

    async def keyboard(self, buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
        """The inline keyboard for ``buttons`` (``None`` without buttons)."""
        if not buttons:
            return None
        key = await self.interactions.remember_buttons(PLATFORM, tuple(buttons))
        keys = [
            InlineKeyboardButton(button.label or "·", callback_data=f"{key}{_SEPARATOR}{index}")
            for index, button in enumerate(buttons)
        ]
        if len(keys) <= 4 and sum(len(b.label) for b in buttons) <= _ONE_ROW_CHARACTERS:
            return InlineKeyboardMarkup([keys])
        return InlineKeyboardMarkup([[key] for key in keys])

    async def decode(self, data: str) -> tuple[str, str]:
        """The ``(action, value)`` a press carries; ``(EXPIRED, "")`` if its buttons are no
        longer known (expired, or not ours)."""
        key, separator, index = data.rpartition(_SEPARATOR)
        button = None
        if separator and index.isdigit():
            button = await self.interactions.recall_button(key, int(index))
        return (button.action, button.value) if button is not None else (EXPIRED, "")

"""Buttons on Slack: what they mean lives in the core's interactions table, not in the message.

Every button of a message is sent as ``action_id = "salon_button:<key>#<n>"`` and
``value = "<n>"``; the key names the message's ``(action, value)`` pairs in the interactions
table, which expire (``[interactions] expiry_days``). A press looks its pair up there; a press
on buttons that expired reaches the core as ``ButtonPress.action == EXPIRED``, and the member is
told so. (Forms ride on the same table, see forms.py.)
"""

from __future__ import annotations

import attrs

from salon.adapters.slack.config import PLATFORM
from salon.core import Button, ButtonPress
from salon.core.interactions import EXPIRED, Interactions

BUTTON_PREFIX = "salon_button:"


class SlackButtons:
    """Encodes a message's buttons through the interactions table and decodes presses."""

    def __init__(self, interactions: Interactions) -> None:
        self.interactions = interactions

    async def encode(self, buttons: tuple[Button, ...]) -> tuple[Button, ...]:
        """The buttons as sent: the same labels, actions replaced by a key and a position."""
        if not buttons:
            return ()
        key = await self.interactions.remember_buttons(PLATFORM, buttons)
        return tuple(
            Button(button.label, BUTTON_PREFIX + key, str(index))
            for index, button in enumerate(buttons)
        )

    async def decode(self, press: ButtonPress) -> ButtonPress:
        """The press with the action and value its button was sent with (``EXPIRED`` if the
        buttons are no longer known); a press on a button sent before salon kept buttons in
        the table passes through as it came."""
        if not press.action.startswith(BUTTON_PREFIX):
            return press
        key = press.action[len(BUTTON_PREFIX) :]
        index = int(press.value) if press.value.isdigit() else -1
        button = await self.interactions.recall_button(key, index)
        if button is None:
            return attrs.evolve(press, action=EXPIRED, value="")
        return attrs.evolve(press, action=button.action, value=button.value)

"""Forms on Slack: a button under the message opens a modal; its submission is a ButtonPress.

A modal can only be opened with the ``trigger_id`` of an interaction less than 3 seconds old
(https://api.slack.com/surfaces/modals#opening), so a message cannot arrive with its modal
open: the form rides on the message as one more button (``action_id = "salon_form:<key>#n"``),
and its click calls ``views.open``. The submission (``view_submission``, callback_id
``salon_form:<key>``) carries no channel, so the form is kept by key with the channel it was
sent to, in the core's interactions table (so a click after a restart still works, and a form
older than ``[interactions] expiry_days`` has expired). The key is a digest of form and
channel, so a resend after ``RetryAfter`` reuses it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from salon.adapters.slack.config import PLATFORM
from salon.adapters.slack.inbound import space_for
from salon.core import Button, ButtonPress, Form, Member
from salon.core.markup import defuse
from salon.core.serialization import converter

if TYPE_CHECKING:
    from salon.core.interactions import Interactions

log = logging.getLogger(__name__)

#: Prefix of the opening button's action and of the modal's ``callback_id``.
FORM_PREFIX = "salon_form:"
#: Slack's limits for modals (https://api.slack.com/reference/surfaces/views):
#: title, submit and close texts 24 characters, 100 blocks, labels 2,000 characters.
TITLE_LIMIT = 24
MAX_FIELDS = 100
FIELD_LABEL_LIMIT = 2000
#: The action_id of every field's ``plain_text_input`` (block ids tell the fields apart).
INPUT_ACTION = "value"


@attrs.frozen
class SentForm:
    """A form as it was sent: what to show, and the channel its answers belong to."""

    form: Form
    channel: str


attrs.resolve_types(SentForm)


class Forms:
    """The forms sent, by key, in the interactions table."""

    def __init__(self, interactions: Interactions) -> None:
        self.interactions = interactions

    async def button(self, form: Form, channel: str) -> Button:
        """Remember ``form`` as sent to ``channel``; the button that opens it."""
        data = converter.unstructure(SentForm(form, channel))
        key = await self.interactions.remember(PLATFORM, {"form": data}, space=channel)
        return Button(form.open_label, FORM_PREFIX + key)

    async def get(self, key: str) -> SentForm | None:
        """The form sent under ``key``; ``None`` if unknown or expired."""
        stored = await self.interactions.recall(key)
        if not isinstance(stored, dict) or "form" not in stored:
            return None
        return converter.structure(stored["form"], SentForm)


def form_key(action_or_callback_id: str) -> str | None:
    """The form key in a button's action or a modal's ``callback_id``, if it is a form's."""
    if action_or_callback_id.startswith(FORM_PREFIX):
        return action_or_callback_id[len(FORM_PREFIX) :] or None
    return None


def modal_view(form: Form, key: str) -> dict[str, Any]:
    """The ``views.open`` view: one ``input`` block per field. Every text is ``plain_text``,
    which Slack never parses for mentions or markup; ``defuse`` drops control characters."""
    return {
        "type": "modal",
        "callback_id": FORM_PREFIX + key,
        "title": _plain(form.title, TITLE_LIMIT),
        "submit": _plain(form.submit_label, TITLE_LIMIT),
        "close": _plain("Cancel", TITLE_LIMIT),
        "blocks": [
            {
                "type": "input",
                "block_id": _block_id(index),
                "optional": field.optional,
                "label": _plain(field.label, FIELD_LABEL_LIMIT),
                "element": {
                    "type": "plain_text_input",
                    "action_id": INPUT_ACTION,
                    "multiline": field.multiline,
                },
            }
            for index, field in enumerate(form.fields[:MAX_FIELDS])
        ],
    }


def press_from_submission(
    body: Mapping[str, Any], member: Member, sent: SentForm
) -> ButtonPress | None:
    """A ``view_submission`` payload as the ButtonPress for the form's action (None if the
    payload lacks the view's id)."""
    view = body.get("view")
    if not isinstance(view, Mapping) or not isinstance(view.get("id"), str):
        return None
    state = view.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    values = values if isinstance(values, Mapping) else {}
    answers = {}
    for index, field in enumerate(sent.form.fields[:MAX_FIELDS]):
        block = values.get(_block_id(index))
        entry = block.get(INPUT_ACTION) if isinstance(block, Mapping) else None
        text = entry.get("value") if isinstance(entry, Mapping) else None
        answers[field.name] = text if isinstance(text, str) else ""
    return ButtonPress(
        space=space_for(sent.channel),
        member=member,
        action=sent.form.action,
        value="",
        event_id=f"{view['id']}-{view.get('hash') or ''}",
        values=answers,
        raw=body,
    )


def _block_id(index: int) -> str:
    return f"salon_field_{index}"


def _plain(text: str, limit: int) -> dict[str, Any]:
    shown = defuse(text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return {"type": "plain_text", "text": shown or "…", "emoji": True}

"""Slack payloads → neutral values. Pure functions: no I/O, no SDK objects.

Slack sends user text with ``&`` ``<`` ``>`` escaped and its own markup in angle brackets
(https://api.slack.com/reference/surfaces/formatting#retrieving-messages); ``plain_text``
turns that back into what the member typed. Mentions of members stay as ``<@U…>`` so a
feature could still tell who was meant; rendering escapes them like any user text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from salon.adapters.slack.config import PLATFORM
from salon.adapters.slack.render import action_of
from salon.core import Attachment, ButtonPress, Member, Message, Space, SpaceRef

#: Message subtypes that are still a member writing something; every other subtype
#: (bot_message, message_changed, channel_join, …) is not a message to answer.
USER_SUBTYPES = frozenset({"thread_broadcast", "file_share"})

_TOKEN = re.compile(r"<([^<>]*)>")


def plain_text(text: str) -> str:
    """Slack's wire format back to the text the member typed."""
    if "<" in text:
        text = _TOKEN.sub(_plain_token, text)
    if "&" in text:
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text


def _plain_token(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # <@U123> or <@U123|name>: keep the id, drop the label
        return f"<{target}>"
    if target.startswith("!"):  # <!channel>, <!here>, <!subteam^S1|@team>, <!date^…|text>
        return label or "@" + target[1:].split("^")[0]
    if target.startswith("#"):  # <#C123|general>
        return "#" + (label or target[1:])
    return label or target  # <https://x|x> is how Slack sends a URL the member typed


def space_for(channel_id: str, *, is_direct: bool | None = None) -> Space:
    """A Space for a channel; ``D…`` channels are direct messages with the bot."""
    return _space(channel_id, channel_id.startswith("D") if is_direct is None else is_direct)


@functools.lru_cache(maxsize=4096)
def _space(channel_id: str, is_direct: bool) -> Space:
    # Spaces are frozen values; a busy channel reuses one instead of building it per event.
    return Space(SpaceRef(PLATFORM, channel_id), is_direct=is_direct)


def is_member_message(event: Mapping[str, Any], bot_user_id: str) -> bool:
    """Whether a ``message`` event is a member writing (not a bot, an edit, a join, …), with
    the fields salon reads of the types Slack documents."""
    subtype = event.get("subtype")
    if subtype is not None and subtype not in USER_SUBTYPES:
        return False
    user = event.get("user")
    if not is_id(user) or user == bot_user_id or event.get("bot_id"):
        return False
    return is_id(event.get("channel")) and isinstance(event.get("text") or "", str)


def is_id(value: object) -> bool:
    """Whether ``value`` looks like a Slack id (a non-empty string); payloads are not trusted."""
    return isinstance(value, str) and bool(value)


def message_from_event(
    body: Mapping[str, Any],
    member: Member,
    bot_user_id: str,
    *,
    mention: bool,
    files: tuple[Attachment, ...] = (),
) -> Message:
    """A ``message`` or ``app_mention`` event as a neutral Message.

    DMs and mentions are addressed (no command prefix needed); the bot's own ``<@U…>`` is
    removed from a mention so ``@salon help`` reads ``help``.
    """
    event = body["event"]
    channel = event["channel"]
    is_direct = event.get("channel_type") == "im" or channel.startswith("D")
    text = event.get("text") or ""
    if mention:
        text = text.replace(f"<@{bot_user_id}>", " ").strip()
    return Message(
        space=space_for(channel, is_direct=is_direct),
        author=member,
        text=plain_text(text),
        event_id=body.get("event_id") or f"{channel}-{event.get('ts')}",
        addressed=mention or is_direct,
        thread_id=event.get("thread_ts"),
        message_id=event.get("ts"),
        attachments=files,
        raw=event,
    )


def message_from_command(command: Mapping[str, Any], member: Member) -> Message:
    """``/salon goal 500`` as the addressed message ``goal 500`` (bare ``/salon``: ``help``)."""
    return Message(
        space=space_for(command["channel_id"]),
        author=member,
        text=plain_text(command.get("text") or "").strip() or "help",
        event_id=command.get("trigger_id") or f"{command['channel_id']}-{command['user_id']}",
        addressed=True,
        raw=command,
    )


def press_from_action(body: Mapping[str, Any], member: Member) -> ButtonPress | None:
    """The first action of a ``block_actions`` payload as a ButtonPress (None if not a button)."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    if not isinstance(action, dict) or action.get("type") != "button":
        return None
    if not is_id(action.get("action_id")):
        return None
    container = _mapping(body.get("container"))
    channel = _mapping(body.get("channel")).get("id") or container.get("channel_id")
    if not isinstance(channel, str) or not channel:
        return None
    message = _mapping(body.get("message"))
    return ButtonPress(
        space=space_for(channel),
        member=member,
        action=action_of(action["action_id"]),
        value=str(action.get("value", "")),
        event_id=body.get("trigger_id") or f"{channel}-{action.get('action_ts')}",
        message_id=container.get("message_ts") or message.get("ts"),
        thread_id=message.get("thread_ts"),
        raw=body,
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}

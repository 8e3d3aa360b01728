"""Telegram updates → neutral members, spaces and command text.

Group chats and supergroups are spaces; a private chat (``chat.id == user.id``) is the direct
space with that member; a forum topic is a thread (``message_thread_id``).
"""

from __future__ import annotations

import attrs
from telegram import Chat, User

from salon.core import Member, MemberRef, Space, SpaceRef

PLATFORM = "telegram"


@attrs.frozen
class Invocation:
    """What the router should see of one message.

    :param text: the text with ``/`` and ``@botname`` removed from a command.
    :param addressed: a private chat, a ``/command`` or a message starting with ``@botname``.
    :param command: the command word when the text was a ``/command`` (lowercased).
    """

    text: str
    addressed: bool
    command: str | None = None


def member_of(user: User) -> Member:
    """The neutral member for a Telegram user; the name is their full name (user text)."""
    name = user.first_name if user.last_name is None else f"{user.first_name} {user.last_name}"
    return Member(MemberRef(PLATFORM, str(user.id)), display_name=name or str(user.id))


def space_of(chat: Chat) -> Space:
    """The neutral space for a chat; private chats are direct."""
    if chat.type == "private":
        name = chat.first_name or ""
        return Space(SpaceRef(PLATFORM, str(chat.id)), name, is_direct=True)
    return Space(SpaceRef(PLATFORM, str(chat.id)), chat.title or "")


def invocation(text: str, *, private: bool, bot_username: str) -> Invocation | None:
    """Read ``/command``, ``/command@botname`` and ``@botname text``; ``None`` when the
    message is a command for another bot (``/cmd@otherbot``) and must be ignored.

    ``bot_username`` is lowercase, without ``@``. ``!command`` and plain text pass through;
    the router handles the prefix.
    """
    if text.startswith("/"):
        head, space, rest = _split_head(text)
        name, at, target = head[1:].partition("@")
        if at and target.lower() != bot_username:
            return None
        if not name:
            return Invocation(text, private)
        return Invocation(f"{name} {rest}" if space else name, True, name.lower())
    if text.startswith("@") and bot_username:
        head, space, rest = _split_head(text)
        if head[1:].lower() == bot_username:
            return Invocation(rest, True)
    return Invocation(text, private)


def _split_head(text: str) -> tuple[str, str, str]:
    """``("/cmd@bot", " ", "args")``: the first word, the whitespace after it, the rest."""
    for index, char in enumerate(text):
        if char.isspace():
            return text[:index], char, text[index + 1 :]
    return text, "", ""

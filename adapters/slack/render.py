"""Neutral markup → Slack: mrkdwn in Block Kit ``section`` blocks, an escaped ``text`` fallback,
and ``actions`` blocks for buttons.

Slack treats ``<…>`` as markup (``<!channel>``, ``<@U…>``, ``<https://x|label>``) and wants
``&``, ``<`` and ``>`` escaped everywhere else
(https://api.slack.com/reference/surfaces/formatting#escaping); every text node goes through
``escape``, so nothing a member typed can become a ping or a disguised link.
"""

from __future__ import annotations

import re
from typing import Any

from salon.core import Button, Markup, PlainRenderer, Renderer
from salon.core.markup import LineBreak, Mention, Text, defuse

#: Slack's limit for the text of one section block.
SECTION_LIMIT = 3000
#: Slack's limits: 50 blocks per message, 25 elements per actions block, 75 chars per label.
MAX_BLOCKS = 50
BUTTONS_PER_BLOCK = 25
LABEL_LIMIT = 75
VALUE_LIMIT = 2000
#: Separates a button's action from its position in ``action_id`` (ids must be unique per block).
ACTION_SEPARATOR = "#"

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Text between Slack's ``<…>`` tokens, and ``@word`` in it that would notify a whole channel.
_OUTSIDE_TOKENS = re.compile(r"<[^>]*>|[^<]+")


def escape(text: str) -> str:
    """Make ``text`` inert in mrkdwn: ``&`` ``<`` ``>`` become entities."""
    return text.translate(_ESCAPES)


def defuse_joins(rendered: str) -> str:
    """Disarm ``@channel``-like words formed where two rendered pieces meet.

    The walker defuses each text node alone, so ``md("@", name)`` or a mention of someone
    called "here" could still spell ``@here``; this pass looks at the whole result, leaving
    ``<…>`` tokens (links, our own ``<@U…>``) alone.
    """
    if "@" not in rendered and "\uff20" not in rendered:
        return rendered
    return _OUTSIDE_TOKENS.sub(_defuse_piece, rendered)


def _defuse_piece(match: re.Match[str]) -> str:
    piece = match.group(0)
    if piece.startswith("<"):
        return piece
    return defuse(piece)


def mention_token(mention: Mention) -> str | None:
    """``<@U…>`` for a Slack member with a well-formed id, else ``None``."""
    member = mention.member
    if member.platform == "slack" and _USER_ID.match(member.id):
        return f"<@{member.id}>"
    return None


class MrkdwnRenderer(Renderer):
    """Slack mrkdwn, for ``section`` blocks."""

    def escape(self, text: str) -> str:
        return text.translate(_ESCAPES)

    def bold(self, inner: str) -> str:
        return f"*{inner}*" if inner else inner

    def italic(self, inner: str) -> str:
        return f"_{inner}_" if inner else inner

    def code(self, text: str) -> str:
        # A backtick would end the code span early; show a look-alike instead.
        return "`" + self.escape(text).replace("`", "\u02cb") + "`" if text else ""

    def link(self, url: str, label: str) -> str:
        # ``|`` and ``>`` end the URL part of <url|label>; the URL was checked safe already.
        target = self.escape(url).replace("|", "%7C")
        return f"<{target}|{defuse_joins(label)}>"

    def mention(self, mention: Mention) -> str:
        return mention_token(mention) or self.escape(defuse("@" + mention.display_name))


class FallbackRenderer(PlainRenderer):
    """The top-level ``text``: shown in notifications and by clients that cannot draw blocks.
    Slack parses it too, so it is escaped the same way."""

    def escape(self, text: str) -> str:
        return text.translate(_ESCAPES)

    def code(self, text: str) -> str:
        return f"`{self.escape(text)}`"

    def link(self, url: str, label: str) -> str:
        return f"{label} ({self.escape(url)})"

    def mention(self, mention: Mention) -> str:
        return mention_token(mention) or self.escape(defuse("@" + mention.display_name))


_SAME_IN_BOTH = frozenset({Text, LineBreak, Mention})
_MRKDWN = MrkdwnRenderer()
_FALLBACK = FallbackRenderer()


def render_message(body: Markup, buttons: tuple[Button, ...] = ()) -> tuple[str, list[Any]]:
    """``(text, blocks)`` for ``chat.postMessage``/``chat.update``."""
    mrkdwn = defuse_joins(_MRKDWN.render(body))
    blocks: list[Any] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in split_text(mrkdwn, SECTION_LIMIT)
    ]
    action_blocks = button_blocks(buttons)
    room = MAX_BLOCKS - len(action_blocks)
    if len(blocks) > room:
        blocks = [*blocks[: room - 1], {"type": "section", "text": {"type": "mrkdwn", "text": "…"}}]
    blocks.extend(action_blocks)
    # Text, line breaks and mentions look the same in both; most replies are only those.
    plain = all(type(node) in _SAME_IN_BOTH for node in body.nodes)
    return (mrkdwn if plain else defuse_joins(_FALLBACK.render(body))), blocks


def render_mrkdwn(body: Markup) -> str:
    """The body as one mrkdwn string (for a file's ``initial_comment``)."""
    return defuse_joins(_MRKDWN.render(body))


def button_blocks(buttons: tuple[Button, ...]) -> list[Any]:
    """``actions`` blocks with one ``button`` per neutral Button (25 per block)."""
    blocks = []
    for start in range(0, len(buttons), BUTTONS_PER_BLOCK):
        elements = [
            {
                "type": "button",
                "text": {
                    "type": "plain_text",
                    "text": defuse(button.label)[:LABEL_LIMIT] or "…",
                    "emoji": True,
                },
                "action_id": f"{button.action}{ACTION_SEPARATOR}{index}",
                "value": button.value[:VALUE_LIMIT],
            }
            for index, button in enumerate(buttons[start : start + BUTTONS_PER_BLOCK], start)
        ]
        blocks.append(
            {"type": "actions", "block_id": f"salon_actions_{start}", "elements": elements}
        )
    return blocks


def action_of(action_id: str) -> str:
    """The neutral action id back from a button's ``action_id``."""
    action, separator, index = action_id.rpartition(ACTION_SEPARATOR)
    return action if separator and index.isdigit() else action_id


def split_text(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters: at line breaks, else at
    spaces, and never inside an entity (``&amp;``) or a ``<…>`` token."""
    if not text:
        return []
    pieces = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit + 1)
        cut = _safe_cut(text, cut if cut > 0 else limit)
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text:
        pieces.append(text)
    return pieces


def _safe_cut(text: str, cut: int) -> int:
    """Move ``cut`` back to before an entity or ``<…>`` token it would split."""
    for opener, closer in (("&", ";"), ("<", ">")):
        start = text.rfind(opener, 0, cut)
        if start > 0 and text.find(closer, start, cut) == -1:
            cut = start
    return cut

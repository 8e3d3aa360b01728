"""Neutral markup → Matrix message content: ``body`` (plain) and ``formatted_body`` (HTML).

The HTML uses only tags from the subset the spec recommends clients accept
(https://spec.matrix.org/v1.11/client-server-api/#mroommessage-msgtypes): ``strong``, ``em``,
``code``, ``a``, ``blockquote``, ``ul``/``ol``/``li`` and ``br``. Every text node goes through
``defuse`` (the core walker) and then ``html.escape``; user text never becomes markup.
"""

from __future__ import annotations

import builtins
import html
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote as url_quote

from salon.core import Button, Markup, Outbound, PlainRenderer, Renderer
from salon.core.markup import Mention, Node, defuse, defuse_html

PLATFORM = "matrix"
HTML_FORMAT = "org.matrix.custom.html"
MATRIX_TO = "https://matrix.to/#/"

#: Keycap emoji for choices 1 to 10, as clients send them in ``m.reaction`` keys.
KEYCAPS = (*(f"{n}\ufe0f\u20e3" for n in range(1, 10)), "\U0001f51f")
_BLOCK_OPEN = ("<ul>", "<ol>", "<blockquote>")
_BLOCK_CLOSE = ("</ul>", "</ol>", "</blockquote>")
# A tag (no visible text but <br>), an entity (one character) or one character.


class MatrixHtmlRenderer(Renderer):
    """``formatted_body`` in the spec's recommended HTML subset."""

    def escape(self, text: str) -> str:
        return html.escape(text).replace("\n", "<br>")

    def bold(self, inner: str) -> str:
        return f"<strong>{inner}</strong>"

    def italic(self, inner: str) -> str:
        return f"<em>{inner}</em>"

    def code(self, text: str) -> str:
        return f"<code>{html.escape(text)}</code>"

    def link(self, url: str, label: str) -> str:
        return f'<a href="{html.escape(url, quote=True)}">{label}</a>'

    def quote(self, inner: str) -> str:
        return f"<blockquote>{inner}</blockquote>"

    def list(self, items: list[str], ordered: bool) -> str:
        tag = "ol" if ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"

    def finish(self, rendered: str) -> str:
        return defuse_html(rendered)

    def mention(self, mention: Mention) -> str:
        name = self.escape(defuse(mention.display_name))
        if mention.member.platform != PLATFORM:
            return self.escape(defuse("@" + mention.display_name))
        # A pill: https://spec.matrix.org/v1.11/client-server-api/#user-and-room-mentions
        href = html.escape(MATRIX_TO + url_quote(mention.member.id, safe="@:"), quote=True)
        return f'<a href="{href}">{name}</a>'

    def line_break(self) -> str:
        return "<br>"

    def join(self, parts: builtins.list[str]) -> str:  # `list` is the method here
        # Blocks already break the line; a <br> next to one would add an empty line.
        kept: builtins.list[str] = []
        last = len(parts) - 1
        for index, part in enumerate(parts):
            if part == "<br>" and (
                (index > 0 and parts[index - 1].endswith(_BLOCK_CLOSE))
                or (index < last and parts[index + 1].startswith(_BLOCK_OPEN))
            ):
                continue
            kept.append(part)
        return "".join(kept)


class MatrixPlainRenderer(PlainRenderer):
    """The plain ``body``: what notifications show and legacy push rules read."""

    def render(self, markup: Markup) -> str:
        # Defused again as a whole: "@" and "room" from two nodes must not meet as "@room".
        return defuse(super().render(markup))

    def mention(self, mention: Mention) -> str:
        return defuse("@" + mention.display_name)


PLAIN = MatrixPlainRenderer()
HTML = MatrixHtmlRenderer()


def mentioned_users(nodes: Iterable[Node]) -> list[str]:
    """The Matrix user ids of the ``Mention`` nodes in ``nodes`` (in order, once each)."""
    found: dict[str, None] = {}
    stack = list(nodes)
    stack.reverse()
    while stack:
        node = stack.pop()
        if isinstance(node, Mention):
            if node.member.platform == PLATFORM:
                found[node.member.id] = None
            continue
        children = getattr(node, "children", None)
        if children is not None:
            stack.extend(reversed(children))
        items = getattr(node, "items", None)
        if items is not None:
            for item in reversed(items):
                stack.extend(reversed(item))
    return list(found)


def keycap(number: int) -> str:
    """The keycap emoji for choice ``number`` (1 to 10), or ``"(n)"`` beyond that."""
    return KEYCAPS[number - 1] if 1 <= number <= len(KEYCAPS) else f"({number})"


def choice_number(text: str, count: int) -> int | None:
    """The choice a member meant by ``text`` (``"2"``, ``"2️⃣"``, ``"2⃣"``), if in 1..count."""
    text = text.strip().replace("\ufe0f", "")
    if text.endswith("\u20e3"):
        text = text[:-1]
    elif text == "\U0001f51f":
        text = "10"
    if not text.isdigit() or len(text) > 3:
        return None
    number = int(text)
    return number if 1 <= number <= count else None


def msgtype_for(outbound: Outbound) -> str:
    """``m.text`` for a direct message salon starts itself, ``m.notice`` for everything else.

    Matrix's default push rules never notify for notices (``.m.rule.suppress_notices``), which
    is right for replies and room posts, but a check-in question or a buddy introduction that
    salon sends a member on its own (an ``Outbound`` to a ``recipient``) must reach them: those
    are ``m.text``. Replies to a member, even in a DM, stay notices; they answer what the member
    just wrote.
    """
    return "m.text" if outbound.recipient is not None else "m.notice"


def message_content(
    body: Markup, buttons: Sequence[Button] = (), *, msgtype: str = "m.notice"
) -> dict[str, Any]:
    """The content of an ``m.notice`` (or ``msgtype``) with ``body`` and, below it, the
    numbered choices.

    ``m.mentions`` is always present, listing exactly the mentioned members: its presence
    switches off the legacy push rules that match display names or ``@room`` in the body
    (https://spec.matrix.org/v1.11/client-server-api/#user-and-room-mentions).
    """
    plain = PLAIN.render(body)
    formatted = HTML.render(body)
    if buttons:
        rows = [f"{keycap(n)} {defuse(b.label)}" for n, b in enumerate(buttons, 1)]
        hint = "React with a number or send it to choose."
        plain = "\n".join([plain, *rows, hint]) if plain else "\n".join([*rows, hint])
        items = "".join(f"<li>{HTML.escape(defuse(b.label))}</li>" for b in buttons)
        formatted = f"{formatted}<ol>{items}</ol><em>{hint}</em>"
    users = mentioned_users(body.nodes)
    return {
        "msgtype": msgtype,
        "body": plain,
        "format": HTML_FORMAT,
        "formatted_body": formatted,
        "m.mentions": {"user_ids": users} if users else {},
    }

"""Neutral markup: a tiny tree that features build with helpers, never by concatenating strings.

Every ``str`` handed to a helper is *user text*: data, never markup. Renderers (the plain one in
``salon.core.rendering``, one per adapter) escape it for their platform, so text a member typed
can never ping ``@channel``/``@everyone``/``@room`` or inject markup.

>>> body = md("Goal set: ", bold("50,000 words"), br(), "by ", italic("30 November"))
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from typing import TypeAlias

import attrs

from salon.core.model import MemberRef


@attrs.frozen
class Text:
    """User or feature text; escaped by every renderer."""

    value: str


@attrs.frozen
class Bold:
    children: tuple[Node, ...]


@attrs.frozen
class Italic:
    children: tuple[Node, ...]


@attrs.frozen
class Code:
    """Inline code: shown verbatim in a monospace font."""

    value: str


@attrs.frozen
class Link:
    """A link; ``url`` must be http(s) or mailto, else it renders as plain text."""

    url: str
    children: tuple[Node, ...]


@attrs.frozen
class Quote:
    children: tuple[Node, ...]


@attrs.frozen
class ListBlock:
    """A bulleted (or numbered) list; each item is a tuple of nodes."""

    items: tuple[tuple[Node, ...], ...]
    ordered: bool = False


@attrs.frozen
class Mention:
    """A mention of one member: pings exactly that member where the platform can."""

    member: MemberRef
    display_name: str


@attrs.frozen
class LineBreak:
    pass


Node: TypeAlias = Text | Bold | Italic | Code | Link | Quote | ListBlock | Mention | LineBreak
Part: TypeAlias = "str | Node | Markup"


@attrs.frozen
class Markup:
    """A sequence of nodes: a whole message body. ``a + b`` concatenates."""

    nodes: tuple[Node, ...] = ()

    def __add__(self, other: Part) -> Markup:
        return Markup(self.nodes + _nodes((other,)))

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def plain(self) -> str:
        """The text content without formatting (for tests, logs and alt texts)."""
        return "".join(_plain(node) for node in self.nodes)


def _nodes(parts: Iterable[Part]) -> tuple[Node, ...]:
    out: list[Node] = []
    for part in parts:
        if isinstance(part, str):
            if part:
                out.append(Text(part))
        elif isinstance(part, Markup):
            out.extend(part.nodes)
        else:
            out.append(part)
    return tuple(out)


def _plain(node: Node) -> str:
    if isinstance(node, Text | Code):
        return node.value
    if isinstance(node, Mention):
        return "@" + node.display_name
    if isinstance(node, LineBreak):
        return "\n"
    if isinstance(node, ListBlock):
        return "\n".join("".join(_plain(n) for n in item) for item in node.items)
    return "".join(_plain(child) for child in node.children)


def md(*parts: Part) -> Markup:
    """Build a message body from strings (user text) and nodes."""
    return Markup(_nodes(parts))


def bold(*parts: Part) -> Bold:
    return Bold(_nodes(parts))


def italic(*parts: Part) -> Italic:
    return Italic(_nodes(parts))


def code(value: str) -> Code:
    return Code(value)


def link(url: str, *label: Part) -> Link:
    return Link(url, _nodes(label) or (Text(url),))


def quote(*parts: Part) -> Quote:
    return Quote(_nodes(parts))


def bullets(*items: Part | Iterable[Part], ordered: bool = False) -> ListBlock:
    """A list; each item is a part or an iterable of parts."""
    rows: list[tuple[Node, ...]] = []
    for item in items:
        if isinstance(item, str | Markup) or not isinstance(item, Iterable):
            rows.append(_nodes((item,)))
        else:
            rows.append(_nodes(item))
    return ListBlock(tuple(rows), ordered)


def mention(member: MemberRef, display_name: str) -> Mention:
    return Mention(member, display_name)


def br() -> LineBreak:
    return LineBreak()


def lines(*rows: Part) -> Markup:
    """Rows separated by line breaks."""
    nodes: list[Node] = []
    for index, row in enumerate(rows):
        if index:
            nodes.append(LineBreak())
        nodes.extend(_nodes((row,)))
    return Markup(tuple(nodes))


# --- making user text safe, shared by every renderer -------------------------------------------

#: Words that notify a whole space when written after ``@`` on some platform.
BROADCAST_WORDS = ("everyone", "channel", "here", "room", "all")
_BROADCAST = re.compile(r"([@\uff20])(?=(?:" + "|".join(BROADCAST_WORDS) + r")\b)", re.IGNORECASE)
WORD_JOINER = "\u2060"
# C0/C1 controls (but newline and tab) and the bidi overrides that can disguise text.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s<>\"']+$", re.IGNORECASE)


def defuse(text: str) -> str:
    """Return user text with control characters removed and broadcast mentions disarmed.

    ``@everyone`` becomes ``@\u2060everyone``: it reads the same but pings nobody.
    """
    if _UNSAFE_CHARS.search(text):
        text = _UNSAFE_CHARS.sub("", text)
    if "@" in text or "\uff20" in text:
        text = _BROADCAST.sub(_join_broadcast, text)
    return text


def _join_broadcast(match: re.Match[str]) -> str:
    return match.group(1) + WORD_JOINER


# A tag, a character reference, or one character.
_HTML_ATOM = re.compile(r"<[^>]+>|&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);|.", re.DOTALL)


def defuse_html(markup: str) -> str:
    """Disarm broadcast words in the *visible* text of rendered HTML.

    ``defuse`` sees one text node at a time, so ``md("@", bold("room"))`` or a mention of
    someone called "here" could still read ``@room``/``@here`` once rendered: tags between the
    two are invisible. Here tags count for nothing (``<br>`` for a line break) and character
    references for the character they stand for; a word joiner goes after each broadcast ``@``.
    """
    if "@" not in markup and "\uff20" not in markup:
        return markup
    atoms = _HTML_ATOM.findall(markup)
    visible: list[str] = []
    owner: list[int] = []  # for each visible character, the atom it came from
    for index, atom in enumerate(atoms):
        if atom.startswith("<") and len(atom) > 1:
            if atom[1:3].lower() != "br":
                continue
            shown = "\n"
        elif atom.startswith("&") and len(atom) > 1:
            shown = html.unescape(atom)
        else:
            shown = atom
        visible.append(shown)
        owner.extend([index] * len(shown))
    for match in reversed(list(_BROADCAST.finditer("".join(visible)))):
        atoms.insert(owner[match.start()] + 1, WORD_JOINER)
    return "".join(atoms)


def shorten(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters (ending in "…"): how a reply echoes
    what a member typed, so a 4,000-character word does not come back whole."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_safe_url(url: str) -> bool:
    """Whether a link target may be rendered as a link (http, https, mailto)."""
    return bool(SAFE_URL.match(url))


#: Characters that take no space: some keyboards and clients put them before or inside words.
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u180e]")


def strip_zero_width(text: str) -> str:
    """``text`` without zero-width characters (for command words, never for what is stored:
    zero-width joiners are part of emoji and of some scripts' spelling)."""
    return ZERO_WIDTH.sub("", text) if not text.isascii() else text


def normalize_input(text: str) -> str:
    """NFC-normalise inbound text so look-alike compositions compare equal, and drop the
    zero-width characters before the first visible one (a byte-order mark or a zero-width space
    some clients send first would otherwise hide the command prefix)."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    start = 0
    while start < len(text) and (text[start].isspace() or ZERO_WIDTH.match(text, start)):
        start += 1
    return text[start:]

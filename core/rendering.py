"""Rendering neutral markup: the walker every adapter reuses, and the plain-text renderer.

An adapter subclasses ``Renderer`` and says how each node looks on its platform; the walk, the
escaping of user text and the degradation of unsafe links stay here, in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from salon.core.markup import (
    Bold,
    Code,
    Italic,
    LineBreak,
    Link,
    ListBlock,
    Markup,
    Mention,
    Node,
    Quote,
    Text,
    defuse,
    is_safe_url,
)


class Renderer:
    """Turns a ``Markup`` tree into one platform's text. Subclasses override the hooks below.

    ``escape`` must make any string inert on the platform; every text node goes through it.
    """

    def render(self, markup: Markup) -> str:
        return self.finish(self.join([self.node(node) for node in markup.nodes]))

    def finish(self, rendered: str) -> str:
        """A last pass over the whole rendered message (plain text: defuse across nodes)."""
        return rendered

    def node(self, node: Node) -> str:
        if type(node) is Text:  # the commonest node: skip the chain below
            return self.escape(defuse(node.value))
        if isinstance(node, Text):
            return self.escape(defuse(node.value))
        if isinstance(node, Bold):
            return _spaces_outside(self.bold, self.children(node.children))
        if isinstance(node, Italic):
            return _spaces_outside(self.italic, self.children(node.children))
        if isinstance(node, Code):
            return self.code(defuse(node.value))
        if isinstance(node, Link):
            label = self.children(node.children)
            return self.link(node.url, label) if is_safe_url(node.url) else label
        if isinstance(node, Quote):
            return self.quote(self.children(node.children))
        if isinstance(node, ListBlock):
            items = [self.children(item) for item in node.items]
            return self.list(items, node.ordered)
        if isinstance(node, Mention):
            return self.mention(node)
        if isinstance(node, LineBreak):
            return self.line_break()
        raise TypeError(f"not a markup node: {node!r}")

    def children(self, nodes: tuple[Node, ...]) -> str:
        return self.join([self.node(child) for child in nodes])

    def join(self, parts: list[str]) -> str:
        return "".join(parts)

    # -- what a platform overrides -----------------------------------------------------------
    def escape(self, text: str) -> str:
        return text

    def bold(self, inner: str) -> str:
        return inner

    def italic(self, inner: str) -> str:
        return inner

    def code(self, text: str) -> str:
        return self.escape(text)

    def link(self, url: str, label: str) -> str:
        return f"{label} ({self.escape(url)})"

    def quote(self, inner: str) -> str:
        return "\n".join("> " + line for line in inner.split("\n"))

    def list(self, items: list[str], ordered: bool) -> str:
        rows = [
            (f"{n}. " if ordered else "• ") + item.replace("\n", "\n   ")
            for n, item in enumerate(items, 1)
        ]
        return "\n".join(rows)

    def mention(self, mention: Mention) -> str:
        # Defuse with the "@": a member called "everyone" must not become "@everyone".
        return self.escape(defuse("@" + mention.display_name))

    def line_break(self) -> str:
        return "\n"


def _spaces_outside(wrap: Callable[[str], str], inner: str) -> str:
    """``bold("1/3 ")`` → ``*1/3* ``: ``*1/3 *`` is no emphasis on Slack or in Markdown."""
    core = inner.strip()
    if not core or core == inner:
        return wrap(inner)
    start = inner.index(core)
    return inner[:start] + wrap(core) + inner[start + len(core) :]


class PlainRenderer(Renderer):
    """Plain text for the console and for platforms' fallback bodies.

    Plain text has no markup to inject; what must not survive is a broadcast mention or a
    control character, and ``defuse`` (applied to every text node by the walker) removes both.
    """

    def bold(self, inner: str) -> str:
        return f"*{inner}*"

    def italic(self, inner: str) -> str:
        return f"_{inner}_"

    def code(self, text: str) -> str:
        return f"`{text}`"

    def finish(self, rendered: str) -> str:
        # md("@", bold("room")) is harmless node by node but reads "@room" as a whole.
        return defuse(rendered)


_PLAIN = PlainRenderer()


def render_plain(markup: Markup) -> str:
    """Render markup as plain text."""
    return _PLAIN.render(markup)

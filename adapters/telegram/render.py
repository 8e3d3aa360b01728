"""Neutral markup → Telegram HTML (``parse_mode=HTML``).

Only tags Telegram documents are produced (https://core.telegram.org/bots/api#html-style):
``b``, ``i``, ``code``, ``a`` and ``blockquote``. Every text node goes through ``defuse`` (the
core walker) and then ``escape`` below, so user text never becomes markup.
"""

from __future__ import annotations

from salon.core import Renderer
from salon.core.markup import WORD_JOINER, Mention, defuse, defuse_html

PLATFORM = "telegram"

# A tag (no visible text), an entity (one character) or one character.


def escape(text: str) -> str:
    """Escape the characters Telegram's HTML parser reads as markup (``&``, ``<``, ``>``, ``"``).

    TDLib decodes only ``&lt; &gt; &amp; &quot;`` and numeric references, so the apostrophe
    is left alone (``html.escape`` would write ``&#x27;``, which also works but is longer).
    """
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


class TelegramHtmlRenderer(Renderer):
    """Telegram's HTML subset; mentions of Telegram members are ``tg://user?id=`` links."""

    def finish(self, rendered: str) -> str:
        return defuse_html(rendered)

    def escape(self, text: str) -> str:
        return escape(text)

    def bold(self, inner: str) -> str:
        return f"<b>{inner}</b>"

    def italic(self, inner: str) -> str:
        return f"<i>{inner}</i>"

    def code(self, text: str) -> str:
        return f"<code>{escape(text)}</code>"

    def link(self, url: str, label: str) -> str:
        return f'<a href="{escape(url)}">{label}</a>'

    def quote(self, inner: str) -> str:
        return f"<blockquote>{inner}</blockquote>"

    def mention(self, mention: Mention) -> str:
        display = defuse(mention.display_name) or "member"
        name = escape(display)
        if mention.member.platform != PLATFORM or not _is_user_id(mention.member.id):
            # Someone elsewhere: "@sam" would notify whichever Telegram user is @sam.
            return "@" + WORD_JOINER + name
        # A text mention: notifies exactly that user, even one without a @username.
        return f'<a href="tg://user?id={mention.member.id}">{name}</a>'


def _is_user_id(text: str) -> bool:
    return text.isascii() and text.isdigit()


HTML = TelegramHtmlRenderer()

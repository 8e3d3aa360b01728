"""Shared hypothesis strategies for "no user text can ping a space or inject markup".

Every renderer's property test builds the same kinds of hostile message: random text, mixed with
broadcast words and the platform's own markup tokens, inside every kind of markup node.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hypothesis import strategies as st

from salon.core import MemberRef, bold, code, italic, link, mention

BROADCAST = re.compile(r"[@\uff20](?:everyone|channel|here|room|all)\b", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
COMMON_TOKENS = ("@", "＠", "everyone", "channel", "here", "room", "&", "\n")
LINK_URL = "https://x.org/?a=1&b=2"


def hostile_text(platform_tokens: Sequence[str]) -> st.SearchStrategy[str]:
    """Short strings stitched from random text, broadcast words and the platform's tokens."""
    return st.lists(
        st.one_of(st.text(max_size=5), st.sampled_from([*COMMON_TOKENS, *platform_tokens])),
        max_size=12,
    ).map("".join)


def hostile_nodes(
    text: st.SearchStrategy[str], own_member: MemberRef, *, link_url: str = LINK_URL
) -> st.SearchStrategy[list[object]]:
    """Lists of markup parts (text, bold, italic, code, link, mentions) carrying hostile text."""

    def node(value: str, kind: int) -> object:
        return [
            value,
            bold(value),
            italic(value),
            code(value),
            link(link_url, value),
            mention(MemberRef("other", "U1"), value),
            mention(own_member, value),
        ][kind]

    return st.lists(st.builds(node, text, st.integers(0, 6)), max_size=6)

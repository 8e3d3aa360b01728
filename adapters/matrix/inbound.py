"""Reading members' messages: reply fallbacks, mentions of the bot, a bounded seen-set."""

from __future__ import annotations

import re
from collections.abc import Iterable


def strip_reply_fallback(body: str) -> str:
    """Drop the ``> <@u:s> quoted`` lines older clients put before a reply's own text.

    https://spec.matrix.org/v1.11/client-server-api/#fallbacks-for-rich-replies
    """
    lines = body.split("\n")
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    if index and index < len(lines) and lines[index] == "":
        index += 1
    return "\n".join(lines[index:]) if index else body


def mention_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """Matches a leading address to the bot: ``salon: help``, ``@salon:example.org, help``."""
    alternatives = "|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True))
    return re.compile(rf"^\s*@?(?:{alternatives})\s*[:,]?\s+", re.IGNORECASE)

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


class SeenEvents:
    """The last ``size`` event ids handled, so a repeated delivery is ignored."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: dict[str, None] = {}

    def check_and_add(self, event_id: str) -> bool:
        """``True`` if ``event_id`` was seen already; otherwise remember it."""
        if event_id in self._ids:
            return True
        self._ids[event_id] = None
        if len(self._ids) > self.size:
            del self._ids[next(iter(self._ids))]
        return False

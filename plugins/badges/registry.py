"""The badges every plugin declared (``register_badges``), collected once per bot."""

from __future__ import annotations

import weakref
from typing import Any

from salon.core import Badge, PluginError
from salon.core.hookspecs import badges as badge_hooks

_BY_BOT: weakref.WeakKeyDictionary[Any, dict[str, Badge]] = weakref.WeakKeyDictionary()


async def collect(bot: Any) -> dict[str, Badge]:
    """Ask every plugin for its badges (at startup); an id declared twice is an error."""
    found: dict[str, Badge] = {}

    def register(badge: Badge) -> None:
        if not isinstance(badge, Badge):
            raise PluginError(f"register_badges: expected a Badge, got {badge!r}")
        if badge.id in found:
            raise PluginError(f"register_badges: the badge id {badge.id!r} is declared twice")
        found[badge.id] = badge

    await bot.notify(badge_hooks.register_badges, register=register)
    _BY_BOT[bot] = found
    return found


def badges_of(bot: Any) -> dict[str, Badge]:
    """The declared badges, by id, in the order they were declared."""
    return _BY_BOT.get(bot, {})

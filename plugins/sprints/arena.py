"""Where a sprint runs: one space, or every space of the community's sprint group.

Spaces in the group named by ``[plugins.sprints] group`` (``[community.groups] sprints =
[...]`` or an organiser's ``space join sprints``) share their sprints, so members on Slack,
Telegram and Matrix write in the same one; any other space runs its own.
"""

from __future__ import annotations

from typing import Any

import attrs

from salon.core import SpaceRef

PLUGIN = "sprints"


@attrs.frozen
class Arena:
    """The key sprints are stored under, and the spaces that see them."""

    key: str
    spaces: tuple[SpaceRef, ...]


def arena_of(bot: Any, space: SpaceRef) -> Arena:
    """The arena a sprint started (or joined) in ``space`` belongs to."""
    group = bot.plugin_config(PLUGIN).group
    known = bot.spaces.get(space)
    if group and known is not None and known.is_joined and group in known.groups:
        spaces = tuple(s.ref for s in bot.spaces.joined(group))
        return Arena(f"group:{group}", spaces if space in spaces else (space, *spaces))
    return Arena(f"space:{space.platform}:{space.id}", (space,))


def arena_by_key(bot: Any, key: str, origin: SpaceRef) -> Arena:
    """The arena of a stored sprint (its group's spaces as they are now)."""
    if key.startswith("group:"):
        spaces = tuple(s.ref for s in bot.spaces.joined(key.removeprefix("group:")))
        return Arena(key, spaces or (origin,))
    return Arena(key, (origin,))

"""Badges: declared by any plugin, awarded and announced by the badges plugin.

Its value types live beside it (``badges_types``). A plugin adds a badge in a few lines:

```python
from salon.core import Badge, hookimpl

@hookimpl
def register_badges(register):
    register(Badge("myplugin.10k", "10k club", "Logged 10,000 words.", metric="words",
                   threshold=10_000))
```

and awards a badge of its own (one without a metric) with
``await bot.first_result(badges.award_badge, badge_id=..., person=..., reason=..., bot=bot)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from salon.core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.hookspecs.badges_types import Badge, BadgeAward
    from salon.core.model import Community, Person


@hookspec
def register_badges(register: Callable[[Badge], None]) -> None:
    """Declare badges members can earn; called once at startup by the badges plugin.

    :param register: call ``register(Badge(...))`` for each badge; an id registered twice,
        or a badge that does not validate, is an error naming the badge.
    """


@hookspec(firstresult=True)
def award_badge(badge_id: str, person: Person, reason: str, bot: Bot) -> BadgeAward | None:
    """Award ``person`` the badge ``badge_id`` unless they already have it.

    Implemented by the badges plugin, so a plugin can award its own badges without importing
    it. The award is stored in its own transaction (call it after yours committed, e.g. from
    ``after_commit``); a person has each badge at most once, so calling again (after a
    restart, for a redelivered event) changes nothing. ``badge_awarded`` follows a new award.
    Stops at the first non-None result.

    :param badge_id: a registered badge's id.
    :param person: who earned it.
    :param reason: a few words on what earned it (user text: escaped when shown).
    :param bot: the running bot.
    :returns: the award (new or the earlier one), or ``None`` when no badges plugin is
        installed or the badge is unknown.
    """


@hookspec
def badge_awarded(award: BadgeAward, person: Person, community: Community, bot: Bot) -> None:
    """A person earned a badge; called once per badge and person, after the commit.

    :param award: the stored award, with its badge.
    :param person: who earned it.
    :param community: the community.
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably.
    """

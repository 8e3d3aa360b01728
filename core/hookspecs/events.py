"""Events: offered and fired by the events plugin.

``schedule_event`` lets another plugin (a coach booking a 1:1) create an event without importing
the events plugin; when none is installed it returns ``None`` and the caller falls back. The
other hooks are fired by the events plugin after the change commits, so a plugin can react
(badges for attending, a coach's follow-up) without importing it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salon.core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.hookspecs.events_types import Event, EventRequest, Rsvp
    from salon.core.model import Community


@hookspec(firstresult=True)
def schedule_event(request: EventRequest, key: str, bot: Bot) -> Event | None:
    """Create an event, with its reminders, as an organiser would.

    :param request: what to schedule.
    :param key: an idempotency key: a second call with the same key creates nothing and
        returns the event the first call created.
    :param bot: the running bot.
    :returns: the event, or ``None`` when no events plugin is installed.
    :raises UserError: when the request is invalid (a time in the past, ...).
    """


@hookspec
def event_created(event: Event, community: Community, bot: Bot) -> None:
    """An event was created (one call per occurrence of a recurring series, as each is
    planned).

    :param event: the stored event.
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def event_changed(event: Event, previous: Event, community: Community, bot: Bot) -> None:
    """An event's time, length, place, title, description or capacity was changed.

    :param event: the event as it is now (``sequence`` bumped).
    :param previous: the event before the change.
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def event_cancelled(event: Event, community: Community, bot: Bot) -> None:
    """An event was cancelled; everyone who had answered was told.

    :param event: the event, ``status == "cancelled"``.
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def rsvp_changed(
    event: Event, rsvp: Rsvp, previous: str | None, community: Community, bot: Bot
) -> None:
    """A person answered an event, changed their answer, or was promoted off the waitlist.

    :param event: the event.
    :param rsvp: the answer now (``"going"``, ``"maybe"``, ``"no"`` or ``"waitlist"``).
    :param previous: the answer before, ``None`` if they had not answered.
    :param community: the community.
    :param bot: the running bot.
    """

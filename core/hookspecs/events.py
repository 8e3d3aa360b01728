"""Events: offered and fired by the events plugin.

``schedule_event`` lets another plugin (a coach booking a 1:1) create an event without importing
the events plugin; when none is installed it returns ``None`` and the caller falls back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salon.core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.hookspecs.events_types import Event, EventRequest


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

"""The ``[plugins.events]`` settings an organiser can change in ``salon.toml``."""

from __future__ import annotations

from datetime import timedelta

import attrs

from salon.core.argtypes import parse_duration


def _durations(_instance: object, attribute: attrs.Attribute[list[str]], value: list[str]) -> None:
    for text in value:
        try:
            parse_duration(text)
        except ValueError as error:
            raise ValueError(f'{attribute.name}: {error} (e.g. ["24h", "1h"])') from None


def _at_least_one(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be at least 1 (got {value})")


@attrs.frozen
class EventsConfig:
    """Who may create events, reminders and the calendar feed; every field has a default."""

    #: Members (not only organisers) may create events.
    members_can_create: bool = False
    #: Reminders to those going, before the start (durations like "24h", "1h", "30m").
    reminders: list[str] = attrs.field(factory=lambda: ["24h", "1h"], validator=_durations)
    #: The space group events are posted to when the organiser names none (None: every
    #: community space, or the space where ``event create`` was typed).
    group: str | None = None
    #: How many occurrences of a recurring series are planned ahead (answerable, in the feed).
    plan_ahead: int = attrs.field(default=4, validator=_at_least_one)
    #: Where members reach salon's web server, for the feed links
    #: (e.g. "https://salon.example.org"); by default http://[web] host:port.
    public_url: str = ""

    def reminder_offsets(self) -> list[timedelta]:
        """The reminder offsets, longest first, without repeats."""
        return sorted({parse_duration(text) for text in self.reminders}, reverse=True)

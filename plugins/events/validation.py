"""Checking what organisers type: each check raises ``UserError`` (or ``ValueError`` in an
argument type) with a sentence saying what to fix, before anything is stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from salon.core import ArgType, Bot, SpaceRef, UserError, shorten
from salon.core.argtypes import parse_datetime, parse_duration, parse_time
from salon.plugins.events.timing import parse_repeat

MAX_TITLE = 200
#: The largest capacity accepted (more is almost always a typo).
MAX_CAPACITY = 10_000
NO_LIMIT = ("none", "no limit", "unlimited", "-")


def check_title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise UserError("An event needs a title.")
    if len(title) > MAX_TITLE:
        raise UserError(f"That title is {len(title)} characters; keep it under {MAX_TITLE}.")
    return title


def check_start(starts_at: datetime, now: datetime) -> datetime:
    if starts_at <= now:
        raise UserError(
            f"{starts_at:%Y-%m-%d %H:%M} is in the past; give a time that is still to come."
        )
    return starts_at


def _future(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    starts = parse_datetime(text, tz, now)
    if starts <= now:
        raise ValueError(f"{starts:%Y-%m-%d %H:%M} is in the past; give a time still to come")
    return starts


def _capacity(text: str) -> int | None:
    cleaned = text.strip().lower()
    if cleaned in NO_LIMIT:
        return None
    if not cleaned.isdigit():
        raise ValueError(f"'{shorten(text)}' is not a number of places; give one like 12, or none")
    value = int(cleaned)
    if value < 1:
        raise ValueError("a capacity of 0 leaves no places; give 1 or more, or none for no limit")
    if value > MAX_CAPACITY:
        raise ValueError(f"{value} places is more than {MAX_CAPACITY}; give a smaller number")
    return value


def check_capacity(text: str) -> int | None:
    try:
        return _capacity(text)
    except ValueError as error:
        raise UserError(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None


def _repeat_syntax(text: str) -> str:
    parse_repeat(text, datetime(2026, 1, 6, 19, 0))  # the rule is built again from the start
    return text


def _minutes(text: str) -> int:
    value = parse_duration(text)
    if value > timedelta(hours=12):
        raise ValueError("a write-in's sprint lasts at most 12 hours")
    return int(value.total_seconds() // 60)


def end_of(text: str, starts_at: datetime) -> timedelta:
    """How long the event lasts: ``1h30`` or an end time on the same day (``21:00``)."""
    cleaned = text.strip()
    try:
        return parse_duration(cleaned)
    except ValueError:
        pass
    try:
        ends = parse_time(cleaned)
    except ValueError:
        raise UserError(
            f"'{shorten(text)}' is neither a length (1h30) nor an end time (21:00)."
        ) from None
    local = starts_at.replace(hour=ends.hour, minute=ends.minute, second=0, microsecond=0)
    if local <= starts_at:
        raise UserError(
            f"It would end at {ends:%H:%M}, before it starts ({starts_at:%H:%M}); give an end "
            "time after the start, or a length like 2h (also for events past midnight)."
        )
    return local - starts_at


def spaces_named(bot: Bot, text: str | None, here: SpaceRef | None) -> tuple[SpaceRef, ...]:
    """The spaces an event is posted to: names (``#general, #workshops``), ``all``, or by
    default the space ``event create`` was typed in (else every community space)."""
    group = getattr(bot.plugin_config("events"), "group", None)
    joined = bot.spaces.joined(group)
    if text is None or not text.strip():
        if here is not None:
            return (here,)
        return tuple(space.ref for space in joined)
    if text.strip().lower() in ("all", "everywhere"):
        return tuple(space.ref for space in bot.spaces.joined())
    if text.strip().lower() in ("none", "nowhere"):
        return ()
    chosen: list[SpaceRef] = []
    every = bot.spaces.joined()
    for word in text.replace(",", " ").split():
        name = word.strip().lstrip("#").lower()
        matches = [s.ref for s in every if _name(s.name, s.ref.id) == name]
        if not matches:
            names = ", ".join(sorted({f"#{_name(s.name, s.ref.id)}" for s in every})) or "none"
            raise UserError(
                f"I know no community space called '{shorten(word)}' (spaces: {names})."
            )
        chosen.extend(m for m in matches if m not in chosen)
    return tuple(chosen)


def _name(name: str, space_id: str) -> str:
    return (name or space_id).lstrip("#").lower()


#: A day and time still to come, on the member's clock.
FUTURE_DATETIME = ArgType("date and time", _future, words=2, zoned=True)
#: A number of places (1 or more) or ``none``.
CAPACITY = ArgType("capacity", _capacity)
#: ``weekly``, ``monthly second tuesday``, an RRULE.
REPEAT = ArgType("repeat", _repeat_syntax)
#: A sprint length in minutes (``45``, ``1h``).
SPRINT_MINUTES = ArgType("minutes", _minutes)

"""What members type after ``sprint``: lengths, starts and word counts."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs

from salon.core import UserError, shorten
from salon.core.argtypes import parse_duration, parse_time

_PLAN = re.compile(r"^(?P<minutes>\S+)?(?:\s+(?P<how>in|at)\s+(?P<when>.+))?$", re.IGNORECASE)
_CHAIN = re.compile(
    r"^(?P<count>\d+)\s*[x\u00d7]\s*(?P<minutes>\d+)(?:\s+break\s+(?P<pause>\d+))?$",
    re.IGNORECASE,
)
_MINUTE_MARK = re.compile(r"^:([0-5]\d)$")
#: A count bigger than this is a typo, not a sprint.
MAX_COUNT = 10_000_000


@attrs.frozen
class Plan:
    """``sprint 25 in 5``: how long, and when writing starts (``None``: the default)."""

    minutes: int | None
    starts_at: datetime | None


@attrs.frozen
class ChainPlan:
    count: int
    minutes: int
    pause: int | None


def parse_minutes(text: str) -> int:
    if not text.isdigit():
        raise UserError(
            f"I need the sprint's length in minutes, like sprint 20 (not {shorten(text)})."
        )
    return int(text)


def parse_plan(text: str, tz: ZoneInfo, now: datetime) -> Plan:
    """``""``, ``20``, ``25 in 5``, ``15 at :30``, ``in 10``, ``30 at 14:00``."""
    text = " ".join(text.split())
    if not text:
        return Plan(None, None)
    if text.lower().startswith(("in ", "at ")):
        text = f"- {text}"
    match = _PLAN.match(text)
    if match is None:
        raise UserError(f"I didn't understand {shorten(text)}; try sprint 20 or sprint 25 in 5.")
    minutes_text = match["minutes"]
    minutes = None if minutes_text in (None, "-") else parse_minutes(minutes_text.lower())
    when = match["when"]
    if when is None:
        return Plan(minutes, None)
    if match["how"].lower() == "in":
        return Plan(minutes, now + _delay(when))
    return Plan(minutes, _next_at(when, tz, now))


def _delay(text: str) -> timedelta:
    try:
        return parse_duration(text.replace(" ", ""))
    except ValueError:
        raise UserError(
            f"I didn't understand the start {shorten(text)}; try in 5 (minutes) or in 1h."
        ) from None


def _next_at(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """``:30`` (the next half past) or ``14:00`` (the next 2 pm), on the member's clock."""
    local = now.astimezone(tz)
    mark = _MINUTE_MARK.match(text.strip())
    if mark is not None:
        candidate = local.replace(minute=int(mark[1]), second=0, microsecond=0)
        step = timedelta(hours=1)
    else:
        try:
            wall: time = parse_time(text.strip())
        except ValueError:
            raise UserError(
                f"I didn't understand the time {shorten(text)}; try at :30 or at 14:00."
            ) from None
        candidate = local.replace(hour=wall.hour, minute=wall.minute, second=0, microsecond=0)
        step = timedelta(days=1)
    while candidate <= local:
        candidate = (candidate.replace(tzinfo=None) + step).replace(tzinfo=tz)
    return candidate


def parse_chain(text: str) -> ChainPlan:
    """``3 x 20 break 5``."""
    match = _CHAIN.match(" ".join(text.split()))
    if match is None:
        raise UserError("Tell me how many sprints and how long, like sprint chain 3 x 20 break 5.")
    pause = match["pause"]
    return ChainPlan(
        int(match["count"]), int(match["minutes"]), None if pause is None else int(pause)
    )


@attrs.frozen
class Count:
    """``1234`` (a count: the end count if they gave a start count) or ``+350`` (words)."""

    value: int
    is_words: bool


def parse_count(text: str) -> Count:
    cleaned = text.strip().replace(",", "").replace("_", "")
    is_words = cleaned.startswith("+")
    digits = cleaned.removeprefix("+")
    if not digits.isdigit():
        raise UserError(
            f"{shorten(text)} isn't a word count; send a number, like sprint wc 1234 "
            "(or sprint wc +350 for the words you wrote)."
        )
    value = int(digits)
    if value > MAX_COUNT:
        raise UserError(f"{value:,} is more than I can count; please check the number.")
    return Count(value, is_words)

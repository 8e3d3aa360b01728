"""Times as members read them, and the repeat rules organisers type.

A time is shown on the reader's clock with its zone named (``Tue 9 Mar, 19:00 GMT
(Europe/London)``); a recurrence is typed as ``weekly``, ``monthly second tuesday`` or an
RRULE and becomes an RFC 5545 rule run by ``salon.core.recurrence`` on the planner's wall
clock, so a weekly 19:00 stays 19:00 across a DST change.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from salon.core import shorten
from salon.core.recurrence import next_occurrence, validate_rrule

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_ORDINALS |= {"fourth": 4, "4th": 4, "last": -1}
_TOO_OFTEN = ("SECONDLY", "MINUTELY", "HOURLY")
#: What ``repeat`` accepts, for help texts and errors.
REPEAT_HELP = (
    "daily, weekly, every 2 weeks, monthly, monthly second tuesday, monthly last friday, "
    "or an RRULE like FREQ=WEEKLY;BYDAY=TU,TH"
)


def when(moment: datetime, tz: ZoneInfo, *, year: bool = False) -> str:
    """``Tue 9 Mar, 19:00 GMT (Europe/London)``: ``moment`` on the clock of ``tz``."""
    local = moment.astimezone(tz)
    day = f"{local:%a} {local.day} {local:%b}" + (f" {local.year}" if year else "")
    abbreviation = local.tzname()
    zone = "" if abbreviation == tz.key else f" ({tz.key})"  # not "UTC (UTC)"
    return f"{day}, {local:%H:%M} {abbreviation}{zone}"


def length(duration: timedelta) -> str:
    """``1h30``, ``45 min``, ``2h``."""
    minutes = int(duration.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


def parse_repeat(text: str, start_local: datetime) -> str:
    """The RRULE for what an organiser typed, starting at ``start_local`` (naive, wall clock).

    :raises ValueError: with a sentence naming what is accepted.
    """
    words = text.strip().lower().replace(",", " ").split()
    weekday = _DAYS[start_local.weekday()]
    rule: str | None = None
    if words in (["daily"], ["every", "day"]):
        rule = "FREQ=DAILY"
    elif words in (["weekly"], ["every", "week"]):
        rule = f"FREQ=WEEKLY;BYDAY={weekday}"
    elif words in (
        ["fortnightly"],
        ["biweekly"],
        ["every", "2", "weeks"],
        ["every", "two", "weeks"],
    ):
        rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}"
    elif words and words[0] == "monthly":
        rule = _monthly(words[1:], start_local)
    elif text.strip().upper().removeprefix("RRULE:").startswith("FREQ="):
        rule = text.strip().upper().removeprefix("RRULE:")
    if rule is None:
        raise ValueError(f"'{shorten(text)}' is not a repeat I know; use {REPEAT_HELP}")
    try:
        validate_rrule(rule, start_local)
    except (ValueError, TypeError) as error:
        raise ValueError(f"'{shorten(text)}' is not a valid RRULE ({error})") from None
    if any(f"FREQ={often}" in rule for often in _TOO_OFTEN):
        raise ValueError("events repeat at most daily")
    return rule


def _monthly(words: list[str], start_local: datetime) -> str | None:
    words = [w for w in words if w not in ("on", "the", "every")]
    if not words:
        return f"FREQ=MONTHLY;BYMONTHDAY={start_local.day}"
    if len(words) != 2 or words[0] not in _ORDINALS:
        return None
    day = next((i for i, name in enumerate(_DAY_NAMES) if name.startswith(words[1])), None)
    if day is None or len(words[1]) < 3:
        return None
    return f"FREQ=MONTHLY;BYDAY={_ORDINALS[words[0]]}{_DAYS[day]}"


def occurrences(
    rule: str, start_local: datetime, tz: ZoneInfo, after: datetime, count: int
) -> list[datetime]:
    """Up to ``count`` starts (UTC) of ``rule`` after ``after``; the start itself counts when
    it fits the rule."""
    found: list[datetime] = []
    cursor = start_local.replace(tzinfo=tz) - timedelta(microseconds=1)
    cursor = max(cursor, after)
    while len(found) < count:
        upcoming = next_occurrence(rule, start_local, tz, cursor)
        if upcoming is None:
            break
        found.append(upcoming)
        cursor = upcoming
    return found


_RULE_WORDS = re.compile(r"BYDAY=(-?\d)?([A-Z]{2})")


def describe_repeat(rule: str) -> str:
    """``every Tuesday``, ``monthly on the second Tuesday``, or the rule itself."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    freq, interval, byday = parts.get("FREQ"), parts.get("INTERVAL", "1"), parts.get("BYDAY")
    days = {code: name.capitalize() for code, name in zip(_DAYS, _DAY_NAMES, strict=True)}
    other = set(parts) - {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY"}
    if other:
        return rule
    if freq == "DAILY" and interval == "1" and not byday:
        return "every day"
    if freq == "WEEKLY" and byday and "," not in byday and byday in days:
        every = "every" if interval == "1" else f"every {interval} weeks on"
        return f"{every} {days[byday]}"
    if freq == "MONTHLY" and interval == "1" and byday:
        match = _RULE_WORDS.fullmatch(f"BYDAY={byday}")
        if match and match.group(1):
            names = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
            nth = names.get(int(match.group(1)), match.group(1))
            return f"monthly on the {nth} {days[match.group(2)]}"
    if freq == "MONTHLY" and interval == "1" and "BYMONTHDAY" in parts:
        return f"monthly on day {parts['BYMONTHDAY']}"
    return rule

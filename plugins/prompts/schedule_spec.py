"""Reading what an organiser types after ``prompts schedule``: when, which tag, where.

``daily 09:00``, ``weekdays 9am``, ``weekly mon,thu 18:30``, or an RRULE
(``FREQ=MONTHLY;BYMONTHDAY=1 09:00``), then optionally a tag (``poetry``) and ``everywhere``
for every community space rather than this one.
"""

from __future__ import annotations

from datetime import time

import attrs

from salon.core import TIME, UserError, shorten

_DAYS = {
    "mon": "MO",
    "monday": "MO",
    "tue": "TU",
    "tues": "TU",
    "tuesday": "TU",
    "wed": "WE",
    "wednesday": "WE",
    "thu": "TH",
    "thur": "TH",
    "thurs": "TH",
    "thursday": "TH",
    "fri": "FR",
    "friday": "FR",
    "sat": "SA",
    "saturday": "SA",
    "sun": "SU",
    "sunday": "SU",
}
EVERYWHERE = ("everywhere", "community")
EXAMPLES = "daily 09:00, weekly mon,thu 18:30, or an RRULE such as FREQ=MONTHLY;BYMONTHDAY=1 09:00"


@attrs.frozen
class ScheduleSpec:
    """A parsed ``prompts schedule``: the rule and time, a tag, and whether community-wide."""

    rrule: str
    at: time
    tag: str | None
    everywhere: bool
    text: str


def _days(text: str) -> str:
    codes = []
    for word in text.lower().replace(" ", "").split(","):
        code = _DAYS.get(word)
        if code is None:
            raise UserError(
                f"'{shorten(word)}' is not a day I know; use mon, tue, wed, thu, fri, sat, sun "
                "(e.g. weekly mon,thu 09:00)."
            )
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


def _time(text: str | None) -> time:
    if text is None:
        raise UserError(f"Give the time of day too, e.g. {EXAMPLES}.")
    try:
        return TIME.parse(text)  # type: ignore[no-any-return]
    except ValueError:
        raise UserError(
            f"'{shorten(text)}' is not a time of day; use a time like 09:00, 18:30 or 9am."
        ) from None


def parse_schedule(text: str) -> ScheduleSpec:
    """``daily 09:00 poetry everywhere`` → a ``ScheduleSpec``; a ``UserError`` otherwise."""
    words = text.split()
    everywhere = bool(words) and words[-1].lower() in EVERYWHERE
    if everywhere:
        words = words[:-1]
    if not words:
        raise UserError(f"When should prompts be posted? For example: {EXAMPLES}.")
    kind, rest = words[0], words[1:]
    lowered = kind.lower()
    if lowered == "daily":
        rule = "FREQ=DAILY"
    elif lowered == "weekdays":
        rule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    elif lowered == "weekly":
        if not rest:
            raise UserError("Which days? For example: weekly mon,thu 09:00.")
        rule, rest = f"FREQ=WEEKLY;BYDAY={_days(rest[0])}", rest[1:]
    elif "freq=" in lowered:
        rule = kind.upper().removeprefix("RRULE:")
    else:
        raise UserError(f"'{shorten(kind)}' is not a schedule I know; try {EXAMPLES}.")
    at = _time(rest[0] if rest else None)
    rest = rest[1:]
    if len(rest) > 1:
        raise UserError(
            f"I didn't understand '{shorten(' '.join(rest))}'; after the time give at most one "
            "tag (e.g. poetry) and then everywhere."
        )
    tag = rest[0].lower() if rest else None
    return ScheduleSpec(rule, at, tag, everywhere, " ".join(text.split()))

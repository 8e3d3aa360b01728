"""Parsing what members type: goal specs, word counts, weekdays.

Every parser raises ``UserError`` with a sentence that says how to write it instead.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import attrs

from salon.core import DATE, INT, ArgType, UserError, shorten

UNITS = {
    "word": "words",
    "words": "words",
    "page": "pages",
    "pages": "pages",
    "session": "sessions",
    "sessions": "sessions",
    "minute": "minutes",
    "minutes": "minutes",
    "min": "minutes",
    "mins": "minutes",
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = {
    "mon": "MO",
    "tue": "TU",
    "wed": "WE",
    "thu": "TH",
    "fri": "FR",
    "sat": "SA",
    "sun": "SU",
}
GOAL_EXAMPLES = "goal 50000 words by 2026-11-30, goal 500 words daily or goal 3 sessions weekly"
WC_EXAMPLES = "wc 1200, wc +300, wc total 23400 or wc 1200 finished chapter 3"
MAX_AMOUNT = 10_000_000
#: A ``wc`` note is a few words about the day ("finished chapter 3"), not the chapter itself.
MAX_NOTE = 500
#: How far ahead a total goal's deadline may be.
MAX_GOAL_AHEAD = timedelta(days=10 * 366)


@attrs.frozen
class GoalSpec:
    """A goal as typed: ``kind`` is ``total``, ``daily`` or ``weekly``."""

    kind: str
    target: int
    unit: str
    deadline: date | None = None


@attrs.frozen
class WordCount:
    """A ``wc`` entry: ``mode`` is ``set`` (today's amount), ``add`` or ``total``."""

    mode: str
    amount: int
    note: str = ""


def _number(text: str, what: str) -> int:
    try:
        value = int(INT.parse(text))
    except ValueError:
        if re.fullmatch(r"[+-]?[\d,_]+", text):
            raise UserError(
                f"'{shorten(text)}' is more than I can count (at most {MAX_AMOUNT:,}); "
                "please check the number."
            ) from None
        raise UserError(f"'{shorten(text)}' is not a number of {what}.") from None
    if value < -MAX_AMOUNT:
        raise UserError(f"I can take away at most {MAX_AMOUNT:,} at once; please check the number.")
    if value > MAX_AMOUNT:
        raise UserError(
            f"{value:,} is more than I can count (at most {MAX_AMOUNT:,}); please check the number."
        )
    return value


def parse_goal(text: str, today: date) -> GoalSpec:
    """Parse ``50000 words by 2026-11-30``, ``500 words daily``, ``3 sessions weekly``."""
    words = text.split()
    if not words:
        raise UserError(f"Tell me the goal, e.g. {GOAL_EXAMPLES}.")
    target = _number(words[0], "words" if len(words) < 2 else UNITS.get(words[1].lower(), "words"))
    if target <= 0:
        raise UserError(f"A goal needs a positive number, e.g. {GOAL_EXAMPLES}.")
    rest = [w.lower() for w in words[1:]]
    unit = "words"
    if rest and rest[0] in UNITS:
        unit = UNITS[rest.pop(0)]
    if rest == ["daily"] or rest == ["a", "day"] or rest == ["per", "day"]:
        return GoalSpec("daily", target, unit)
    if rest == ["weekly"] or rest == ["a", "week"] or rest == ["per", "week"]:
        return GoalSpec("weekly", target, unit)
    if len(rest) == 2 and rest[0] == "by":
        try:
            deadline = DATE.parse(rest[1])
        except ValueError as error:
            raise UserError(f"{error}.") from None
        if deadline < today:
            raise UserError(f"{deadline:%d %B %Y} is in the past; pick today or a later date.")
        if deadline > today + MAX_GOAL_AHEAD:
            raise UserError(
                f"{deadline:%d %B %Y} is too far away; pick a date within the next ten years."
            )
        if unit == "sessions":
            raise UserError("Session goals are daily or weekly, e.g. goal 3 sessions weekly.")
        return GoalSpec("total", target, unit, deadline)
    if rest and rest[0] not in ("by", "daily", "weekly") and rest[0] not in UNITS:
        raise UserError(
            f"I don't know the unit '{shorten(words[1])}'; use words, pages, sessions or minutes."
        )
    raise UserError(f"Say when: daily, weekly or by a date, e.g. {GOAL_EXAMPLES}.")


def _first_word(text: str) -> tuple[str, str]:
    """``"300\nfinished ch. 3"`` → ``("300", "finished ch. 3")``: a note may start on a new line."""
    parts = text.split(maxsplit=1)
    if len(parts) < 2:
        return (parts[0] if parts else ""), ""
    return parts[0], parts[1].strip()


def parse_word_count(text: str) -> WordCount:
    """Parse ``1200``, ``+300``, ``-200``, ``total 23400``, each with an optional note."""
    entry = _parse_word_count(text)
    if len(entry.note) > MAX_NOTE:
        raise UserError(
            f"That note is {len(entry.note):,} characters; a note can be at most {MAX_NOTE} "
            "(a few words about the day). Nothing was logged."
        )
    return entry


def _parse_word_count(text: str) -> WordCount:
    head, note = _first_word(text)
    if not head:
        raise UserError(f"How much did you write? e.g. {WC_EXAMPLES}.")
    if head.lower() == "total":
        value, note = _first_word(note)
        if not value:
            raise UserError("Give your project's total, e.g. wc total 23400.")
        amount = _number(value, "words")
        if amount < 0:
            raise UserError("A total can't be negative.")
        return WordCount("total", amount, note.strip())
    if not re.fullmatch(r"[+-]?[\d,_]+", head):
        raise UserError(f"'{shorten(head)}' is not a number of words; try {WC_EXAMPLES}.")
    amount = _number(head, "words")
    if head.startswith(("+", "-")):
        return WordCount("add", amount, note)
    return WordCount("set", amount, note)


def parse_days(text: str) -> tuple[str, ...]:
    """``mon,thu`` → ``("MO", "TH")``; also ``daily`` and ``weekdays``."""
    lowered = text.lower()
    if lowered in ("daily", "everyday", "every-day"):
        return WEEKDAYS
    if lowered == "weekdays":
        return WEEKDAYS[:5]
    days: list[str] = []
    for part in lowered.replace(" ", "").split(","):
        if not part:  # "mon,,thu" or a trailing comma
            continue
        code = DAY_NAMES.get(part[:3])
        if code is None:
            raise ValueError(
                f"'{shorten(part)}' is not a weekday; write days like mon,thu (or daily, weekdays)"
            )
        if code not in days:
            days.append(code)
    if not days:
        raise ValueError("Say which days, like mon,thu (or daily, weekdays)")
    return tuple(sorted(days, key=WEEKDAYS.index))


def _parse_digest_word(text: str) -> str:
    if text.lower() != "digest":
        raise ValueError(
            f"'{shorten(text)}' is not the word digest; write it like "
            "checkin create mon,thu 09:00 digest 17:00 (the digest is optional)"
        )
    return "digest"


#: Weekdays (``mon,thu``, ``daily``, ``weekdays``); the handler gets ``("MO", "TH")``.
DAYS = ArgType("days", parse_days)
#: The word ``digest`` before a check-in's digest time.
DIGEST_WORD = ArgType("digest", _parse_digest_word)


def describe_days(days: tuple[str, ...]) -> str:
    names = {
        "MO": "Mon",
        "TU": "Tue",
        "WE": "Wed",
        "TH": "Thu",
        "FR": "Fri",
        "SA": "Sat",
        "SU": "Sun",
    }
    if days == WEEKDAYS:
        return "every day"
    return ", ".join(names[d] for d in days)

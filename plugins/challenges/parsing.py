"""Reading ``challenge create`` specs: a word target in a period, a daily habit, or pieces a week.

```
"NaNo" 50000 words 2026-11-01..2026-11-30
"Every day" daily for 30 days from 2026-12-01
"Flash" 1 piece a week for 8 weeks from prompts
```
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import attrs

from salon.core import UserError, shorten

MAX_WORDS = 10_000_000
MAX_DAYS = 366
MAX_WEEKS = 52
MAX_PIECES = 50
MAX_NAME = 60
SOURCES = ("any", "prompts", "critique")

_NAME = re.compile(r'^\s*(?:"([^"]*)"|“([^”]*)”|(\S+))\s*(.*)$', re.S)
_NUMBER = r"(\d[\d,_]*)"
_FROM = r"(?:\s+(?:from|starting)\s+(\d{4}-\d{2}-\d{2}))?"
_WORDS = re.compile(
    rf"^{_NUMBER}\s+words?\s+(?:from\s+)?(\d{{4}}-\d{{2}}-\d{{2}})\s*(?:\.\.|to|-|\u2013)\s*"
    r"(\d{4}-\d{2}-\d{2})$",
    re.I,
)
_HABIT = re.compile(rf"^(?:daily|every\s+day)(?:\s+for)?\s+{_NUMBER}\s+days?{_FROM}$", re.I)
_PIECES = re.compile(
    rf"^{_NUMBER}\s+(?:\w+\s+)?pieces?\s+(?:a|per|each)\s+week\s+for\s+{_NUMBER}\s+weeks?"
    rf"{_FROM}(?:\s+from\s+(prompts|critique|any))?{_FROM}$",
    re.I,
)

EXAMPLES = (
    'challenge create "NaNo" 50000 words 2026-11-01..2026-11-30',
    'challenge create "Every day" daily for 30 days from 2026-12-01',
    'challenge create "Flash" 1 piece a week for 8 weeks from prompts',
)


@attrs.frozen
class Spec:
    name: str
    kind: str
    target: int
    starts_on: date
    ends_on: date
    source: str = "any"


def _number(text: str, what: str, most: int) -> int:
    value = int(text.replace(",", "").replace("_", ""))
    if value < 1:
        raise UserError(f"The {what} must be at least 1.")
    if value > most:
        raise UserError(f"The {what} can be at most {most:,} (got {shorten(text)}).")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"'{shorten(text)}' is not a date; write it like 2026-11-01.") from None


def parse_spec(text: str, today: date) -> Spec:
    """The challenge ``text`` describes; ``UserError`` with a sentence when it does not fit.

    :param today: the creator's local date (a period starts today when no date is given).
    """
    match = _NAME.match(text or "")
    if match is None or not text.strip():
        raise UserError("Give the challenge a name and a goal.")
    name = next(g for g in match.groups()[:3] if g is not None).strip()
    rest = " ".join(match.group(4).split())
    if not name:
        raise UserError("The challenge needs a name.")
    if len(name) > MAX_NAME:
        raise UserError(f"A challenge name can be at most {MAX_NAME} characters.")
    if words := _WORDS.match(rest):
        target = _number(words.group(1), "word target", MAX_WORDS)
        spec = Spec(name, "words", target, _date(words.group(2)), _date(words.group(3)))
    elif habit := _HABIT.match(rest):
        length = _number(habit.group(1), "number of days", MAX_DAYS)
        start = _date(habit.group(2)) if habit.group(2) else today
        spec = Spec(name, "habit", length, start, start + timedelta(days=length - 1))
    elif pieces := _PIECES.match(rest):
        per_week = _number(pieces.group(1), "number of pieces a week", MAX_PIECES)
        weeks = _number(pieces.group(2), "number of weeks", MAX_WEEKS)
        given = pieces.group(3) or pieces.group(5)
        start = _date(given) if given else today
        end = start + timedelta(days=7 * weeks - 1)
        spec = Spec(name, "pieces", per_week, start, end, (pieces.group(4) or "any").lower())
    else:
        raise UserError(
            f"I can't read '{shorten(rest or name)}' as a challenge. Give a word target and "
            "dates (50000 words 2026-11-01..2026-11-30), a habit (daily for 30 days) or "
            "pieces (1 piece a week for 8 weeks)."
        )
    if spec.ends_on < spec.starts_on:
        raise UserError(
            f"The challenge would end ({spec.ends_on:%d %b %Y}) before it starts "
            f"({spec.starts_on:%d %b %Y})."
        )
    if (spec.ends_on - spec.starts_on).days + 1 > MAX_DAYS:
        raise UserError(f"A challenge can last at most {MAX_DAYS} days.")
    if spec.ends_on < today:
        raise UserError(f"That period ended on {spec.ends_on:%d %b %Y}; pick dates to come.")
    return spec

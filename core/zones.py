"""Time zone names: only real IANA zones, found case-insensitively, with a "did you mean".

``ZoneInfo(text)`` alone is not a validator: it opens whatever file the name points at under the
zoneinfo directories, so a region (``America``) raises ``IsADirectoryError``, a long name
``OSError``, and files that are not zones a member should have (``localtime``, the server's own;
``posixrules``; ``Factory``; the ``posix/`` and ``right/`` copies) load without complaint.
"""

from __future__ import annotations

import difflib
import functools
import re
import zoneinfo
from zoneinfo import ZoneInfo

from salon.core.markup import shorten

#: Names ``available_timezones()`` can list that are not zones to live in.
_NOT_ZONES = frozenset({"localtime", "posixrules", "factory"})
_NOT_ZONE_PREFIXES = ("posix/", "right/")
#: The example a region's hint gives, where the region has one of these (else its first zone).
_EXAMPLES = (
    "America/New_York",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Africa/Lagos",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Atlantic/Reykjavik",
    "Indian/Maldives",
    "Antarctica/McMurdo",
    "Etc/UTC",
)
#: Longer text is not compared for suggestions (the longest zone name has 32 characters).
_MAX_SUGGESTED_LENGTH = 64


@functools.cache
def zone_names() -> dict[str, str]:
    """Every real zone, keyed by its lowercased name: ``{"europe/berlin": "Europe/Berlin"}``."""
    return {
        name.lower(): name
        for name in zoneinfo.available_timezones()
        if name.lower() not in _NOT_ZONES and not name.lower().startswith(_NOT_ZONE_PREFIXES)
    }


@functools.cache
def _by_city() -> dict[str, tuple[str, ...]]:
    cities: dict[str, list[str]] = {}
    for name in sorted(zone_names().values()):
        if "/" in name:
            cities.setdefault(name.rsplit("/", 1)[1].lower(), []).append(name)
    return {city: tuple(names) for city, names in cities.items()}


def find_zone(text: str) -> ZoneInfo:
    """The zone named ``text`` (any case: ``europe/berlin`` is ``Europe/Berlin``).

    :raises ValueError: with a sentence a member can read, suggesting close names.
    """
    name = zone_names().get(text.strip().lower())
    if name is not None:
        try:
            return ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass  # listed but unreadable (a damaged tzdata): treated as unknown
    suggestions = suggest_zones(text)
    region = _region_zones(text)
    fixed = _fixed_offset_zone(text)
    if fixed is not None and fixed[1] == "UTC":
        hint = "did you mean UTC?"
    elif fixed is not None:
        hint = (
            f"for a fixed {fixed[0]} use {fixed[1]} (the sign is inverted), or your city, "
            "e.g. Europe/Berlin, to follow summer time"
        )
    elif region and not suggestions:
        example = next((name for name in _EXAMPLES if name in region), region[0])
        hint = f"it is a region: add the city, e.g. {example}"
    elif suggestions:
        hint = f"did you mean {' or '.join(suggestions)}?"
    else:
        hint = "use a name like Europe/Berlin or America/New_York"
    raise ValueError(f"'{shorten(text)}' is not a time zone I know; {hint}")


_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?00)?$", re.IGNORECASE)


def _fixed_offset_zone(text: str) -> tuple[str, str] | None:
    """``UTC+2`` / ``GMT+2`` / ``+02:00`` → ``("UTC+2", "Etc/GMT-2")``: the tz database's
    fixed-offset zones are named with the opposite sign, so ``Etc/GMT+2`` is UTC-2."""
    match = _OFFSET.match(text.strip())
    if match is None:
        return None
    sign, hours = match.group(1), int(match.group(2))
    if hours == 0:
        return ("UTC", "UTC")
    name = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    if name.lower() not in zone_names():
        return None
    return (f"UTC{sign}{hours}", name)


def _region_zones(text: str) -> list[str]:
    """The zones under ``text`` when it names a region (``America``, ``Europe``)."""
    prefix = text.strip().lower().rstrip("/") + "/"
    if len(prefix) > _MAX_SUGGESTED_LENGTH:
        return []
    return sorted(name for key, name in zone_names().items() if key.startswith(prefix))


def zone_name(text: str) -> str:
    """The canonical spelling of the zone named ``text`` (for configuration values).

    :raises ValueError: as :func:`find_zone` does.
    """
    return find_zone(text).key


def suggest_zones(text: str, limit: int = 3) -> list[str]:
    """Zone names close to ``text``: the zones of a city (``Berlin``), else near spellings
    (``Europe/Berln``); none for a region (``Europe``)."""
    wanted = text.strip().strip("/").lower().replace(" ", "_")
    if not wanted or len(wanted) > _MAX_SUGGESTED_LENGTH or _region_zones(wanted):
        return []
    names, cities = zone_names(), _by_city()
    city = wanted.rsplit("/", 1)[-1]
    found = list(cities.get(city, ()))
    if not found:
        close = difflib.get_close_matches(wanted, list(names), n=limit, cutoff=0.8)
        found = [names[match] for match in close]
    if not found:
        for match in difflib.get_close_matches(city, list(cities), n=limit, cutoff=0.8):
            found.extend(cities[match])
    return found[:limit]

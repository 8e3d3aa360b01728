"""Time zones: only real IANA zones are accepted, any case, with a "did you mean"."""

from __future__ import annotations

import pytest

from salon.core.config import config_from_mapping
from salon.core.errors import ConfigError
from salon.core.zones import find_zone, zone_names


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("America", "it is a region: add the city, e.g. America/New_York"),
        ("europe", "it is a region: add the city, e.g. Europe/Berlin"),
        ("Etc", "it is a region"),
        ("Antarctica", "it is a region"),
        ("x" * 256, "use a name like Europe/Berlin"),
        ("localtime", "use a name like"),
        ("posixrules", "use a name like"),
        ("Factory", "use a name like"),
        ("right/UTC", "did you mean Etc/UTC?"),
        ("posix/Europe/Berlin", "did you mean Europe/Berlin?"),
        ("Berlin", "did you mean Europe/Berlin?"),
        ("new york", "did you mean America/New_York?"),
        ("Europe/Berln", "did you mean Europe/Berlin"),
        ("../../../etc/passwd", "use a name like"),
        ("UTC+2", "for a fixed UTC+2 use Etc/GMT-2 (the sign is inverted)"),
        ("GMT-5", "for a fixed UTC-5 use Etc/GMT+5"),
        ("+02:00", "use Etc/GMT-2"),
        ("utc+0", "did you mean UTC?"),
    ],
)
def test_names_that_are_not_zones_get_a_sentence(typed: str, hint: str) -> None:
    with pytest.raises(ValueError, match="is not a time zone I know") as raised:
        find_zone(typed)
    assert hint in str(raised.value)
    assert len(str(raised.value)) < 160  # what was typed is shortened


def test_any_case_finds_the_canonical_zone() -> None:
    assert find_zone("europe/berlin").key == "Europe/Berlin"
    assert find_zone("utc").key == "UTC"
    assert find_zone(" Asia/Tokyo ").key == "Asia/Tokyo"
    assert "localtime" not in zone_names() and "factory" not in zone_names()
    assert not any(name.startswith(("posix/", "right/")) for name in zone_names())


@pytest.mark.parametrize(
    "typed",
    ["America", "Europe", "Etc", "Antarctica", "y" * 256, "localtime", "posix/Europe/Berlin"],
)
async def test_tz_refuses_what_is_not_a_zone_and_stores_nothing(salon_bot, typed: str) -> None:  # type: ignore[no-untyped-def]
    replies = salon_bot.texts(await salon_bot.send(f"!tz {typed}"))
    assert replies[0].startswith("zone: '")
    assert "is not a time zone I know" in replies[0]
    assert not any("Something went wrong" in reply for reply in replies)
    [current] = salon_bot.texts(await salon_bot.send("!tz"))
    assert current.startswith("Your time zone is *UTC*")


async def test_tz_accepts_any_case_and_suggests_the_city(salon_bot) -> None:  # type: ignore[no-untyped-def]
    [reply] = salon_bot.texts(await salon_bot.send("!tz europe/berlin"))
    assert reply.startswith("Time zone set to *Europe/Berlin*")
    replies = salon_bot.texts(await salon_bot.send("!tz Tokyo"))
    assert replies[0] == "zone: 'Tokyo' is not a time zone I know; did you mean Asia/Tokyo?"


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        ("Berlin", r"^community\.timezone: 'Berlin' is not a time zone I know; did you mean"),
        ("localtime", r"^community\.timezone: 'localtime' is not a time zone I know"),
        (1, r"^community\.timezone: expected a time zone name"),
    ],
)
def test_the_community_zone_is_checked_the_same_way(zone: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_mapping({"community": {"timezone": zone}})
    assert config_from_mapping({"community": {"timezone": "asia/tokyo"}}).community.timezone == (
        "Asia/Tokyo"
    )

"""Subcommands are declared, not parsed by hand; time, duration and date-time arguments."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salon.core import (
    DATETIME,
    DURATION,
    TIME,
    Arg,
    Command,
    Context,
    Role,
    hookimpl,
)
from salon.core.argtypes import parse_datetime, parse_duration, parse_time
from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.errors import PluginError
from salon.core.plugins import create_plugin_manager
from salon.core.testing import SalonHarness


class Sprints:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    @hookimpl
    def register_commands(self, register: Any) -> None:
        register(
            Command(
                "sprint",
                help="Writing sprints.",
                subcommands=(
                    Command(
                        "start",
                        self.record("start"),
                        help="Start a sprint.",
                        args=(
                            Arg("length", DURATION, help="how long, e.g. 20m"),
                            Arg("topic", optional=True, default="anything", rest=True),
                        ),
                    ),
                    Command(
                        "plan",
                        self.record("plan"),
                        help="Plan a sprint.",
                        args=(Arg("when", DATETIME), Arg("length", DURATION)),
                        role=Role.ORGANISER,
                    ),
                    Command(
                        "daily",
                        self.record("daily"),
                        help="A sprint every day at a time.",
                        args=(Arg("at", TIME),),
                        aliases=("everyday",),
                    ),
                ),
            )
        )

    def record(self, name: str) -> Any:
        def handler(ctx: Context, **values: Any) -> None:
            self.calls.append((name, values))
            ctx.reply(f"{name} ok")

        return handler


@pytest.fixture
def sprints() -> Sprints:
    return Sprints()


@pytest.fixture
def salon_plugins(sprints: Sprints) -> list[tuple[str, object]]:
    return [("sprints", sprints)]


async def test_a_subcommand_runs_with_its_own_parsed_args(
    salon_bot: SalonHarness, sprints: Sprints
) -> None:
    assert salon_bot.texts(await salon_bot.send("!sprint start 1h30 chapter two")) == ["start ok"]
    assert sprints.calls[-1] == (
        "start",
        {"length": timedelta(hours=1, minutes=30), "topic": "chapter two"},
    )
    await salon_bot.send("!sprint start 20m")
    assert sprints.calls[-1] == ("start", {"length": timedelta(minutes=20), "topic": "anything"})
    await salon_bot.send("!sprint everyday 9am")
    assert sprints.calls[-1] == ("daily", {"at": time(9, 0)})


async def test_a_date_time_is_read_on_the_members_clock(
    salon_bot: SalonHarness, sprints: Sprints
) -> None:
    await salon_bot.send("!tz Asia/Tokyo", as_="olive")
    replies = await salon_bot.send("!sprint plan 2026-12-03 09:00 45m", as_="olive")
    assert salon_bot.texts(replies) == ["plan ok"]
    when = sprints.calls[-1][1]["when"]
    assert when.tzinfo == ZoneInfo("Asia/Tokyo")
    assert when.astimezone(UTC) == datetime(2026, 12, 3, 0, 0, tzinfo=UTC)


async def test_usage_errors_and_roles_name_the_subcommand(
    salon_bot: SalonHarness, sprints: Sprints
) -> None:
    replies = salon_bot.texts(await salon_bot.send("!sprint start soon"))
    assert replies == [
        "length: 'soon' is not a duration; write it like 20m, 1h30 or 2h.",
        "Usage: `!sprint start <length> [topic…]`",
    ]
    replies = salon_bot.texts(await salon_bot.send("!sprint plan tomorrow 9am 20m"))
    assert replies == ["Only organisers can use `!sprint plan`."]
    replies = salon_bot.texts(await salon_bot.send("!sprint frobnicate"))
    assert replies == ["I don't know 'sprint frobnicate'. Try: sprint start, sprint daily."]
    replies = salon_bot.texts(await salon_bot.send("!sprint", as_="olive"))
    assert replies == ["Try: sprint start, sprint plan, sprint daily."]
    assert sprints.calls == []


async def test_help_explains_a_group_and_one_subcommand(salon_bot: SalonHarness) -> None:
    [group] = salon_bot.texts(await salon_bot.send("!help sprint"))
    assert "!sprint start|plan|daily" in group and "*sprint start* — Start a sprint." in group
    assert "sprint plan" not in group  # organisers only
    [one] = salon_bot.texts(await salon_bot.send("!help sprint start"))
    assert "!sprint start <length> [topic…]" in one and "how long, e.g. 20m" in one


def test_bad_declarations_fail_at_startup_naming_the_plugin() -> None:
    class Twice:
        @hookimpl
        def register_commands(self, register: Any) -> None:
            sub = Command("go", lambda ctx: None, help="Go.")
            register(Command("x", help="X.", subcommands=(sub, sub)))

    pm = create_plugin_manager(extra=[("twice", Twice())], load_entrypoints=False)
    with pytest.raises(PluginError, match="subcommand 'go' is declared twice"):
        Bot(config_from_mapping({}), pm=pm, env={})

    class Empty:
        @hookimpl
        def register_commands(self, register: Any) -> None:
            register(Command("y", help="Y."))

    pm = create_plugin_manager(extra=[("empty", Empty())], load_entrypoints=False)
    with pytest.raises(PluginError, match="plugin 'empty': command 'y' needs a handler"):
        Bot(config_from_mapping({}), pm=pm, env={})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9)),
        ("9:30", time(9, 30)),
        ("17h30", time(17, 30)),
        ("9am", time(9)),
        ("12am", time(0)),
        ("12:15pm", time(12, 15)),
        ("11 pm", time(23)),
    ],
)
def test_time_of_day(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["9", "25:00", "13pm", "noonish", "9:75", ""])
def test_not_a_time_of_day(text: str) -> None:
    with pytest.raises(ValueError, match="time of day"):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("20m", 20),
        ("45min", 45),
        ("1h30", 90),
        ("1h30m", 90),
        ("2h", 120),
        ("90", 90),
        ("1d", 1440),
    ],
)
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["0m", "soon", "h", "1h30x", "400d", "-5m"])
def test_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_a_skipped_wall_clock_time_is_an_error_not_a_guess() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 20, tzinfo=UTC)
    with pytest.raises(ValueError, match="does not exist in Europe/Berlin"):
        parse_datetime("2026-03-29 02:30", berlin, now)
    assert parse_datetime("tomorrow 9am", berlin, now) == datetime(2026, 3, 21, 9, tzinfo=berlin)
    assert parse_datetime("sun 18:00", berlin, now).day == 22


@given(st.text(max_size=30))
def test_argument_parsers_fail_only_with_a_friendly_value_error(text: str) -> None:
    for parse in (parse_time, parse_duration):
        try:
            parse(text)
        except ValueError as error:
            assert str(error)

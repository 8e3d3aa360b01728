"""Check-ins, goals, streaks and writing buddies: the reference feature plugin.

Members set goals and log words; organisers schedule check-ins that salon asks in direct
messages at each member's own local time, with a digest in the space; opted-in members get
writing buddies. See ``docs/checkins.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from salon.core import (
    DATE,
    TEXT,
    Action,
    Arg,
    Bot,
    Command,
    Context,
    JobHandler,
    Markup,
    Message,
    Person,
    choice,
    hookimpl,
)
from salon.core.storage import AsyncConnection
from salon.plugins.checkins import buddies, conversation, digest, privacy, schedule, streaks, zones
from salon.plugins.checkins.config import CheckinsConfig
from salon.plugins.checkins.goals import GOAL_HELP, goal_command
from salon.plugins.checkins.merge import merge_people
from salon.plugins.checkins.stats import stats_command
from salon.plugins.checkins.wordcount import WC_HELP, wc_command

__all__ = [
    "export_person_data",
    "forget_person",
    "message_received",
    "people_merged",
    "register_actions",
    "register_commands",
    "register_config",
    "register_jobs",
    "register_migrations",
    "startup",
    "timezone_changed",
]

_ = DATE  # the away command parses its own dates, with "until" in front


@hookimpl
def register_commands(register: Callable[[Command], None]) -> None:
    register(
        Command(
            "goal",
            goal_command,
            help="See, set, change or end your writing goal.",
            args=(Arg("spec", TEXT, optional=True, rest=True, help="e.g. 500 words daily"),),
            details=GOAL_HELP,
            examples=(
                "goal",
                "goal 50000 words by 2026-11-30",
                "goal 3 sessions weekly",
                "goal end",
            ),
        )
    )
    register(
        Command(
            "wc",
            wc_command,
            help="Log today's words (wc 1200, wc +300, wc total 23400), with an optional note.",
            args=(Arg("entry", TEXT, rest=True, help="a number, +number or total number"),),
            details=WC_HELP,
            examples=("wc 1200", "wc +300", "wc total 23400", "wc 1200 finished chapter 3"),
        )
    )
    register(
        Command(
            "stats",
            stats_command,
            help="Your last 30 days as a chart, your streak and bests, and the group's totals.",
        )
    )
    register(
        Command(
            "checkin",
            schedule.checkin_command,
            help="Join or leave this space's scheduled check-in (organisers: create it).",
            args=(
                Arg("action", optional=True, help="join, leave, create, questions or delete"),
                Arg("rest", TEXT, optional=True, rest=True, help="what the action needs"),
            ),
            details=(
                "Members: checkin join, checkin leave, checkin (see the schedule). Organisers: "
                "checkin create <days> <HH:MM> [digest <HH:MM>], checkin questions Q1 | Q2 | …, "
                "checkin questions default, checkin delete."
            ),
            examples=(
                "checkin join",
                "checkin create mon,thu 09:00 digest 17:00",
                "checkin questions What did you write? | What's next?",
            ),
        )
    )
    register(Command("skip", schedule.skip_command, help="Skip the current (or next) check-in."))
    register(
        Command(
            "away",
            schedule.away_command,
            help="Pause check-ins and buddy nudges until a date.",
            args=(Arg("until", TEXT, optional=True, rest=True, help="until YYYY-MM-DD"),),
            examples=("away until 2026-12-03", "away"),
        )
    )
    register(Command("back", schedule.back_command, help="End a pause early."))
    register(
        Command(
            "buddy",
            buddies.buddy_command,
            help="Writing buddies: buddy join, buddy leave, or see your buddy.",
            args=(Arg("action", choice("join", "leave", "pair"), optional=True),),
            details="Organisers can pair everyone now with buddy pair.",
            examples=("buddy join", "buddy", "buddy leave"),
        )
    )


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    register(Action(conversation.FORM_ACTION, conversation.answer_form))
    register(Action(schedule.CHOOSE_ACTION, schedule.checkin_chosen))


@hookimpl
def register_jobs(register: Callable[[JobHandler], None]) -> None:
    register(JobHandler(schedule.ASK_JOB, conversation.ask))
    register(JobHandler(schedule.REMIND_JOB, conversation.remind))
    register(JobHandler(schedule.DIGEST_JOB, digest.digest))
    register(JobHandler(streaks.STREAK_JOB, streaks.check_streaks))
    register(JobHandler(buddies.BUDDY_JOB, buddies.weekly))


@hookimpl
def register_config(register: Callable[[type[Any]], None]) -> None:
    register(CheckinsConfig)


@hookimpl
def register_migrations(register: Callable[[Path], None]) -> None:
    register(Path(__file__).parent / "migrations")


@hookimpl
async def startup(bot: Bot) -> None:
    await streaks.schedule_hourly(bot)
    await buddies.schedule_weekly(bot)
    await zones.refresh_zones(bot)
    await conversation.expect_open_answers(bot)


@hookimpl
async def message_received(message: Message, ctx: Context) -> bool | None:
    return await conversation.answer(message, ctx)


@hookimpl
async def timezone_changed(person: Person, tz: ZoneInfo, bot: Bot) -> None:
    async with bot.transaction() as tx:
        db = tx.db
        await zones.move_person(bot, db, person.id, tz.key)


@hookimpl
async def people_merged(
    kept: Person, merged: Person, connection: AsyncConnection, bot: Bot
) -> None:
    await merge_people(kept, merged, connection, bot)


@hookimpl
async def export_person_data(person: Person, connection: AsyncConnection, bot: Bot) -> Markup:
    return await privacy.export(person, connection, bot)


@hookimpl
async def forget_person(person: Person, connection: AsyncConnection, bot: Bot) -> None:
    await privacy.forget(person, connection, bot)

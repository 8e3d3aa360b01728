"""Check-ins, goals, streaks and writing buddies: the reference feature plugin.

Members set goals and log words; organisers schedule check-ins that salon asks in direct
messages at each member's own local time, with a digest in the space; opted-in members get
writing buddies. See ``docs/checkins.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from salon.core import (
    DATE,
    TEXT,
    TIME,
    Action,
    Arg,
    Bot,
    Command,
    Dialog,
    JobHandler,
    Markup,
    Person,
    ProgressEntry,
    Role,
    Streak,
    hookimpl,
)
from salon.core.storage import AsyncConnection
from salon.plugins.checkins import (
    buddies,
    conversation,
    digest,
    history,
    logged,
    privacy,
    schedule,
    streaks,
    zones,
)
from salon.plugins.checkins.config import CheckinsConfig
from salon.plugins.checkins.goals import GOAL_HELP, end_goal, goal_command
from salon.plugins.checkins.merge import merge_people
from salon.plugins.checkins.parsing import DAYS, DIGEST_WORD
from salon.plugins.checkins.stats import stats_command
from salon.plugins.checkins.wordcount import WC_HELP, wc_command

__all__ = [
    "away_until",
    "current_streak",
    "export_person_data",
    "forget_person",
    "log_progress",
    "people_merged",
    "progress_history",
    "register_actions",
    "register_commands",
    "register_config",
    "register_dialogs",
    "register_jobs",
    "register_migrations",
    "startup",
    "timezone_changed",
]


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
            subcommands=(Command("end", end_goal, help="End your current goal."),),
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
            schedule.checkin_status,
            help="Join or leave this space's scheduled check-in (organisers: create it).",
            details="checkin alone shows this space's schedule and whether you take part.",
            examples=("checkin", "checkin join", "checkin create mon,thu 09:00 digest 17:00"),
            subcommands=(
                Command(
                    "join",
                    schedule.join,
                    help="Take part: I'll ask you the questions in a DM, at your local time.",
                ),
                Command("leave", schedule.leave, help="Stop being asked the check-in questions."),
                Command(
                    "create",
                    schedule.create,
                    help="Start (or change) this space's check-in: days, time, optional digest.",
                    args=(
                        Arg("days", DAYS, help="mon,thu, weekdays or daily"),
                        Arg("at", TIME, help="when members are asked, each at their own time"),
                        Arg("digest", DIGEST_WORD, optional=True, help="the word digest"),
                        Arg(
                            "digest_at", TIME, optional=True, help="when the space gets the digest"
                        ),
                    ),
                    role=Role.ORGANISER,
                    examples=(
                        "checkin create mon,thu 09:00 digest 17:00",
                        "checkin create daily 9am",
                    ),
                ),
                Command(
                    "questions",
                    schedule.questions,
                    help="See or set the questions, separated by | (or: default).",
                    args=(Arg("questions", TEXT, optional=True, rest=True, help="Q1 | Q2 | …"),),
                    role=Role.ORGANISER,
                    examples=(
                        "checkin questions",
                        "checkin questions What did you write? | What's next?",
                        "checkin questions default",
                    ),
                ),
                Command(
                    "delete",
                    schedule.delete,
                    help="Delete this space's check-in; nobody is asked any more.",
                    role=Role.ORGANISER,
                ),
            ),
        )
    )
    register(Command("skip", schedule.skip_command, help="Skip the current (or next) check-in."))
    register(
        Command(
            "away",
            schedule.away_command,
            help="Pause check-ins and buddy nudges until a date.",
            args=(Arg("day", DATE, optional=True, help="the day you're back, YYYY-MM-DD"),),
            details="away alone shows your pause; away 2026-12-03 works too.",
            examples=("away until 2026-12-03", "away"),
            subcommands=(
                Command(
                    "until",
                    schedule.away_command,
                    help="Pause until a date (YYYY-MM-DD): you are asked again from that day.",
                    args=(Arg("day", DATE, help="the day you're back, YYYY-MM-DD"),),
                ),
            ),
        )
    )
    register(Command("back", schedule.back_command, help="End a pause early."))
    register(
        Command(
            "buddy",
            buddies.buddy_status,
            help="Writing buddies: buddy join, buddy leave, or see your buddy.",
            details="buddy alone shows whether you signed up and who your buddies are.",
            examples=("buddy join", "buddy", "buddy leave"),
            subcommands=(
                Command(
                    "join",
                    buddies.buddy_join,
                    help="Sign up: each week I pair you with another writer to check in with.",
                ),
                Command(
                    "leave",
                    buddies.buddy_leave,
                    help="Stop being paired; your buddy gets a new one next round.",
                ),
                Command(
                    "pair",
                    buddies.buddy_pair,
                    help="Pair everyone who signed up now, instead of at the weekly round.",
                    role=Role.ORGANISER,
                ),
            ),
        )
    )


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
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


@hookimpl
def register_dialogs(register: Callable[[Dialog], None]) -> None:
    register(conversation.dialog())


@hookimpl
async def timezone_changed(person: Person, tz: ZoneInfo, bot: Bot) -> None:
    async with bot.transaction() as tx:
        db = tx.db
        await zones.move_person(bot, db, person.id, tz.key)


@hookimpl
async def log_progress(
    person: Person, amount: int, note: str, source: str, key: str, bot: Bot
) -> ProgressEntry:
    return await logged.log_progress(person, amount, note, source, key, bot)


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


@hookimpl
async def current_streak(
    person: Person, bot: Bot, connection: AsyncConnection | None
) -> Streak | None:
    return await streaks.streak_today(bot, person, connection)


@hookimpl
async def progress_history(
    person: Person, start: date, end: date, bot: Bot, connection: AsyncConnection | None
) -> tuple[ProgressEntry, ...]:
    return await history.progress_history(bot, person, start, end, connection)


@hookimpl
async def away_until(person: Person, bot: Bot, connection: AsyncConnection | None) -> date | None:
    return await history.away_until(bot, person, connection)

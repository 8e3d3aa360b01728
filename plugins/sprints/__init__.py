"""Writing sprints (word wars): write together for a set time, then compare word counts.

``sprint 20`` starts one in the space (or in every space of the community's sprint group, so
members on several platforms write in the same one); joiners are pinged at the start and the
end, a status message shows each quarter, counts come in for a few minutes, then the ranked
results. Chains, stats and adding words to the daily log. See ``docs/sprints.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from salon.core import (
    TEXT,
    Action,
    Arg,
    Bot,
    Command,
    JobHandler,
    Markup,
    Person,
    SpaceRef,
    Sprint,
    hookimpl,
)
from salon.core.storage import AsyncConnection
from salon.plugins.sprints import commands, daylog, hooks, lifecycle, privacy, report, stats
from salon.plugins.sprints.config import SprintsConfig
from salon.plugins.sprints.results import LOG_ACTION

__all__ = [
    "export_person_data",
    "forget_person",
    "people_merged",
    "register_actions",
    "register_commands",
    "register_config",
    "register_jobs",
    "register_migrations",
    "start_sprint",
]

SPRINT_HELP = (
    "sprint 20 starts a 20-minute sprint in a minute; sprint 25 in 5 starts in 5 minutes; "
    "sprint 15 at :30 at half past (at 14:00 works too, on your clock). One sprint at a time "
    "per space; you join your own sprint. After the end, send sprint wc with your count."
)


@hookimpl
def register_commands(register: Callable[[Command], None]) -> None:
    register(
        Command(
            "sprint",
            commands.start,
            help="Write together for a set time, then compare words (sprint 20).",
            args=(Arg("spec", TEXT, optional=True, rest=True, help="minutes, in N or at :30"),),
            details=SPRINT_HELP,
            examples=("sprint 20", "sprint 25 in 5", "sprint 15 at :30", "sprint join 1200"),
            subcommands=(
                Command(
                    "join",
                    commands.join,
                    help="Join the sprint: sprint join, join 1234 (your count now), "
                    "join same (your last sprint's end count) or join nowc (no count).",
                    args=(Arg("how", optional=True, help="a word count, same or nowc"),),
                    examples=("sprint join", "sprint join 12000", "sprint join same"),
                ),
                Command("leave", commands.leave, help="Leave the sprint you joined."),
                Command(
                    "time", commands.time_left, help="How long until the sprint starts or ends."
                ),
                Command(
                    "wc",
                    report.report,
                    help="After the end: your count now (sprint wc 1234) or the words you "
                    "wrote (sprint wc +350).",
                    args=(Arg("count", help="your count, or +words written"),),
                    examples=("sprint wc 12350", "sprint wc +350"),
                ),
                Command(
                    "cancel",
                    commands.cancel,
                    help="Call the sprint off (whoever started it, or an organiser).",
                ),
                Command(
                    "end",
                    commands.end_early,
                    help="End the sprint now and take counts (whoever started it, or an "
                    "organiser).",
                ),
                Command(
                    "pingme",
                    commands.pingme,
                    help="Be pinged when sprints here start and end (sprint pingme off).",
                    args=(Arg("switch", optional=True, help="off to stop"),),
                ),
                Command(
                    "chain",
                    commands.chain,
                    help="Consecutive sprints with a running scoreboard: sprint chain 3 x 20 "
                    "break 5.",
                    args=(Arg("spec", TEXT, rest=True, help="COUNT x MINUTES [break MINUTES]"),),
                    examples=("sprint chain 3 x 20 break 5",),
                ),
                Command(
                    "log",
                    daylog.log_command,
                    help="Add your words from your last sprint to your daily log (wc).",
                ),
                Command(
                    "stats",
                    stats.stats_command,
                    help="Your sprint totals and best speed, and this space's all-time board.",
                ),
            ),
        )
    )


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    register(Action(report.CONFIRM_ACTION, report.confirm))
    register(Action(LOG_ACTION, daylog.log_pressed))


@hookimpl
def register_jobs(register: Callable[[JobHandler], None]) -> None:
    register(JobHandler(lifecycle.WARN_JOB, lifecycle.warn))
    register(JobHandler(lifecycle.START_JOB, lifecycle.start))
    register(JobHandler(lifecycle.QUARTER_JOB, lifecycle.quarter))
    register(JobHandler(lifecycle.END_JOB, lifecycle.end))
    register(JobHandler(lifecycle.CLOSE_JOB, lifecycle.close_job))


@hookimpl
def register_config(register: Callable[[type[Any]], None]) -> None:
    register(SprintsConfig)


@hookimpl
def register_migrations(register: Callable[[Path], None]) -> None:
    register(Path(__file__).parent / "migrations")


@hookimpl
async def start_sprint(
    space: SpaceRef, minutes: int, starts_at: datetime, starter: Person, key: str, bot: Bot
) -> Sprint:
    return await hooks.start_sprint(space, minutes, starts_at, starter, key, bot)


@hookimpl
async def people_merged(kept: Person, merged: Person, connection: AsyncConnection) -> None:
    await privacy.merge(kept, merged, connection)


@hookimpl
async def export_person_data(person: Person, connection: AsyncConnection, bot: Bot) -> Markup:
    return await privacy.export(person, connection, bot)


@hookimpl
async def forget_person(person: Person, connection: AsyncConnection) -> None:
    await privacy.forget(person, connection)

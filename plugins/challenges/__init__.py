"""Writing challenges, leaderboards and the streak warning.

Organisers (or members, if allowed) create a challenge — a word target in a period, a daily
habit, or pieces a week — and members join with one command or a button. Progress comes from
the check-ins, prompts and critique hook families (never by importing those plugins), keyed on
the person and counted on each member's own days. Leaderboards rank challenges and the
community's week; a weekly summary and an end-of-challenge card go to the challenge's spaces.
See ``docs/challenges.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from salon.core import (
    TEXT,
    Action,
    Arg,
    Badge,
    Bot,
    Command,
    Context,
    Critique,
    JobHandler,
    Markup,
    Person,
    Piece,
    ProgressEntry,
    PromptResponse,
    Role,
    UserError,
    choice,
    hookimpl,
)
from salon.core.storage import AsyncConnection
from salon.plugins.challenges import board, commands, feed, privacy, summaries, warning
from salon.plugins.challenges.config import ChallengesConfig
from salon.plugins.challenges.parsing import EXAMPLES
from salon.plugins.challenges.store import find

__all__ = [
    "critique_submitted",
    "export_person_data",
    "forget_person",
    "people_merged",
    "piece_submitted",
    "progress_logged",
    "prompt_responded",
    "register_actions",
    "register_badges",
    "register_commands",
    "register_config",
    "register_jobs",
    "register_migrations",
    "startup",
    "timezone_changed",
]

NAME = Arg("name", TEXT, optional=True, rest=True, help="the challenge's name")


async def end_challenge(ctx: Context, name: str) -> None:
    async with ctx.transaction() as db:
        challenge = await find(db, name)
        if challenge.ended_at is not None:
            raise UserError(f"{challenge.name} has already ended.")
        await summaries.finish(ctx, db, challenge)
    ctx.reply(f"{challenge.name} is over; its summary is posted where it ran.")


@hookimpl
def register_commands(register: Callable[[Command], None]) -> None:
    register(
        Command(
            "challenge",
            commands.show,
            help="Writing challenges: see yours, join, leave (organisers: create).",
            args=(NAME,),
            details="challenge alone shows your challenges with your pace and the words a "
            "day it takes to finish; challenge <name> shows one.",
            examples=("challenge", "challenge NaNo", "challenge join NaNo", EXAMPLES[0]),
            subcommands=(
                Command(
                    "create",
                    commands.create,
                    help="Start a challenge here: words in a period, a daily habit, or pieces "
                    "a week.",
                    args=(Arg("spec", TEXT, rest=True, help='"name" and the goal'),),
                    details="Organisers create challenges (members too, if the organisers "
                    "allow it). Dates are YYYY-MM-DD; each member's days are their own.",
                    examples=EXAMPLES,
                ),
                Command("join", commands.join, help="Join a challenge.", args=(NAME,)),
                Command("leave", commands.leave, help="Leave a challenge.", args=(NAME,)),
                Command("list", commands.list_command, help="Running and recent challenges."),
                Command(
                    "end",
                    end_challenge,
                    help="End a challenge now and post its summary.",
                    args=(Arg("name", TEXT, rest=True, help="the challenge's name"),),
                    role=Role.ORGANISER,
                ),
            ),
        )
    )
    register(
        Command(
            "leaderboard",
            board.leaderboard,
            help="Who wrote most: this week, all-time, or in a challenge.",
            args=(NAME,),
            details="Ties share a rank. leaderboard optout keeps your name off every board.",
            examples=("leaderboard", "leaderboard all", "leaderboard NaNo", "leaderboard optout"),
            subcommands=(
                Command("week", board.week, help="Words this week (Monday to today)."),
                Command("all", board.all_time, help="Words, all-time."),
                Command("optout", board.optout, help="Keep your name off the leaderboards."),
                Command("optin", board.optin, help="Be listed on the leaderboards again."),
            ),
        )
    )
    register(
        Command(
            "streakwarning",
            warning.streakwarning_command,
            help="The evening DM when your streak is at risk: on or off.",
            args=(Arg("setting", choice("on", "off"), optional=True, help="on or off"),),
            examples=("streakwarning", "streakwarning off"),
        )
    )


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    register(Action(commands.JOIN_ACTION, commands.join_pressed))


@hookimpl
def register_jobs(register: Callable[[JobHandler], None]) -> None:
    register(JobHandler(commands.WEEKLY_JOB, summaries.weekly))
    register(JobHandler(commands.END_JOB, summaries.end))
    register(JobHandler(warning.WARNING_JOB, warning.warn))


@hookimpl
def register_config(register: Callable[[type[Any]], None]) -> None:
    register(ChallengesConfig)


@hookimpl
def register_migrations(register: Callable[[Path], None]) -> None:
    register(Path(__file__).parent / "migrations")


@hookimpl
def register_badges(register: Callable[[Badge], None]) -> None:
    register(
        Badge(
            feed.COMPLETED_BADGE,
            "Challenge completed",
            "Finished a writing challenge.",
            emoji="🏆",
        )
    )


@hookimpl
async def startup(bot: Bot) -> None:
    if bot.plugin_config("challenges").streak_warnings:
        await warning.ensure_zones(bot)


@hookimpl
async def progress_logged(entry: ProgressEntry, person: Person, bot: Bot) -> None:
    await feed.day_logged(bot, entry, person)


@hookimpl
async def prompt_responded(response: PromptResponse, person: Person, bot: Bot) -> None:
    day = response.responded_at.astimezone(person.tz).date()
    await feed.piece_counted(bot, person, "prompts", str(response.id), day)


@hookimpl
async def piece_submitted(piece: Piece, author: Person, bot: Bot) -> None:
    at = piece.submitted_at or bot.clock.now()
    await feed.piece_counted(
        bot, author, "critique", str(piece.id), at.astimezone(author.tz).date()
    )


@hookimpl
async def critique_submitted(critique: Critique, critic: Person, bot: Bot) -> None:
    """A critique given is writing too: it counts as a piece for critique challenges."""
    day = critique.submitted_at.astimezone(critic.tz).date()
    await feed.piece_counted(bot, critic, "critique", f"critique:{critique.id}", day)


@hookimpl
async def timezone_changed(person: Person, tz: ZoneInfo, bot: Bot) -> None:
    if bot.plugin_config("challenges").streak_warnings:
        await warning.ensure_zone(bot, tz)


@hookimpl
async def people_merged(kept: Person, merged: Person, connection: AsyncConnection) -> None:
    await privacy.merge(kept, merged, connection)


@hookimpl
async def export_person_data(person: Person, connection: AsyncConnection) -> Markup:
    return await privacy.export(person, connection)


@hookimpl
async def forget_person(person: Person, connection: AsyncConnection) -> None:
    await privacy.forget(person, connection)

"""Badges: built-in ones for words, streaks and a first critique, and any other plugin's.

Badges are declared through the ``register_badges`` hook (``salon.core.hookspecs.badges``);
this plugin counts what they measure from the check-ins, critique and prompts hook families,
awards each badge once per person, tells them in a DM (and, if the organisers want, the
community's spaces), and fires ``badge_awarded``. See ``docs/challenges.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from salon.core import (
    Badge,
    BadgeAward,
    Bot,
    Command,
    Critique,
    Markup,
    Person,
    Piece,
    ProgressEntry,
    PromptResponse,
    hookimpl,
)
from salon.core.storage import AsyncConnection
from salon.plugins.badges import awards, facts, privacy, registry
from salon.plugins.badges.builtin import BUILTIN
from salon.plugins.badges.config import BadgesConfig
from salon.plugins.badges.listing import badges_command

__all__ = [
    "award_badge",
    "critique_submitted",
    "export_person_data",
    "forget_person",
    "people_merged",
    "piece_submitted",
    "progress_logged",
    "prompt_responded",
    "register_badges",
    "register_commands",
    "register_config",
    "register_migrations",
    "startup",
]


@hookimpl
def register_badges(register: Callable[[Badge], None]) -> None:
    for badge in BUILTIN:
        register(badge)


@hookimpl
def register_commands(register: Callable[[Command], None]) -> None:
    register(
        Command(
            "badges",
            badges_command,
            help="The badges you earned, and the ones still to earn.",
            details="Badges come for words, streaks, critiques and finished challenges; "
            "each is yours once, and I tell you in a DM when you earn one.",
        )
    )


@hookimpl
def register_config(register: Callable[[type[Any]], None]) -> None:
    register(BadgesConfig)


@hookimpl
def register_migrations(register: Callable[[Path], None]) -> None:
    register(Path(__file__).parent / "migrations")


@hookimpl
async def startup(bot: Bot) -> None:
    await registry.collect(bot)


@hookimpl
async def progress_logged(entry: ProgressEntry, person: Person, bot: Bot) -> None:
    amount = entry.amount if entry.unit == "words" else 0
    await facts.record(bot, person, "words", entry.day.isoformat(), amount, streak=True)


@hookimpl
async def critique_submitted(critique: Critique, critic: Person, bot: Bot) -> None:
    await facts.record(bot, critic, "critiques_given", str(critique.id), 1)


@hookimpl
async def piece_submitted(piece: Piece, author: Person, bot: Bot) -> None:
    await facts.record(bot, author, "pieces_submitted", str(piece.id), 1)


@hookimpl
async def prompt_responded(response: PromptResponse, person: Person, bot: Bot) -> None:
    await facts.record(bot, person, "prompt_responses", str(response.id), 1)


@hookimpl
async def award_badge(badge_id: str, person: Person, reason: str, bot: Bot) -> BadgeAward | None:
    badge = registry.badges_of(bot).get(badge_id)
    if badge is None:
        return None
    async with bot.transaction() as tx:
        earlier = await awards.load_award(tx.db, person.id, badge)
        if earlier is not None:
            return earlier
        return await awards.award(tx, person, badge, reason) or await awards.load_award(
            tx.db, person.id, badge
        )


@hookimpl
async def people_merged(kept: Person, merged: Person, connection: AsyncConnection) -> None:
    await privacy.merge(kept, merged, connection)


@hookimpl
async def export_person_data(person: Person, connection: AsyncConnection, bot: Bot) -> Markup:
    return await privacy.export(person, connection, bot)


@hookimpl
async def forget_person(person: Person, connection: AsyncConnection) -> None:
    await privacy.forget(person, connection)

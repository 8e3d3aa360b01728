"""The critique exchange: a submission queue, a credit economy and structured critiques.

Members submit pieces in a DM (pasted or as a file), spend credits to enter the queue, and
earn credits by critiquing others' pieces once a weekly review round releases them; authors
rate the critiques they get. Organisers run the queue and the rounds. See
``docs/critique.md``; other plugins react through the ``critique`` hook family.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from salon.core import (
    INT,
    POSITIVE_INT,
    TEXT,
    TIME,
    WORD,
    Action,
    Arg,
    Bot,
    Command,
    Context,
    Dialog,
    JobHandler,
    Markup,
    Message,
    Person,
    Role,
    bold,
    choice,
    code,
    hookimpl,
    lines,
    md,
)
from salon.core.storage import AsyncConnection
from salon.plugins.critique import (
    author,
    claims,
    members,
    organiser,
    privacy,
    reading,
    rounds,
    submit,
    writing,
)
from salon.plugins.critique.config import CritiqueConfig
from salon.plugins.critique.store import CLAIM_ACTION, PIECE, WRITE_ACTION, credits_text, settings

__all__ = [
    "export_person_data",
    "forget_person",
    "message_received",
    "people_merged",
    "register_actions",
    "register_commands",
    "register_config",
    "register_dialogs",
    "register_jobs",
    "register_migrations",
    "startup",
]

_PIECE = Arg("piece", PIECE, help="the piece's number, e.g. 12")


async def overview(ctx: Context) -> None:
    """``critique`` alone: how the exchange works and where to start."""
    config = settings(ctx.bot)
    ctx.reply(
        lines(
            md(
                bold("The critique exchange."),
                " Submit a piece in a DM with ",
                code("critique submit"),
                f" (it costs {credits_text(config.piece_cost)}); "
                "earn credits by critiquing the pieces each review round releases.",
            ),
            md(
                code("critique list"),
                " open pieces · ",
                code("critique claim 12"),
                " · ",
                code("critique write 12"),
                " · ",
                code("critique mine"),
                " · ",
                code("credits"),
                " · ",
                code("critique stats"),
                " · ",
                code("help critique"),
            ),
        )
    )


def _member_commands() -> tuple[Command, ...]:
    return (
        Command(
            "submit",
            submit.submit,
            help="Submit a piece: paste it in a DM, or attach a .txt, .md or .docx file.",
            details="I ask for a title, genre, content notes and your questions for critiquers, "
            "then show what it costs before you confirm.",
            examples=("critique submit",),
        ),
        Command(
            "confirm",
            submit.confirm,
            help="Confirm a submission (pay and queue it).",
            args=(_PIECE,),
        ),
        Command(
            "cancel", submit.cancel, help="Drop a submission you haven't confirmed.", args=(_PIECE,)
        ),
        Command("mine", members.mine, help="Your pieces (place, expected round) and claims."),
        Command(
            "withdraw",
            submit.withdraw,
            help="Take a waiting piece out; credits back.",
            args=(_PIECE,),
        ),
        Command(
            "delete",
            members.delete,
            help="Delete one of your pieces with its critiques.",
            args=(_PIECE,),
        ),
        Command("list", members.list_open, help="Pieces out for critique, fewest critiques first."),
        Command(
            "claim",
            claims.claim,
            help="Claim a piece to critique (it's yours for a week).",
            args=(_PIECE,),
            examples=("critique claim 12",),
        ),
        Command(
            "read",
            reading.read,
            help="Read a piece in your DM, paragraphs numbered.",
            args=(_PIECE, Arg("page", POSITIVE_INT, optional=True, default=1, help="page")),
            examples=("critique read 12", "critique read 12 2"),
        ),
        Command(
            "write",
            writing.write,
            help="Write your critique of a piece you claimed.",
            args=(_PIECE,),
        ),
        Command(
            "rate",
            author.rate,
            help="Rate a critique of your piece, 1 to 5 (once).",
            args=(
                Arg("critique", POSITIVE_INT, help="the critique's number"),
                Arg("stars", POSITIVE_INT, help="1 to 5"),
            ),
            examples=("critique rate 7 4",),
        ),
        Command(
            "thank",
            author.thank,
            help="Thank a critiquer for their critique.",
            args=(Arg("critique", POSITIVE_INT, help="the critique's number"),),
        ),
        Command("stats", author.stats, help="Critiques given and received, and reputation."),
        Command(
            "compile",
            author.compile_piece,
            help="Your piece with every critique, as one .md or .docx file.",
            args=(
                _PIECE,
                Arg("kind", choice("md", "docx"), optional=True, default="md", help="md or docx"),
            ),
            examples=("critique compile 12", "critique compile 12 docx"),
        ),
    )


def _organiser_commands() -> tuple[Command, ...]:
    return (
        Command(
            "queue",
            organiser.show_queue,
            help="What's waiting, by expected round.",
            role=Role.ORGANISER,
        ),
        Command(
            "move",
            organiser.move,
            help="Put a waiting piece at a place in its lane (1: next).",
            args=(_PIECE, Arg("place", POSITIVE_INT, help="1 for first")),
            role=Role.ORGANISER,
            examples=("critique move 12 1",),
        ),
        Command(
            "remove",
            organiser.remove,
            help="Remove a piece that breaks the group's rules (author told, credits back).",
            args=(_PIECE, Arg("reason", TEXT, rest=True, help="told to the author")),
            role=Role.ORGANISER,
            examples=("critique remove 12 not the author's own work",),
        ),
        Command(
            "round",
            rounds.round_status,
            help="See or change the review rounds, or open one now.",
            role=Role.ORGANISER,
            subcommands=(
                Command(
                    "every",
                    rounds.round_every,
                    help="The weekday and time rounds open (community's time zone).",
                    args=(Arg("day", WORD, help="mon … sun"), Arg("at", TIME, help="e.g. 00:00")),
                    examples=("critique round every wed 00:00",),
                ),
                Command(
                    "pieces",
                    rounds.round_pieces,
                    help="How many pieces a round releases, and how many newcomers first.",
                    args=(
                        Arg("pieces", POSITIVE_INT, help="pieces per round"),
                        Arg("newcomers", INT, optional=True, help="from newcomers"),
                    ),
                    examples=("critique round pieces 5 2",),
                ),
                Command("open", rounds.round_open, help="Close the open round, release the next."),
            ),
        ),
    )


@hookimpl
def register_commands(register: Callable[[Command], None]) -> None:
    register(
        Command(
            "critique",
            overview,
            help="The critique exchange: submit pieces, critique others', earn credits.",
            subcommands=(*_member_commands(), *_organiser_commands()),
        )
    )
    amount = Arg("amount", organiser.AMOUNT, help="credits, e.g. 2 or 0.5")
    who = Arg("who", WORD, help="a mention or account")
    reason = Arg("reason", TEXT, rest=True, help="shown on their ledger")
    register(
        Command(
            "credits",
            members.credits_command,
            help="Your critique credits and the last changes.",
            subcommands=(
                Command(
                    "grant",
                    organiser.grant,
                    help="Give a member credits, with a reason.",
                    args=(who, amount, reason),
                    role=Role.ORGANISER,
                    examples=("credits grant @bob 2 welcome to the group",),
                ),
                Command(
                    "correct",
                    organiser.correct,
                    help="Correct a member's credits (+ or -), never below zero.",
                    args=(who, amount, reason),
                    role=Role.ORGANISER,
                    examples=("credits correct @bob -1 counted twice",),
                ),
            ),
        )
    )


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    register(Action(submit.CONFIRM_ACTION, submit.confirm_pressed))
    register(Action(submit.CANCEL_ACTION, submit.cancel_pressed))
    register(Action(CLAIM_ACTION, claims.claim_pressed))
    register(Action(WRITE_ACTION, writing.write_pressed))
    register(Action(reading.PAGE_ACTION, reading.page_pressed))
    register(Action(writing.RATE_ACTION, author.rate_pressed))
    register(Action(writing.THANK_ACTION, author.thank_pressed))
    register(Action(rounds.COMPILE_ACTION, author.compile_pressed))
    register(Action(members.DELETE_ACTION, members.delete_pressed))


@hookimpl
def register_dialogs(register: Callable[[Dialog], None]) -> None:
    for dialog in (*submit.DIALOGS, *writing.DIALOGS):
        register(dialog)


@hookimpl
def register_jobs(register: Callable[[JobHandler], None]) -> None:
    register(JobHandler(rounds.ROUND_JOB, rounds.run_round))
    register(JobHandler(claims.REMIND_JOB, claims.remind))
    register(JobHandler(claims.EXPIRE_JOB, claims.expire))


@hookimpl
def register_config(register: Callable[[type[Any]], None]) -> None:
    register(CritiqueConfig)


@hookimpl
def register_migrations(register: Callable[[Path], None]) -> None:
    register(Path(__file__).parent / "migrations")


@hookimpl
async def startup(bot: Bot) -> None:
    await rounds.schedule_rounds(bot)


@hookimpl
async def message_received(message: Message, ctx: Context) -> bool | None:
    """A document sent alone in a DM (no caption) is a piece to submit."""
    if ctx.space.is_direct and not message.text.strip() and len(message.attachments) == 1:
        await submit.submit(ctx)
        return True
    return None


@hookimpl
async def people_merged(
    kept: Person, merged: Person, connection: AsyncConnection, bot: Bot
) -> None:
    await privacy.merge(kept, merged, connection, bot)


@hookimpl
async def export_person_data(person: Person, connection: AsyncConnection, bot: Bot) -> Markup:
    return await privacy.export(person, connection, bot)


@hookimpl
async def forget_person(person: Person, connection: AsyncConnection, bot: Bot) -> None:
    await privacy.forget(person, connection, bot)

"""Small helpers every part of the critique plugin shares: rows to hook types, lookups, words."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from salon.core import (
    ArgType,
    Bot,
    Button,
    Context,
    Critique,
    JobContext,
    Part,
    Piece,
    Transaction,
    UserError,
    shorten,
)
from salon.core.storage import AsyncConnection, sa
from salon.plugins.critique import tables
from salon.plugins.critique.config import CritiqueConfig

PLUGIN = "critique"

#: Statuses of a piece that still counts as the author's (not withdrawn or removed).
LIVE = ("queued", "released", "closed")

Effects = Context | Transaction | JobContext


def settings(bot: Bot) -> CritiqueConfig:
    config: CritiqueConfig = bot.plugin_config(PLUGIN)
    return config


def fire(ctx: Effects, hook: Callable[..., object], **kwargs: Any) -> None:
    """Call ``hook`` (a critique hookspec) once the current transaction has committed."""
    bot = ctx.bot

    async def call() -> None:
        await bot.notify(hook, community=bot.community, bot=bot, **kwargs)

    ctx.after_commit(call)


def piece_of(row: Any) -> Piece:
    return Piece(
        id=row.id,
        author_id=row.person_id,
        title=row.title,
        words=row.words,
        genre=row.genre,
        status=row.status,
        submitted_at=row.submitted_at,
        round_id=row.round_id,
    )


def critique_of(row: Any) -> Critique:
    return Critique(
        id=row.id,
        piece_id=row.piece_id,
        critic_id=row.person_id,
        words=row.words,
        submitted_at=row.submitted_at,
        rating=row.rating,
    )


def parse_piece_id(text: str) -> int:
    """``12`` or ``#12`` → 12; a ``ValueError`` with a sentence otherwise."""
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdigit() or int(cleaned) <= 0:
        raise ValueError(f"“{shorten(text)}” is not a piece number; pieces are numbered like 12")
    return int(cleaned)


#: A piece's number as members type it: ``12`` or ``#12``.
PIECE = ArgType("piece number", parse_piece_id)


async def load_piece(db: AsyncConnection, piece_id: int, *, lock: bool = False) -> Any:
    """The piece row, or a ``UserError`` if there is none (drafts are nobody's business)."""
    query = sa.select(tables.pieces).where(
        tables.pieces.c.id == piece_id, tables.pieces.c.status != "draft"
    )
    if lock:
        query = query.with_for_update()
    row = (await db.execute(query)).first()
    if row is None:
        raise UserError(
            f"There is no piece {piece_id}. critique list shows the pieces open for critique."
        )
    return row


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def halves(amount: Decimal) -> int:
    """Credits as the ledger stores them: a whole number of half credits."""
    return int(amount * 2)


def from_halves(count: int) -> Decimal:
    return (Decimal(count) / 2).quantize(Decimal("0.1"))


def credits_text(amount: Decimal | float) -> str:
    """``1 credit``, ``2 credits``, ``1.5 credits``, ``-3 credits``."""
    value = Decimal(str(amount))
    number = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return f"{number} credit" if abs(value) == 1 else f"{number} credits"


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    """``Wed 09 Dec, 00:00 Europe/Berlin``: a moment on a member's wall clock."""
    return f"{moment.astimezone(tz):%a %d %b, %H:%M} {tz.key}"


_WORD = re.compile(r"[^\W_](?:[\w\u2019'-]*[^\W_])?")


def count_words(*texts: str | None) -> int:
    """Words in ``texts`` as a writer counts them (``don't`` and ``well-known`` are one)."""
    return sum(len(_WORD.findall(text)) for text in texts if text)


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Pasted text as paragraphs: blank lines separate them, or else each line is one."""
    normalized = text.replace("\r\n", "\n").strip()
    blocks = re.split(r"\n\s*\n", normalized)
    if len(blocks) == 1:
        blocks = normalized.split("\n")
    return tuple(" ".join(block.split()) for block in blocks if block.strip())


WRITE_ACTION = "critique.write"
CLAIM_ACTION = "critique.claim"


def write_button(piece_id: int) -> Button:
    return Button("Write critique", WRITE_ACTION, str(piece_id))


def claim_button(piece_id: int) -> Button:
    return Button("Critique this", CLAIM_ACTION, str(piece_id))


def to_member(ctx: Context, *parts: Part, buttons: tuple[Button, ...] = ()) -> None:
    """Answer privately: here if this is a DM, else in the member's DM (and say so here)."""
    if ctx.space.is_direct:
        ctx.reply(*parts, buttons=buttons)
    else:
        ctx.send_to(ctx.person, *parts, buttons=buttons)

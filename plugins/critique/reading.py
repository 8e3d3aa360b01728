"""Reading a piece in a DM: numbered paragraphs (``¶3``, what paragraph comments refer to),
paged so a long piece arrives in messages of a readable size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from salon.core import Button, ButtonPress, Context, Markup, UserError, bold, italic, lines, md
from salon.core.storage import sa
from salon.plugins.critique import tables
from salon.plugins.critique.store import load_piece, plural, settings, to_member, write_button

PAGE_ACTION = "critique.page"


def pages(paragraphs: Sequence[str], page_chars: int) -> list[list[int]]:
    """Paragraph indexes per page: each page holds whole paragraphs, about ``page_chars``."""
    out: list[list[int]] = [[]]
    size = 0
    for index, text in enumerate(paragraphs):
        if out[-1] and size + len(text) > page_chars:
            out.append([])
            size = 0
        out[-1].append(index)
        size += len(text)
    return out


def heading(row: Any, author: str) -> Markup:
    genre = f", {row.genre}" if row.genre else ""
    return md(
        bold(f"Piece {row.id}: "),
        italic(row.title),
        f" by {author}{genre} — ",
        plural(row.words, "word"),
    )


def page_view(
    row: Any, author: str, page: int, page_chars: int, *, buttons: tuple[Button, ...] = ()
) -> tuple[Markup, tuple[Button, ...]]:
    """Page ``page`` (1-based) of the piece, with a button to the next page."""
    paragraphs = row.paragraphs
    split = pages(paragraphs, page_chars)
    if not 1 <= page <= len(split):
        raise UserError(
            f"Piece {row.id} has {plural(len(split), 'page')}; there is no page {page}."
        )
    parts: list[Markup | str] = []
    if page == 1:
        parts.append(heading(row, author))
        if row.content_notes:
            parts.append(md(bold("Content notes: "), row.content_notes))
    parts.extend(md(bold(f"¶{i + 1}"), " ", paragraphs[i]) for i in split[page - 1])
    extra: tuple[Button, ...] = ()
    if page < len(split):
        parts.append(md(italic(f"Page {page} of {len(split)}.")))
        extra = (Button(f"Page {page + 1}", PAGE_ACTION, f"{row.id}:{page + 1}"),)
    elif len(split) > 1:
        parts.append(md(italic(f"Page {page} of {len(split)}: the end.")))
    return lines(*parts), (*extra, *buttons)


async def may_read(ctx: Context, row: Any) -> None:
    """Released and closed pieces are for the community; a waiting one only for its author."""
    if row.person_id == ctx.person.id or ctx.person.is_organiser:
        return
    if row.status not in ("released", "closed"):
        raise UserError(f"Piece {row.id} isn't out for critique, so it can't be read yet.")


async def read(ctx: Context, piece: int, page: int = 1) -> None:
    """``critique read 12 [page]``: the piece in your DM, numbered and paged."""
    async with ctx.transaction() as db:
        row = await load_piece(db, piece)
        await may_read(ctx, row)
        claim = (
            await db.execute(
                sa.select(tables.claims.c.status).where(
                    tables.claims.c.piece_id == piece,
                    tables.claims.c.person_id == ctx.person.id,
                )
            )
        ).first()
    author = await ctx.bot.people.get(row.person_id)
    buttons = (write_button(piece),) if claim is not None and claim[0] == "active" else ()
    body, all_buttons = page_view(
        row,
        author.display_name if author else "a member",
        page,
        settings(ctx.bot).page_chars,
        buttons=buttons,
    )
    to_member(ctx, body, buttons=all_buttons)
    if not ctx.space.is_direct:
        ctx.reply("I've sent it to you in a direct message.")


async def page_pressed(ctx: Context, press: ButtonPress) -> None:
    piece, _, page = press.value.partition(":")
    if not piece.isdigit() or not page.isdigit():
        raise UserError("That button is not one of mine; nothing was changed.")
    await read(ctx, int(piece), int(page))

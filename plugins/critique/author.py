"""The author's side: rating each critique once (1 to 5), thanking its critiquer, reputation in
``critique stats``, and the piece with every critique compiled into one ``.md`` or ``.docx``."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import docx

from salon.core import (
    ButtonPress,
    Context,
    File,
    UserError,
    bold,
    italic,
    lines,
    md,
)
from salon.core.hookspecs import critique as hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.critique import ledger, tables
from salon.plugins.critique.store import (
    credits_text,
    critique_of,
    fire,
    load_piece,
    piece_of,
    plural,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def _critique(db: AsyncConnection, critique_id: int) -> Any:
    row = (
        await db.execute(
            sa.select(
                tables.critiques,
                tables.pieces.c.person_id.label("author_id"),
                tables.pieces.c.title,
            )
            .join(tables.pieces, tables.pieces.c.id == tables.critiques.c.piece_id)
            .where(tables.critiques.c.id == critique_id)
        )
    ).first()
    if row is None:
        raise UserError(f"There is no critique {critique_id}.")
    return row


async def rate(ctx: Context, critique: int, stars: int) -> None:
    """``critique rate 7 4``: the author rates a critique of their piece, once."""
    critique_id = critique
    if not 1 <= stars <= 5:
        raise UserError(f"Ratings go from 1 to 5; {stars} isn't one of them.")
    async with ctx.transaction() as db:
        row = await _critique(db, critique_id)
        if row.author_id != ctx.person.id:
            raise UserError("Only the piece's author can rate its critiques.")
        done = await db.execute(
            tables.critiques.update()
            .where(tables.critiques.c.id == critique_id, tables.critiques.c.rating.is_(None))
            .values(rating=stars, rated_at=ctx.now())
        )
        if done.rowcount != 1:
            raise UserError(
                f"You rated this critique {row.rating}/5 already; a rating can't be changed."
            )
        stored = await _critique(db, critique_id)
        piece = await load_piece(db, row.piece_id)
        critic = await ctx.bot.people.get(row.person_id, db)
    ctx.reply(f"Rated {stars}/5. Thank you: ratings help critiquers see what helps.")
    if critic is not None:
        fire(
            ctx,
            hooks.critique_rated,
            critique=critique_of(stored),
            piece=piece_of(piece),
            critic=critic,
            author=ctx.person,
        )


async def rate_pressed(ctx: Context, press: ButtonPress) -> None:
    critique_id, _, stars = press.value.partition(":")
    if not critique_id.isdigit() or not stars.isdigit():
        raise UserError("That button is not one of mine; nothing was changed.")
    await rate(ctx, int(critique_id), int(stars))


async def thank(ctx: Context, critique: int) -> None:
    """``critique thank 7``: tell the critiquer their critique was appreciated, once."""
    critique_id = critique
    async with ctx.transaction() as db:
        row = await _critique(db, critique_id)
        if row.author_id != ctx.person.id:
            raise UserError("Only the piece's author can thank its critiquers.")
        done = await db.execute(
            tables.critiques.update()
            .where(tables.critiques.c.id == critique_id, tables.critiques.c.thanked_at.is_(None))
            .values(thanked_at=ctx.now())
        )
        if done.rowcount != 1:
            raise UserError("You thanked them for this critique already.")
        critic = await ctx.bot.people.get(row.person_id, db)
        if critic is not None:
            ctx.send_to(
                critic,
                md(
                    ctx.person.display_name,
                    " thanks you for your critique of ",
                    italic(row.title),
                    ".",
                ),
            )
    ctx.reply("I've passed on your thanks.")


async def thank_pressed(ctx: Context, press: ButtonPress) -> None:
    if not press.value.isdigit():
        raise UserError("That button is not one of mine; nothing was changed.")
    await thank(ctx, int(press.value))


async def stats(ctx: Context) -> None:
    """``critique stats``: what you gave and got, your reputation, and the best-rated critics."""
    me = ctx.person.id
    c = tables.critiques.c
    async with ctx.bot.read() as db:
        given = (
            await db.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(c.words), 0),
                    sa.func.avg(c.rating),
                    sa.func.count(c.rating),
                ).where(c.person_id == me)
            )
        ).one()
        received = (
            await db.execute(
                sa.select(sa.func.count())
                .select_from(tables.critiques.join(tables.pieces, tables.pieces.c.id == c.piece_id))
                .where(tables.pieces.c.person_id == me)
            )
        ).scalar_one()
        pieces = (
            await db.execute(
                sa.select(sa.func.count()).where(
                    tables.pieces.c.person_id == me,
                    tables.pieces.c.status.in_(("queued", "released", "closed")),
                )
            )
        ).scalar_one()
        top = (
            await db.execute(
                sa.select(c.person_id, sa.func.avg(c.rating), sa.func.count(c.rating))
                .where(c.rating.is_not(None))
                .group_by(c.person_id)
                .order_by(sa.func.avg(c.rating).desc(), sa.func.count(c.rating).desc())
                .limit(5)
            )
        ).all()
        balance = await ledger.shown_balance(ctx.bot, db, me)
    count, words, average, rated = given
    reputation = (
        f"rated {float(average):.1f}/5 on average by authors ({plural(rated, 'rating')})"
        if rated
        else "not rated yet"
    )
    people = await ctx.bot.people.many({row[0] for row in top})
    parts: list[Any] = [
        md(
            bold("Your critiques: "),
            f"{plural(count, 'critique')} given ({words:,} words), {reputation}.",
        ),
        md(
            bold("Your pieces: "),
            f"{plural(pieces, 'piece')} submitted, {plural(received, 'critique')} received.",
        ),
        md(bold("Credits: "), credits_text(balance), "."),
    ]
    if top:
        parts.append(md(bold("Best-rated critiquers:")))
        for person_id, avg, n in top:
            who = people.get(person_id)
            name = who.display_name if who is not None else "a former member"
            parts.append(md(f"{name}: {float(avg):.1f}/5 ({plural(n, 'rating')})"))
    ctx.reply(lines(*parts))


# --- the compiled file -----------------------------------------------------------------------
async def compile_piece(ctx: Context, piece: int, kind: str = "md") -> None:
    """``critique compile 12 [md|docx]``: the piece with every critique, as one file."""
    async with ctx.bot.read() as db:
        row = await load_piece(db, piece)
        if row.person_id != ctx.person.id and not ctx.person.is_organiser:
            raise UserError("Only the piece's author can get its critiques as a file.")
        if row.status not in ("released", "closed"):
            raise UserError(f"Piece {piece} hasn't been out for critique, so there is nothing yet.")
        critiques = list(
            (
                await db.execute(
                    sa.select(tables.critiques)
                    .where(tables.critiques.c.piece_id == piece)
                    .order_by(tables.critiques.c.id)
                )
            ).all()
        )
    critics = await ctx.bot.people.many({c.person_id for c in critiques})
    names = {
        c.id: (critics[c.person_id].display_name if c.person_id in critics else "a member")
        for c in critiques
    }
    stem = _file_stem(row.title, piece)
    if kind == "docx":
        data = await asyncio.to_thread(compiled_docx, row, critiques, names)
        file = File(f"{stem}.docx", DOCX_TYPE, data)
    else:
        file = File(
            f"{stem}.md", "text/markdown", compiled_markdown(row, critiques, names).encode()
        )
    ctx.reply(
        md(italic(row.title), f" with {plural(len(critiques), 'critique')}."),
        files=(file,),
    )


async def compile_pressed(ctx: Context, press: ButtonPress) -> None:
    piece, _, kind = press.value.partition(":")
    if not piece.isdigit() or kind not in ("md", "docx"):
        raise UserError("That button is not one of mine; nothing was changed.")
    await compile_piece(ctx, int(piece), kind)


def _file_stem(title: str, piece: int) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{piece}-{safe[:40] or 'piece'}-critiques"


def _comments_by_paragraph(critiques: list[Any], names: dict[int, str]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for c in critiques:
        for number, comment in c.comments:
            out.setdefault(int(number), []).append(f"{names[c.id]}: {comment}")
    return out


def _md_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_{}[]<>#|" else ch for ch in text)


def compiled_markdown(piece: Any, critiques: list[Any], names: dict[int, str]) -> str:
    """The piece, each paragraph followed by its comments, then every critique in full."""
    comments = _comments_by_paragraph(critiques, names)
    out = [f"# {_md_escape(piece.title)}", ""]
    if piece.genre:
        out += [f"*{_md_escape(piece.genre)}* — {piece.words:,} words", ""]
    for number, paragraph in enumerate(piece.paragraphs, 1):
        out += [f"**¶{number}** {_md_escape(paragraph)}", ""]
        out += [f"> {_md_escape(comment)}" for comment in comments.get(number, [])]
        if number in comments:
            out.append("")
    out += ["---", "", f"## Critiques ({len(critiques)})", ""]
    for c in critiques:
        rating = f", rated {c.rating}/5" if c.rating else ""
        out += [f"### {_md_escape(names[c.id])} ({c.words:,} words{rating})", ""]
        for question, answer in c.answers:
            out += [f"**{_md_escape(question)}**", "", _md_escape(answer), ""]
        for number, comment in c.comments:
            out.append(f"- ¶{number}: {_md_escape(comment)}")
        if c.comments:
            out.append("")
    return "\n".join(out)


def compiled_docx(piece: Any, critiques: list[Any], names: dict[int, str]) -> bytes:
    """The same as ``compiled_markdown``, as a Word document (python-docx)."""
    comments = _comments_by_paragraph(critiques, names)
    document = docx.Document()
    document.add_heading(piece.title, level=1)
    for number, paragraph in enumerate(piece.paragraphs, 1):
        para = document.add_paragraph()
        para.add_run(f"¶{number} ").bold = True
        para.add_run(paragraph)
        for comment in comments.get(number, []):
            document.add_paragraph(comment, style="Intense Quote")
    document.add_heading(f"Critiques ({len(critiques)})", level=1)
    for c in critiques:
        rating = f", rated {c.rating}/5" if c.rating else ""
        document.add_heading(f"{names[c.id]} ({c.words:,} words{rating})", level=2)
        for question, answer in c.answers:
            document.add_paragraph().add_run(question).bold = True
            document.add_paragraph(answer)
        for number, comment in c.comments:
            document.add_paragraph(f"¶{number}: {comment}", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

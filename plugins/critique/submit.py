"""Submitting a piece in a DM: pasted text or a ``.txt``/``.md``/``.docx`` file, the author's
title, genre, content notes and questions (the core's dialog helper: a modal on Slack), the
word count checked against the organisers' limits, then the cost shown and a button to
confirm. Nothing is stored until the answers are in and the piece is within the limits; the
credits are spent only when the author confirms.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from salon.core import (
    Answers,
    ArgType,
    Button,
    ButtonPress,
    Context,
    Dialog,
    Person,
    Question,
    UserError,
    bold,
    code,
    italic,
    lines,
    md,
)
from salon.core.hookspecs import critique
from salon.core.storage import AsyncConnection, sa
from salon.plugins.critique import ledger, queue, tables
from salon.plugins.critique.config import credits
from salon.plugins.critique.store import (
    LIVE,
    count_words,
    credits_text,
    fire,
    halves,
    load_piece,
    local_time,
    piece_of,
    plural,
    settings,
    split_paragraphs,
)

TEXT_DIALOG = "critique.submit"
FILE_DIALOG = "critique.submit_file"
CONFIRM_ACTION = "critique.confirm"
CANCEL_ACTION = "critique.cancel"
MAX_TITLE = 120


def _title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise ValueError("the piece needs a title")
    if len(title) > MAX_TITLE:
        raise ValueError(
            f"a title can be at most {MAX_TITLE} characters; this one has {len(title)}"
        )
    return title


def _short(limit: int, what: str) -> ArgType:
    def parse(text: str) -> str:
        cleaned = " ".join(text.split())
        if len(cleaned) > limit:
            raise ValueError(f"{what} can be at most {limit} characters; this has {len(cleaned)}")
        return cleaned

    return ArgType(what, parse)


_DETAILS = (
    Question(
        "title",
        "What is the piece called?",
        multiline=False,
        type=ArgType("title", _title),
    ),
    Question(
        "genre",
        "Its genre or form (literary fiction, fantasy, memoir, poetry…)?",
        optional=True,
        multiline=False,
        type=_short(100, "a genre"),
    ),
    Question(
        "notes",
        "Content notes readers should see before reading (violence, grief, …)?",
        optional=True,
    ),
    Question(
        "questions",
        "What would you like your critiquers to tell you? One question per line.",
        optional=True,
    ),
)

TEXT = Question(
    "text",
    "Paste the piece here, with a blank line between paragraphs. (A .txt, .md or .docx file "
    "works too: send cancel, then send the file with critique submit as its caption.)",
)


async def submit(ctx: Context) -> None:
    """``critique submit``: start the questions, with the attached file's text if any."""
    message = ctx.message
    attachments = message.attachments if message is not None else ()
    if len(attachments) > 1:
        raise UserError("Please send one file at a time: the piece as .txt, .md or .docx.")
    if attachments:
        paragraphs = tuple(p for p in await ctx.read_document(attachments[0]) if p.strip())
        check_length(ctx, paragraphs)
        data = {"paragraphs": list(paragraphs), "file": attachments[0].name}
        await ctx.bot.dialogs.start(ctx, FILE_DIALOG, ctx.member.ref, data=data)
    else:
        await ctx.bot.dialogs.start(ctx, TEXT_DIALOG, ctx.member.ref)
    if not ctx.space.is_direct:
        ctx.reply("I've sent you a direct message to submit your piece there.")


def check_length(ctx: Context, paragraphs: tuple[str, ...]) -> int:
    """The piece's word count, or a ``UserError`` if it is outside the organisers' limits."""
    config = settings(ctx.bot)
    words = count_words(*paragraphs)
    if words == 0:
        raise UserError("That piece is empty: I found no words in it. Nothing was saved.")
    if words < config.min_words:
        raise UserError(
            f"That piece has {plural(words, 'word')}; pieces need at least "
            f"{config.min_words:,} words here. Nothing was saved."
        )
    if words > config.max_words:
        raise UserError(
            f"That piece has {words:,} words; pieces can have at most {config.max_words:,} "
            "words here. Submit a part of it (a chapter or a scene) instead. Nothing was saved."
        )
    return words


async def text_done(ctx: Context, db: AsyncConnection, answers: Answers) -> None:
    paragraphs = split_paragraphs(answers.values["text"] or "")
    await _offer(ctx, db, answers, paragraphs, check_length(ctx, paragraphs))


async def file_done(ctx: Context, db: AsyncConnection, answers: Answers) -> None:
    paragraphs = tuple(answers.data["paragraphs"])
    await _offer(ctx, db, answers, paragraphs, check_length(ctx, paragraphs))


DIALOGS = (
    Dialog(
        TEXT_DIALOG,
        (*_DETAILS, TEXT),
        on_done=text_done,
        title="Submit a piece for critique",
        expires=timedelta(days=2),
    ),
    Dialog(
        FILE_DIALOG,
        _DETAILS,
        on_done=file_done,
        title="Submit a piece for critique",
        expires=timedelta(days=2),
    ),
)


async def cost_for(ctx: Context, db: AsyncConnection, person_id: int) -> Decimal:
    """What the person's next piece costs: more while another of theirs is waiting."""
    config = settings(ctx.bot)
    waiting = await _count(db, person_id, ("queued",))
    return credits(config.second_piece_cost if waiting else config.piece_cost)


async def _count(db: AsyncConnection, person_id: int, statuses: tuple[str, ...]) -> int:
    query = sa.select(sa.func.count()).where(
        tables.pieces.c.person_id == person_id, tables.pieces.c.status.in_(statuses)
    )
    return int((await db.execute(query)).scalar_one())


async def _offer(
    ctx: Context,
    db: AsyncConnection,
    answers: Answers,
    paragraphs: tuple[str, ...],
    words: int,
) -> None:
    """Store the draft and show its cost, with the buttons to confirm or cancel."""
    person = ctx.person
    values = answers.values
    await db.execute(
        tables.pieces.delete().where(
            tables.pieces.c.person_id == person.id, tables.pieces.c.status == "draft"
        )
    )
    now = ctx.now()
    piece_id = (
        await db.execute(
            tables.pieces.insert()
            .values(
                person_id=person.id,
                title=values["title"],
                genre=values.get("genre") or "",
                content_notes=(values.get("notes") or "").strip(),
                questions=(values.get("questions") or "").strip(),
                paragraphs=list(paragraphs),
                words=words,
                status="draft",
                lane="main",
                position=now.timestamp(),
                created_at=now,
            )
            .returning(tables.pieces.c.id)
        )
    ).scalar_one()
    await ledger.ensure_account(ctx, db, person.id)
    cost = await cost_for(ctx, db, person.id)
    balance = await ledger.balance_of(db, person.id)
    genre = f" ({values['genre']})" if values.get("genre") else ""
    afford = (
        md("Submitting it costs ", bold(credits_text(cost)), f"; you have {credits_text(balance)}.")
        if balance >= cost
        else md(
            "Submitting it costs ",
            bold(credits_text(cost)),
            f" and you have {credits_text(balance)}: critique a piece first (",
            code("critique list"),
            "), then confirm.",
        )
    )
    ctx.reply(
        lines(
            md(
                italic(values["title"]),
                f"{genre}: {plural(words, 'word')} in ",
                plural(len(paragraphs), "paragraph"),
                ".",
            ),
            afford,
            md(
                "Or send ",
                code(f"critique confirm {piece_id}"),
                " (or ",
                code(f"critique cancel {piece_id}"),
                ").",
            ),
        ),
        buttons=(
            Button(f"Submit for {credits_text(cost)}", CONFIRM_ACTION, str(piece_id)),
            Button("Cancel", CANCEL_ACTION, str(piece_id)),
        ),
    )


async def _draft(db: AsyncConnection, person: Person, piece_id: int) -> Any:
    row = (
        await db.execute(
            sa.select(tables.pieces).where(tables.pieces.c.id == piece_id).with_for_update()
        )
    ).first()
    if row is None or row.person_id != person.id:
        raise UserError(f"You have no submission {piece_id} waiting for confirmation.")
    if row.status != "draft":
        raise UserError(f"Piece {piece_id} is submitted already: “critique mine” shows it.")
    return row


async def confirm(ctx: Context, piece: int) -> None:
    """``critique confirm 12`` (or the button): pay and put the piece in the queue."""
    async with ctx.transaction() as db:
        row = await _draft(db, ctx.person, piece)
        cost = await cost_for(ctx, db, ctx.person.id)
        first = await _count(db, ctx.person.id, LIVE) == 0
        lane = "newcomer" if first else "main"
        await ledger.book(
            ctx,
            db,
            ctx.person.id,
            -cost,
            f"submitted piece {piece} “{row.title}”",
            f"cost:piece:{piece}",
            what="This piece",
        )
        now = ctx.now()
        await db.execute(
            tables.pieces.update()
            .where(tables.pieces.c.id == piece)
            .values(
                status="queued",
                lane=lane,
                submitted_at=now,
                position=now.timestamp(),
                cost_halves=halves(cost),
            )
        )
        stored = (
            await db.execute(sa.select(tables.pieces).where(tables.pieces.c.id == piece))
        ).one()
        rows = await queue.queued(db)
        rounds = await queue.round_settings(ctx.bot, db)
        balance = await ledger.balance_of(db, ctx.person.id)
    ctx.reply(
        lines(
            md(
                "Piece ",
                bold(str(piece)),
                " ",
                italic(row.title),
                " is in the queue; it cost ",
                credits_text(cost),
                f" (you have {credits_text(balance)} left).",
            ),
            await place_text(ctx, rows, rounds, piece),
        )
    )
    fire(ctx, critique.piece_submitted, piece=piece_of(stored), author=ctx.person)


async def place_text(
    ctx: Context, rows: list[Any], rounds: queue.RoundSettings, piece_id: int
) -> str:
    """``Place 2 of 3 in the newcomers' lane; expected in the round of Wed 09 Dec, 00:00 …``"""
    lane, place, of = queue.lane_place(rows, piece_id)
    lane_name = "the newcomers' lane" if lane == "newcomer" else "the queue"
    index = next(
        i
        for i, batch in enumerate(queue.plan(rows, rounds))
        if any(r.id == piece_id for r in batch)
    )
    when = await queue.expected_round(ctx.bot, index)
    expected = (
        f"expected in the round of {local_time(when, ctx.person.tz)}"
        if when is not None
        else "no review rounds are scheduled yet"
    )
    return f"Place {place} of {of} in {lane_name}; {expected}."


async def cancel(ctx: Context, piece: int) -> None:
    """``critique cancel 12`` (or the button): drop the draft; nothing was paid."""
    async with ctx.transaction() as db:
        row = await _draft(db, ctx.person, piece)
        await db.execute(tables.pieces.delete().where(tables.pieces.c.id == piece))
    ctx.reply(md("Cancelled: ", italic(row.title), " was not submitted and nothing was paid."))


async def confirm_pressed(ctx: Context, press: ButtonPress) -> None:
    await confirm(ctx, _press_id(press))
    if press.message_id:
        ctx.edit(press.message_id, "Submitted.")


async def cancel_pressed(ctx: Context, press: ButtonPress) -> None:
    await cancel(ctx, _press_id(press))
    if press.message_id:
        ctx.edit(press.message_id, "Cancelled.")


def _press_id(press: ButtonPress) -> int:
    if not press.value.isdigit():
        raise UserError("That button is not one of mine; nothing was changed.")
    return int(press.value)


async def withdraw(ctx: Context, piece: int) -> None:
    """``critique withdraw 12``: take a waiting piece out of the queue, credits back."""
    async with ctx.transaction() as db:
        row = await load_piece(db, piece, lock=True)
        if row.person_id != ctx.person.id:
            raise UserError(f"Piece {piece} isn't yours, so you can't withdraw it.")
        if row.status != "queued":
            raise UserError(
                f"Piece {piece} is {row.status}, not waiting in the queue, so it can't be "
                "withdrawn (you can still delete it: critique delete)."
            )
        await db.execute(
            tables.pieces.update().where(tables.pieces.c.id == piece).values(status="withdrawn")
        )
        refund = Decimal(row.cost_halves) / 2
        if refund:
            await ledger.book(
                ctx,
                db,
                ctx.person.id,
                refund,
                f"withdrew piece {piece} “{row.title}”",
                f"refund:piece:{piece}",
            )
        balance = await ledger.balance_of(db, ctx.person.id)
    ctx.reply(
        md(
            "Withdrawn: ",
            italic(row.title),
            f" left the queue and its {credits_text(refund)} "
            f"came back (you have {credits_text(balance)}).",
        )
    )

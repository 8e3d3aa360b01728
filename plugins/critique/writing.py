"""Writing a critique: the author's questions, the template (overall impression, what works,
what could be stronger) and paragraph comments (``¶3: …``), asked through the core's dialog
helper — a modal on Slack, one question at a time elsewhere — whose state is in the database,
so a half-written critique survives a restart. The finished critique earns credits by its
length and goes to the author's DM with rating buttons.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from salon.core import (
    Answers,
    Button,
    ButtonPress,
    Context,
    Dialog,
    Markup,
    Question,
    UserError,
    bold,
    code,
    italic,
    lines,
    md,
    quote,
)
from salon.core.hookspecs import critique
from salon.core.storage import AsyncConnection, sa
from salon.plugins.critique import ledger, tables
from salon.plugins.critique.claims import cancel_jobs
from salon.plugins.critique.store import (
    count_words,
    credits_text,
    critique_of,
    fire,
    halves,
    load_piece,
    piece_of,
    plural,
    settings,
    to_member,
)

DIALOG = "critique.write"
RATE_ACTION = "critique.rate"
THANK_ACTION = "critique.thank"

#: The template, in the order asked (and shown to the author).
TEMPLATE = (
    ("impression", "Overall impression: how did the piece work for you as a reader?"),
    ("works", "What works? The moments, lines and choices the author should keep."),
    ("stronger", "What could be stronger? Be specific, and kind."),
)
ANSWERS = ("answers", "Your answers to the author's questions (sent just above).")
COMMENTS = (
    "comments",
    "Paragraph comments, one per line, like ¶3: this line of dialogue sings. "
    "The numbers are the ¶ numbers of the piece.",
)

_COMMENT = re.compile(
    r"^\s*(?:¶|§|p|para(?:graph)?\.?)?\s*(\d+)\s*[:.)\-\u2013]\s*(.*)$", re.IGNORECASE
)


async def write(ctx: Context, piece: int) -> None:
    """``critique write 12`` (or the button): start the critique of a claimed piece."""
    async with ctx.transaction() as db:
        row = await load_piece(db, piece)
        if row.person_id == ctx.person.id:
            raise UserError(f"Piece {piece} is your own; you can't critique it.")
        await _claim_of(db, row, ctx.person.id)
        asks = [q.strip() for q in row.questions.splitlines() if q.strip()]
        intro: list[Markup | str] = [
            md(
                "Your critique of ",
                italic(row.title),
                f" (piece {piece}). Your answers are "
                "kept as you go, so you can stop and come back.",
            )
        ]
        if asks:
            intro.append(md(bold("The author asks:")))
            intro.extend(md(f"{n}. ", text) for n, text in enumerate(asks, 1))
        else:
            intro.append("The author asked no questions of their own: skip that one.")
        to_member(ctx, lines(*intro))
        await ctx.bot.dialogs.start(ctx, DIALOG, ctx.member.ref, data={"piece": piece}, db=db)


async def _claim_of(db: AsyncConnection, row: Any, person_id: int) -> Any:
    claim = (
        await db.execute(
            sa.select(tables.claims).where(
                tables.claims.c.piece_id == row.id, tables.claims.c.person_id == person_id
            )
        )
    ).first()
    if claim is None or claim.status == "expired":
        raise UserError(
            f"Claim piece {row.id} first (critique claim {row.id}), so its author gets a "
            "critique slot's worth of attention."
        )
    if claim.status == "done":
        raise UserError(f"You've critiqued piece {row.id} already; one critique per piece.")
    return claim


def parse_comments(text: str | None, paragraphs: int) -> list[list[Any]]:
    """``¶3: …`` lines → ``[[3, "…"], ...]``; a line without a number continues the last."""
    out: list[list[Any]] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        found = _COMMENT.match(line)
        if found is None:
            if not out:
                raise UserError(
                    "Start each paragraph comment with its number, like ¶3: your comment. "
                    "Send them again (or skip)."
                )
            out[-1][1] = f"{out[-1][1]} {line.strip()}"
            continue
        number, comment = int(found.group(1)), found.group(2).strip()
        if not 1 <= number <= paragraphs:
            raise UserError(
                f"The piece has {plural(paragraphs, 'paragraph')}, so there is no ¶{number}. "
                "Send the comments again (or skip)."
            )
        if not comment:
            raise UserError(f"¶{number} has no comment after it. Send the comments again.")
        out.append([number, comment])
    return out


async def written(ctx: Context, db: AsyncConnection, answers: Answers) -> None:
    """The dialog's end: store the critique, book its credits, deliver it to the author."""
    config = settings(ctx.bot)
    piece = int(answers.data["piece"])
    row = await load_piece(db, piece)
    claim = await _claim_of(db, row, ctx.person.id)
    values = answers.values
    comments = parse_comments(values.get("comments"), len(row.paragraphs))
    given = [[text, values[name]] for name, text in (*TEMPLATE, ANSWERS) if values.get(name)]
    words = count_words(*(answer for _, answer in given), *(c for _, c in comments))
    earned = config.earned(words)
    now = ctx.now()
    critique_id = (
        await db.execute(
            tables.critiques.insert()
            .values(
                piece_id=piece,
                person_id=ctx.person.id,
                answers=given,
                comments=comments,
                words=words,
                earned_halves=halves(earned),
                submitted_at=now,
            )
            .returning(tables.critiques.c.id)
        )
    ).scalar_one()
    await db.execute(
        tables.claims.update().where(tables.claims.c.id == claim.id).values(status="done")
    )
    await cancel_jobs(ctx, db, claim.id)
    if earned:
        await ledger.book(
            ctx,
            db,
            ctx.person.id,
            earned,
            f"critique of piece {piece} “{row.title}”",
            f"earn:critique:{critique_id}",
        )
    await ledger.ensure_account(ctx, db, ctx.person.id)
    balance = await ledger.balance_of(db, ctx.person.id)
    stored = (
        await db.execute(sa.select(tables.critiques).where(tables.critiques.c.id == critique_id))
    ).one()
    author = await ctx.bot.people.get(row.person_id, db)
    if earned:
        reward = f"It earned {credits_text(earned)}; you have {credits_text(balance)}."
    else:
        reward = (
            f"Critiques under {config.critique_floor_words} words earn no credits; "
            f"you have {credits_text(balance)}."
        )
    ctx.reply(
        md(
            "Thank you! Your critique of ",
            italic(row.title),
            f" ({plural(words, 'word')}) is on its way to the author. ",
            reward,
        )
    )
    if author is not None:
        ctx.send_to(
            author,
            critique_view(row, stored, ctx.person.display_name),
            buttons=(
                *(Button(str(n), RATE_ACTION, f"{critique_id}:{n}") for n in range(1, 6)),
                Button("Say thanks", THANK_ACTION, str(critique_id)),
            ),
        )
        fire(
            ctx,
            critique.critique_submitted,
            critique=critique_of(stored),
            piece=piece_of(row),
            critic=ctx.person,
            author=author,
        )


def critique_view(piece: Any, row: Any, critic: str) -> Markup:
    """A critique as its author reads it."""
    parts: list[Any] = [
        md(
            bold("A critique of "),
            italic(piece.title),
            f" by {critic} ({plural(row.words, 'word')})",
        )
    ]
    for question, answer in row.answers:
        parts.append(md(bold(question)))
        parts.append(quote(answer))
    if row.comments:
        parts.append(md(bold("Paragraph comments:")))
        parts.extend(md(bold(f"¶{number}"), " ", comment) for number, comment in row.comments)
    parts.append(
        md(
            "Rate it 1 to 5 with the buttons (or ",
            code(f"critique rate {row.id} 4"),
            "); ratings are how critiquers build their reputation.",
        )
    )
    return lines(*parts)


async def write_pressed(ctx: Context, press: ButtonPress) -> None:
    if not press.value.isdigit():
        raise UserError("That button is not one of mine; nothing was changed.")
    await write(ctx, int(press.value))


def _questions() -> tuple[Question, ...]:
    template = tuple(Question(name, text) for name, text in TEMPLATE)
    return (
        *template,
        Question(ANSWERS[0], ANSWERS[1], optional=True),
        Question(COMMENTS[0], COMMENTS[1], optional=True),
    )


DIALOGS = (
    Dialog(
        DIALOG,
        _questions(),
        on_done=written,
        title="Critique",
        expires=timedelta(days=8),
    ),
)

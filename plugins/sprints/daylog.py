"""Adding a sprint's words to the member's daily log, through ``checkins.log_progress``.

The check-in plugin keeps the log; this plugin never imports it. Without it the hook answers
``None`` and the member is told there is no daily log here.
"""

from __future__ import annotations

from typing import Any

from salon.core import ButtonPress, Context, UserError, bold, md
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.sprints import tables
from salon.plugins.sprints.store import plural


async def _entry(db: AsyncConnection, person_id: int, sprint_id: int | None) -> Any:
    e, s = tables.entries, tables.sprints
    query = (
        sa.select(e.c.sprint_id, e.c.words, e.c.is_logged)
        .join(s, s.c.id == e.c.sprint_id)
        .where(e.c.person_id == person_id, s.c.status == "finished", e.c.words.is_not(None))
        .order_by(e.c.sprint_id.desc())
        .limit(1)
    )
    if sprint_id is not None:
        query = query.where(e.c.sprint_id == sprint_id)
    return (await db.execute(query)).first()


async def add_to_log(ctx: Context, sprint_id: int | None) -> None:
    async with ctx.bot.read() as db:
        entry = await _entry(db, ctx.person.id, sprint_id)
    if entry is None:
        which = "that sprint" if sprint_id is not None else "a finished sprint"
        raise UserError(f"You have no count in {which} to add to your log.")
    if entry.words <= 0:
        raise UserError(f"You wrote no words in sprint #{entry.sprint_id}; nothing to add.")
    if entry.is_logged:
        raise UserError(f"Sprint #{entry.sprint_id}'s words are already in your log.")
    # log_progress opens its own transaction: called before ours, never inside it. Its key
    # makes a second call (a redelivered press) add nothing.
    logged = await ctx.bot.first_result(
        checkin_hooks.log_progress,
        person=ctx.person,
        amount=entry.words,
        note=f"Sprint #{entry.sprint_id}",
        source=f"sprint {entry.sprint_id}",
        key=f"sprints:{entry.sprint_id}:{ctx.person.id}",
        bot=ctx.bot,
    )
    if logged is None:
        raise UserError("There is no daily log here (the check-ins plugin is not on).")
    async with ctx.transaction() as db:
        await db.execute(
            tables.entries.update()
            .where(
                tables.entries.c.sprint_id == entry.sprint_id,
                tables.entries.c.person_id == ctx.person.id,
            )
            .values(is_logged=True)
        )
    ctx.reply(
        md(
            "Added ",
            bold(plural(entry.words, "word")),
            f" from sprint #{entry.sprint_id} to your log: ",
            bold(f"{logged.amount:,} {logged.unit}"),
            " today.",
        )
    )


async def log_pressed(ctx: Context, press: ButtonPress) -> None:
    if not press.value.isdigit():
        raise UserError("That button no longer works; send sprint log instead.")
    await add_to_log(ctx, int(press.value))


async def log_command(ctx: Context) -> None:
    await add_to_log(ctx, None)

"""``leaderboard``: a challenge's standings, or the community's words this week or all-time.

Members who opted out (``leaderboard optout``) are left out of every board (their words still
count toward a challenge's total); ties share a rank.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from salon.core import Context, Markup, UserError, bold, code, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.challenges import tables
from salon.plugins.challenges.ranking import ranked
from salon.plugins.challenges.store import (
    amount,
    find,
    member_rows,
    opted_out,
    standings,
    unit_of,
)

OPTOUT = "leaderboard"
SHOWN = 10


async def leaderboard(ctx: Context, name: str | None = None) -> None:
    """``leaderboard [challenge]``: a challenge's board, else this week's words."""
    if name:
        async with ctx.bot.read() as db:
            challenge = await find(db, name)
            members = await member_rows(db, challenge.id)
            ids = [m.person_id for m in members]
            standing = await standings(db, challenge, ids)
            values = [(pid, s.value) for pid, s in standing.items()]
            body = await _board(
                ctx, db, f"{challenge.name} leaderboard", values, unit_of(challenge)
            )
        ctx.reply(body)
        return
    await week(ctx)


async def week(ctx: Context) -> None:
    """This week's words (Monday to today, each writer's own days)."""
    today = ctx.now().astimezone(ctx.bot.people.default_tz).date()
    monday = today - timedelta(days=today.weekday())
    async with ctx.bot.read() as db:
        values = await _words(db, monday)
        body = await _board(ctx, db, f"Words this week (since Mon {monday:%d %b})", values, "words")
    ctx.reply(body)


async def all_time(ctx: Context) -> None:
    async with ctx.bot.read() as db:
        values = await _words(db, None)
        body = await _board(ctx, db, "Words, all-time", values, "words")
    ctx.reply(body)


async def _words(db: AsyncConnection, since: Any) -> list[tuple[int, int]]:
    days = tables.days
    query = (
        sa.select(days.c.person_id, sa.func.sum(days.c.amount))
        .where(days.c.unit == "words", days.c.amount > 0)
        .group_by(days.c.person_id)
    )
    if since is not None:
        query = query.where(days.c.day >= since)
    return [(person_id, int(total)) for person_id, total in await db.execute(query)]


async def _board(
    ctx: Context, db: AsyncConnection, title: str, values: list[tuple[int, int]], unit: str
) -> Markup:
    hidden = await opted_out(db, OPTOUT, [pid for pid, _ in values])
    shown = [(pid, value) for pid, value in values if pid not in hidden]
    found = await ctx.bot.people.many([pid for pid, _ in shown], db)
    rows = ranked([(pid, value) for pid, value in shown if pid in found])
    out: list[Markup | str] = [md(bold(title))]
    if not rows:
        out.append(md("Nobody is on this board yet."))
    for rank, person_id, value in rows[:SHOWN]:
        you = " (you)" if person_id == ctx.person.id else ""
        out.append(md(f"{rank}. ", found[person_id].display_name, f"{you}: {amount(value, unit)}"))
    mine = next((row for row in rows[SHOWN:] if row[1] == ctx.person.id), None)
    if mine is not None:
        out.append(md(f"… {mine[0]}. you: {amount(mine[2], unit)}"))
    if ctx.person.id in hidden:
        prefix = ctx.bot.config.commands.prefix
        out.append(
            md("You're not listed (you opted out; ", code(f"{prefix}leaderboard optin"), ").")
        )
    return lines(*out)


async def optout(ctx: Context) -> None:
    async with ctx.transaction() as db:
        if ctx.person.id in await opted_out(db, OPTOUT, [ctx.person.id]):
            raise UserError("You're already off the leaderboards.")
        await db.execute(tables.optouts.insert().values(person_id=ctx.person.id, what=OPTOUT))
    ctx.reply(
        "You're off the leaderboards: I won't list your name on any board or summary. "
        "Your words still count for you and your challenges."
    )


async def optin(ctx: Context) -> None:
    async with ctx.transaction() as db:
        if ctx.person.id not in await opted_out(db, OPTOUT, [ctx.person.id]):
            raise UserError("You're already on the leaderboards.")
        await db.execute(
            tables.optouts.delete().where(
                tables.optouts.c.person_id == ctx.person.id, tables.optouts.c.what == OPTOUT
            )
        )
    ctx.reply("You're back on the leaderboards.")

"""``my data`` (everything the plugin keeps about a member, as text) and ``forget me``."""

from __future__ import annotations

from typing import Any

from salon.core import Button, ButtonPress, Context, UserError, bold, lines, md
from salon.core.markup import Markup
from salon.core.storage import sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.buddies import current_pairs, leave_pairs
from salon.plugins.checkins.schedule import load_checkin, sync_zones
from salon.plugins.checkins.store import is_member

FORGET_ACTION = "checkins.forget"
KEEP = "keep"
MEMBER_TABLES = (
    tables.goals,
    tables.progress,
    tables.streaks,
    tables.away,
    tables.responses,
    tables.buddies,
)


async def my_data_command(ctx: Context, what: str) -> None:
    ref = ctx.member.ref
    async with ctx.bot.storage.engine.connect() as db:

        async def rows(table: sa.Table, *order: Any) -> list[Any]:
            query = sa.select(table).where(is_member(table, ref)).order_by(*order)
            return list((await db.execute(query)).all())

        goals = await rows(tables.goals, tables.goals.c.id)
        progress = await rows(tables.progress, tables.progress.c.day)
        streak = await rows(tables.streaks)
        away = await rows(tables.away)
        checkins = await rows(tables.participants, tables.participants.c.checkin_id)
        responses = await rows(tables.responses, tables.responses.c.asked_at)
        buddy = await rows(tables.buddies)
        pairs = [g for g in (await current_pairs(db)).values() if ref in g]
        tz = await ctx.bot.profiles.timezone(ref, db)
    out: list[Markup | str] = [
        md(bold(f"Everything the check-ins feature keeps about {ref}")),
        f"Time zone: {tz.key}",
    ]
    out.append(md(bold("Goals:")))
    for g in goals:
        state = "current" if g.ended_at is None else f"ended {g.ended_at:%Y-%m-%d}"
        deadline = f" by {g.deadline}" if g.deadline else ""
        out.append(
            f"- {g.target} {g.unit} {g.kind}{deadline} (set {g.created_at:%Y-%m-%d}, {state})"
        )
    out.append(md(bold("Progress:")))
    out.extend(
        f"- {p.day}: {p.amount} {p.unit}" + (f" — {p.note}" if p.note else "") for p in progress
    )
    if streak:
        out.append(f"Streak: {streak[0].length} days, best {streak[0].best}")
    if away:
        out.append(f"Away until: {away[0].until}")
    out.append(md(bold("Check-ins:")))
    out.extend(f"- taking part in check-in {c.checkin_id} ({c.tz})" for c in checkins)
    for r in responses:
        out.append(f"- {r.round}: {r.status}")
        out.extend(f"    {q} → {a}" for q, a in r.answers)
    out.append(md(bold("Writing buddies:")))
    out.append("signed up" if buddy else "not signed up")
    for group in pairs:
        out.append("current buddies: " + ", ".join(str(o) for o in group if o != ref))
    body = lines(*out)
    if ctx.space.is_direct:
        ctx.reply(body)
    else:
        ctx.send_direct(ref, body)
        ctx.reply("I've sent your data to you in a direct message.")


async def forget_command(ctx: Context, who: str) -> None:
    ctx.reply(
        "This deletes your goals, word counts, streaks, check-in answers and buddy pairings, "
        "and your time zone. It cannot be undone. Are you sure?",
        buttons=(
            Button("Yes, forget me", action=FORGET_ACTION, value=str(ctx.member.ref)),
            Button("No, keep my data", action=FORGET_ACTION, value=KEEP),
        ),
    )


async def forget_pressed(ctx: Context, press: ButtonPress) -> None:
    if press.value == KEEP:
        ctx.reply("Nothing was deleted.")
        return
    ref = ctx.member.ref
    if press.value != str(ref):
        raise UserError("This button belongs to someone else; send forget me to get your own.")
    async with ctx.transaction() as db:
        checkin_ids = list(
            (
                await db.execute(
                    sa.select(tables.participants.c.checkin_id).where(
                        is_member(tables.participants, ref)
                    )
                )
            ).scalars()
        )
        await leave_pairs(db, ref, ctx.now())
        for table in (*MEMBER_TABLES, tables.participants, tables.pair_members):
            await db.execute(table.delete().where(is_member(table, ref)))
        for checkin_id in checkin_ids:
            await sync_zones(ctx.bot, db, await load_checkin(db, checkin_id))
        await ctx.bot.profiles.forget(db, ref)
    ctx.reply("Done: everything salon kept about you is deleted. Thanks for writing with us.")

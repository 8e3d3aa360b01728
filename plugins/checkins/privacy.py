"""``my data`` (everything the plugin keeps about a member, as text) and ``forget me``."""

from __future__ import annotations

from typing import Any

from salon.core import Button, ButtonPress, Context, MemberRef, UserError, bold, lines, md
from salon.core.markup import Markup
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.buddies import leave_pairs
from salon.plugins.checkins.schedule import load_checkin, sync_zones
from salon.plugins.checkins.store import is_member, plural, ref_of

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


async def my_data_command(ctx: Context, what: str | None = None) -> None:
    """``my data`` (or just ``my``, as a platform's command menu sends it)."""
    ref = ctx.member.ref
    async with ctx.bot.read() as db:

        async def rows(table: sa.Table, *order: Any) -> list[Any]:
            query = sa.select(table).where(is_member(table, ref)).order_by(*order)
            return list((await db.execute(query)).all())

        goals = await rows(tables.goals, tables.goals.c.id)
        progress = await rows(tables.progress, tables.progress.c.day)
        streak = await rows(tables.streaks)
        away = await rows(tables.away)
        checkins = (
            await db.execute(
                sa.select(tables.participants, tables.checkins.c.space_id)
                .join(tables.checkins, tables.checkins.c.id == tables.participants.c.checkin_id)
                .where(is_member(tables.participants, ref))
                .order_by(tables.participants.c.checkin_id)
            )
        ).all()
        responses = await rows(tables.responses, tables.responses.c.asked_at)
        buddy = await rows(tables.buddies)
        pairings = await _pairings(db, ref)
        tz = await ctx.bot.profiles.timezone(ref, db)
    out: list[Markup | str] = [
        md(bold(f"Everything the check-ins feature keeps about {ref}")),
        f"Time zone: {tz.key}",
        md(bold("Goals:")),
    ]
    for g in goals:
        state = "current" if g.ended_at is None else f"ended {g.ended_at:%Y-%m-%d}"
        deadline = f" by {g.deadline}" if g.deadline else ""
        out.append(
            f"- {g.target:,} {g.unit} {g.kind}{deadline} (set {g.created_at:%Y-%m-%d}, {state})"
        )
    if not goals:
        out.append("none")
    out.append(md(bold("Progress:")))
    out.extend(
        f"- {p.day}: {p.amount:,} {p.unit}" + (f" — {p.note}" if p.note else "") for p in progress
    )
    if not progress:
        out.append("none")
    if streak:
        out.append(
            f"Streak: {plural(streak[0].length, 'day')}, best {plural(streak[0].best, 'day')}"
        )
    if away:
        out.append(f"Away until: {away[0].until}")
    out.append(md(bold("Check-ins:")))
    for c in checkins:
        skip = ", skipping the next one" if c.skip_next else ""
        out.append(f"- taking part in the check-in of #{c.space_id} (asked in {c.tz}{skip})")
    for r in responses:
        out.append(f"- {r.round}: {r.status}")
        out.extend(f"    {q} → {a}" for q, a in r.answers)
    if not checkins and not responses:
        out.append("none")
    out.append(md(bold("Writing buddies:")))
    out.append(f"signed up {buddy[0].joined_at:%Y-%m-%d}" if buddy else "not signed up")
    out.extend(pairings)
    body = lines(*out)
    if ctx.space.is_direct:
        ctx.reply(body)
    else:
        ctx.send_direct(ref, body)
        ctx.reply("I've sent your data to you in a direct message.")


async def _pairings(db: AsyncConnection, ref: MemberRef) -> list[str]:
    """Every buddy pairing ``ref`` was in, current or past, with the partners."""
    mine = sa.select(tables.pair_members.c.pair_id).where(is_member(tables.pair_members, ref))
    rows = (
        await db.execute(
            sa.select(tables.pair_members, tables.pairs.c.formed_at, tables.pairs.c.ended_at)
            .join(tables.pairs, tables.pairs.c.id == tables.pair_members.c.pair_id)
            .where(tables.pair_members.c.pair_id.in_(mine))
            .order_by(tables.pairs.c.formed_at, tables.pairs.c.id)
        )
    ).all()
    partners: dict[int, list[str]] = {}
    dates: dict[int, str] = {}
    for row in rows:
        partners.setdefault(row.pair_id, [])
        if ref_of(row) != ref:
            partners[row.pair_id].append(str(ref_of(row)))
        ended = "current" if row.ended_at is None else f"ended {row.ended_at:%Y-%m-%d}"
        dates[row.pair_id] = f"paired {row.formed_at:%Y-%m-%d}, {ended}"
    return [
        f"- with {', '.join(others) or 'a buddy who has since left'} ({dates[pair_id]})"
        for pair_id, others in partners.items()
    ]


async def forget_command(ctx: Context, who: str | None = None) -> None:
    """``forget me`` (or just ``forget``): the buttons ask before anything is deleted."""
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

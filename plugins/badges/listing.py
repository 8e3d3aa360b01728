"""``badges``: the badges a member earned, and the ones still to earn."""

from __future__ import annotations

from salon.core import Context, lines, md
from salon.core.storage import sa
from salon.plugins.badges import tables
from salon.plugins.badges.awards import badge_line
from salon.plugins.badges.registry import badges_of


async def badges_command(ctx: Context) -> None:
    declared = badges_of(ctx.bot)
    async with ctx.bot.read() as db:
        rows = (
            await db.execute(
                sa.select(tables.awards)
                .where(tables.awards.c.person_id == ctx.person.id)
                .order_by(tables.awards.c.awarded_at, tables.awards.c.id)
            )
        ).all()
    earned = [row for row in rows if row.badge_id in declared]
    out = []
    if earned:
        out.append(md(f"Your badges ({len(earned)}):"))
        for row in earned:
            badge = declared[row.badge_id]
            out.append(
                md("- ", badge_line(badge), f" — {badge.description} ({row.awarded_at:%d %b %Y})")
            )
    else:
        out.append(md("You have no badges yet. Every word counts toward the first one!"))
    have = {row.badge_id for row in earned}
    to_earn = [badge for badge in declared.values() if badge.id not in have]
    if to_earn:
        out.append(md("Still to earn:"))
        out.extend(md(f"- {b.emoji} {b.name} — {b.description}") for b in to_earn)
    ctx.reply(lines(*out))

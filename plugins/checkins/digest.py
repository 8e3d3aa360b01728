"""The digest: what came in since the last one, posted to the check-in's space — and, for a
check-in of a community space, to every community space on every platform."""

from __future__ import annotations

from typing import Any

from salon.core import (
    Job,
    JobContext,
    Markup,
    Outbound,
    Person,
    SpaceRef,
    bold,
    italic,
    lines,
    md,
    mention_person,
    quote,
)
from salon.core.storage import sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.schedule import load_checkin
from salon.plugins.checkins.store import checkin_label, people, space_of


def digest_spaces(bot: Any, checkin: Any) -> list[SpaceRef]:
    """Where a check-in's digest goes: its own space, plus every community space when the
    check-in's space is one of them (a community-wide check-in)."""
    home = space_of(checkin)
    joined = [space.ref for space in bot.spaces.joined()]
    if home not in joined:
        return [home]
    return [home, *(ref for ref in joined if ref != home)]


def _names(rows: list[Any], found: dict[int, Person]) -> str:
    return ", ".join(found[r.person_id].display_name for r in rows if r.person_id in found)


def _body(
    ctx: JobContext, checkin: Any, rows: list[Any], found: dict[int, Person], platform: str
) -> Markup:
    done = [row for row in rows if row.status == "done" and row.person_id in found]
    waiting = [row for row in rows if row.status == "asking"]
    skipped = [row for row in rows if row.status == "skipped"]
    title = f"Check-in digest for {checkin_label(ctx.bot, checkin)}"
    body: list[Markup] = [md(bold(title), f" — {len(done)} checked in.")]
    for row in done:
        body.append(mention_person(found[row.person_id], platform))
        for question, answer in row.answers:
            # A quote is a block: on its own line, or Slack shows a literal "> " mid-line.
            body.extend((md(italic(question)), md(quote(answer))))
    if skipped:
        body.append(md("Skipping this time: ", _names(skipped, found), "."))
    if waiting:
        body.append(md("Not yet answered: ", _names(waiting, found), "."))
    if not rows:
        body.append(md("Nobody was asked since the last digest."))
    return lines(*body)


async def digest(ctx: JobContext, job: Job) -> None:
    """Post what came in since the last digest to the check-in's space(s)."""
    db = ctx.db
    checkin = await load_checkin(db, job.payload["checkin"])
    if checkin is None:
        await ctx.bot.scheduler.cancel(job.key, db)
        return
    rows = (
        await db.execute(
            sa.select(tables.responses)
            .where(
                tables.responses.c.checkin_id == checkin.id,
                sa.not_(tables.responses.c.is_digested),
            )
            .order_by(tables.responses.c.answered_at, tables.responses.c.id)
        )
    ).all()
    found = await people(ctx, db, {row.person_id for row in rows})
    bodies: dict[str, Markup] = {}
    for space in digest_spaces(ctx.bot, checkin):
        # Mentions differ per platform: a real mention where the person has an account.
        if space.platform not in bodies:
            bodies[space.platform] = _body(ctx, checkin, list(rows), found, space.platform)
        ctx.send(Outbound(bodies[space.platform], space=space))
    finished = [row.id for row in rows if row.status != "asking"]
    if finished:
        await db.execute(
            tables.responses.update()
            .where(tables.responses.c.id.in_(finished))
            .values(is_digested=True)
        )

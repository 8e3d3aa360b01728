"""The digest: what came in since the last one, posted to the check-in's space."""

from __future__ import annotations

from salon.core import Job, JobContext, Outbound, bold, italic, lines, md, mention, quote
from salon.core.storage import sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.schedule import load_checkin
from salon.plugins.checkins.store import ref_of, space_of


async def digest(ctx: JobContext, job: Job) -> None:
    """Post what came in since the last digest to the check-in's space."""
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
    done = [row for row in rows if row.status == "done"]
    waiting = [row for row in rows if row.status == "asking"]
    skipped = [row for row in rows if row.status == "skipped"]
    names = {}
    for row in rows:
        names[ref_of(row)] = await ctx.bot.profiles.display_name(ref_of(row), db)
    body = [md(bold(f"Check-in digest for #{checkin.space_id}"), f" — {len(done)} checked in.")]
    for row in done:
        body.append(md(mention(ref_of(row), names[ref_of(row)])))
        for question, answer in row.answers:
            # A quote is a block: on its own line, or Slack shows a literal "> " mid-line.
            body.extend((md(italic(question)), md(quote(answer))))
    if skipped:
        body.append(md("Skipping this time: ", ", ".join(names[ref_of(r)] for r in skipped), "."))
    if waiting:
        body.append(md("Not yet answered: ", ", ".join(names[ref_of(r)] for r in waiting), "."))
    if not rows:
        body.append(md("Nobody was asked since the last digest."))
    ctx.send(Outbound(lines(*body), space=space_of(checkin)))
    finished = [row.id for row in rows if row.status != "asking"]
    if finished:
        await db.execute(
            tables.responses.update()
            .where(tables.responses.c.id.in_(finished))
            .values(is_digested=True)
        )

"""What a coach does with consent: ``coach view``, feedback on a review or a critique piece,
a 1:1 session, and the weekly digest of their coachees' reviews.

Access is checked in each handler and job against the live link: active and consenting.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from salon.core import (
    Context,
    EventRequest,
    Job,
    JobContext,
    Person,
    Piece,
    UserError,
    bold,
    code,
    italic,
    lines,
    md,
)
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.hookspecs import events as event_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.coaching import tables
from salon.plugins.coaching.coaches import find
from salon.plugins.coaching.parsing import WEEKDAYS
from salon.plugins.coaching.plans import describe
from salon.plugins.coaching.store import (
    ACTIVE,
    REMIND_JOB,
    coachees,
    load_plan,
    open_link,
    prefix_for,
)

MAX_FEEDBACK = 4000
#: How long before a 1:1 both are reminded when no events plugin schedules it.
REMIND_BEFORE = timedelta(minutes=30)


async def _coachee(ctx: Context, db: AsyncConnection, who: str) -> Person:
    """The member named, if the caller coaches them with their consent; else a clear refusal."""
    member = await find(ctx, who)
    link = await open_link(db, ctx.person.id, member.id)
    if link is None or link.status != ACTIVE:
        raise UserError(f"You don't coach {member.display_name}, so you can't see their plan.")
    if not link.has_consent:
        raise UserError(
            f"{member.display_name} has not given consent to share their plan and reviews "
            "with you right now."
        )
    return member


async def coach_view(ctx: Context, who: str) -> None:
    """``coach view @member``: their plan, progress, streak and latest reviews."""
    async with ctx.bot.read() as db:
        member = await _coachee(ctx, db, who)
        plan = await load_plan(db, member.id)
        streak = await ctx.bot.first_result(
            checkin_hooks.current_streak, person=member, bot=ctx.bot, connection=db
        )
        reviews = (
            await db.execute(
                sa.select(tables.reviews, tables.journal.c.text)
                .outerjoin(tables.journal, tables.journal.c.review_id == tables.reviews.c.id)
                .where(tables.reviews.c.person_id == member.id)
                .order_by(tables.reviews.c.week_of.desc())
                .limit(4)
            )
        ).all()
        out: list[Any] = [md(bold(f"Coaching {member.display_name}"))]
        if plan is None:
            out.append("No plan yet.")
        else:
            out.append(await describe(ctx.bot, db, member, plan, own=False))
    length = 0 if streak is None else streak.length
    out.append(f"Streak: {length} {'day' if length == 1 else 'days'}.")
    for row in reviews:
        written = ", ".join(
            WEEKDAYS[datetime.fromisoformat(d).weekday()].capitalize()
            for d in row.days_written.split(",")
            if d
        )
        out.append(
            md(
                bold(f"Week of {row.week_of:%d %b}"),
                f" (review {row.id}): {row.words:,} of {row.planned:,} words; wrote on "
                f"{written or 'no day'}; streak {row.streak}.",
            )
        )
        if row.text:
            out.append(md(italic(row.question), " — ", row.text))
    ctx.reply(lines(*out))


async def coach_feedback(ctx: Context, who: str, text: str) -> None:
    """``coach feedback @member <text>``: feedback on their latest weekly review."""
    note = _note(text)
    async with ctx.transaction() as db:
        member = await _coachee(ctx, db, who)
        latest = (
            await db.execute(
                sa.select(tables.reviews)
                .where(tables.reviews.c.person_id == member.id)
                .order_by(tables.reviews.c.week_of.desc())
                .limit(1)
            )
        ).first()
        if latest is None:
            raise UserError(f"{member.display_name} has had no weekly review yet.")
        await _store(ctx, db, member, note, review_id=latest.id)
    ctx.send_to(
        member,
        md(
            f"Feedback from your coach {ctx.person.display_name} on your week of "
            f"{latest.week_of:%d %b}: ",
            italic(note),
        ),
    )
    ctx.reply(f"Sent to {member.display_name} (it's kept in their journal).")


async def coach_piece(ctx: Context, piece: int, text: str) -> None:
    """``coach piece <id> <text>``: feedback on a coachee's critique-queue piece."""
    note = _note(text)
    async with ctx.transaction() as db:
        row = (
            await db.execute(sa.select(tables.pieces).where(tables.pieces.c.piece_id == piece))
        ).first()
        if row is None:
            raise UserError(
                f"I know no piece {piece} of anyone you coach (pieces come from the critique "
                "queue)."
            )
        member = await _coachee(ctx, db, f"#{row.author_id}")
        await _store(ctx, db, member, note, piece_id=piece)
    ctx.send_to(
        member,
        md(
            f"Feedback from your coach {ctx.person.display_name} on your piece ",
            italic(row.title),
            f" ({piece}): ",
            italic(note),
        ),
    )
    ctx.reply(f"Sent to {member.display_name}.")


def _note(text: str) -> str:
    note = text.strip()
    if not note:
        raise UserError("Write your feedback after the name.")
    if len(note) > MAX_FEEDBACK:
        raise UserError(f"Feedback holds up to {MAX_FEEDBACK:,} characters; please shorten it.")
    return note


async def _store(
    ctx: Context,
    db: AsyncConnection,
    member: Person,
    note: str,
    *,
    review_id: int | None = None,
    piece_id: int | None = None,
) -> None:
    await db.execute(
        tables.feedback.insert().values(
            coach_id=ctx.person.id,
            member_id=member.id,
            review_id=review_id,
            piece_id=piece_id,
            text=note,
            written_at=ctx.now(),
        )
    )


async def coach_session(ctx: Context, who: str, when: datetime) -> None:
    """``coach session @member <when>``: a 1:1 (an event if the events plugin is installed,
    else a reminder to both)."""
    if when <= ctx.now():
        raise UserError("That time has passed; pick a time in the future.")
    if when - ctx.now() > timedelta(days=366):
        raise UserError("That is more than a year away; pick a nearer time.")
    async with ctx.bot.read() as db:
        member = await _coachee(ctx, db, who)
    request = EventRequest(
        title=f"Coaching: {ctx.person.display_name} and {member.display_name}",
        starts_at=when,
        duration=timedelta(minutes=30),
        organiser_id=ctx.person.id,
        invitees=(member.id,),
        description="A 1:1 coaching session.",
        private=True,
    )
    key = f"coaching:session:{ctx.person.id}:{member.id}:{when.isoformat()}"
    event = await ctx.bot.first_result(
        event_hooks.schedule_event, request=request, key=key, bot=ctx.bot
    )
    local = when.astimezone(ctx.person.tz)
    if event is not None:
        ctx.reply(
            f"Scheduled: a 1:1 with {member.display_name} on {local:%a %d %b at %H:%M} "
            f"(event {event.id}); they have the invitation."
        )
        return
    async with ctx.transaction() as db:
        await ctx.bot.scheduler.schedule(
            key,
            REMIND_JOB,
            at=max(ctx.now(), when - REMIND_BEFORE),
            payload={"coach_id": ctx.person.id, "member_id": member.id, "at": when.isoformat()},
            connection=db,
        )
    theirs = when.astimezone(member.tz)
    ctx.send_to(
        member,
        f"{ctx.person.display_name} scheduled a 1:1 coaching session with you on "
        f"{theirs:%a %d %b at %H:%M} (your time). I'll remind you both beforehand.",
    )
    ctx.reply(
        f"Scheduled: a 1:1 with {member.display_name} on {local:%a %d %b at %H:%M}; I'll remind "
        "you both 30 minutes before."
    )


async def session_reminder(ctx: JobContext, job: Job) -> None:
    """The ``coaching.session`` job: remind coach and member of their 1:1."""
    people = await ctx.bot.people.many(
        [int(job.payload["coach_id"]), int(job.payload["member_id"])], ctx.db
    )
    if len(people) < 2:
        return
    coach, member = people[int(job.payload["coach_id"])], people[int(job.payload["member_id"])]
    link = await open_link(ctx.db, coach.id, member.id)
    if link is None or link.status != ACTIVE:
        return
    at = datetime.fromisoformat(job.payload["at"])
    for person, other in ((coach, member), (member, coach)):
        ctx.send_to(
            person,
            f"Reminder: your 1:1 coaching session with {other.display_name} is at "
            f"{at.astimezone(person.tz):%H:%M} (your time).",
        )


async def digest_job(ctx: JobContext, job: Job) -> None:
    """The ``coaching.digest`` job: the week's reviews of a coach's consenting coachees."""
    db = ctx.db
    coach = await ctx.bot.people.get(int(job.payload["coach_id"]), db)
    if coach is None:
        return
    links = await coachees(db, coach.id)
    if not links:
        return
    since = job.due_at - timedelta(days=7)
    rows = (
        await db.execute(
            sa.select(tables.reviews, tables.journal.c.text)
            .outerjoin(tables.journal, tables.journal.c.review_id == tables.reviews.c.id)
            .where(
                tables.reviews.c.person_id.in_([link.member_id for link in links]),
                tables.reviews.c.sent_at > since,
                tables.reviews.c.sent_at <= job.due_at,
            )
            .order_by(tables.reviews.c.person_id)
        )
    ).all()
    if not rows:
        return
    members = await ctx.bot.people.many({r.person_id for r in rows}, db)
    prefix = prefix_for(ctx)
    out: list[Any] = [md(bold("Your coachees' week"))]
    for row in rows:
        name = members[row.person_id].display_name if row.person_id in members else "?"
        days = len([d for d in row.days_written.split(",") if d])
        out.append(
            md(
                bold(name),
                f": {row.words:,} of {row.planned:,} words, {days} writing "
                f"{'day' if days == 1 else 'days'}, streak {row.streak}.",
            )
        )
        if row.text:
            out.append(md(italic(row.question), " — ", row.text))
    out.append(md("Leave feedback with ", code(f"{prefix}coach feedback @name …"), "."))
    ctx.send_to(coach, lines(*out))


async def piece_submitted(piece: Piece, author: Person, bot: Any) -> None:
    """Remember a coached member's critique piece, so their coach can give feedback on it."""
    async with bot.transaction() as tx:
        links = await tx.db.execute(
            sa.select(tables.links.c.id).where(
                tables.links.c.member_id == author.id,
                tables.links.c.status == ACTIVE,
                tables.links.c.has_consent.is_(True),
            )
        )
        if links.first() is None:
            return
        await tx.db.execute(
            bot.storage.upsert(tables.pieces, ["piece_id"]).values(
                piece_id=piece.id,
                author_id=author.id,
                title=piece.title[:200],
                submitted_at=piece.submitted_at or tx.now(),
            )
        )

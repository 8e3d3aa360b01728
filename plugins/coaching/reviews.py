"""The weekly review: a DM on the person's day with the week against the plan, the streak,
the days written, a chart and one question; the answer goes into their journal.

Each ``(person, week)`` is reviewed once: the job's run is durable and the review row is
unique per week, so neither a restart nor a DST change can send a second one.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from salon.core import (
    Answers,
    Context,
    Dialog,
    Image,
    Job,
    JobContext,
    Person,
    Plan,
    Question,
    UserError,
    WeeklyReview,
    bold,
    code,
    italic,
    lines,
    md,
)
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.hookspecs import coaching as coaching_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.coaching import chart, tables
from salon.plugins.coaching.config import CoachingConfig
from salon.plugins.coaching.parsing import WEEKDAYS
from salon.plugins.coaching.planning import progress, writing_days
from salon.plugins.coaching.store import PLUGIN, fire, load_plan, logged_words, prefix_for

DIALOG = "coaching.reflect"
#: The longest journal entry kept.
MAX_ENTRY = 4000


def dialog() -> Dialog:
    return Dialog(
        DIALOG,
        (Question("answer", "What would you like to keep in your journal about this week?"),),
        on_done=answered,
        title="Weekly review",
        expires=timedelta(days=3),
        command_words=("help", "journal", "plan"),
    )


def review_of(row: Any, answer: str | None = None) -> WeeklyReview:
    days = tuple(date.fromisoformat(d) for d in row.days_written.split(",") if d)
    return WeeklyReview(
        id=row.id,
        person_id=row.person_id,
        week_of=row.week_of,
        words=row.words,
        planned=row.planned,
        streak=row.streak,
        days_written=days,
        question=row.question,
        sent_at=row.sent_at,
        answer=answer,
    )


async def review_job(ctx: JobContext, job: Job) -> None:
    """The ``coaching.review`` job: send the person's review for the week ending today."""
    bot, db = ctx.bot, ctx.db
    person = await bot.people.get(int(job.payload["person_id"]), db)
    plan = None if person is None else await load_plan(db, person.id)
    if person is None or plan is None:
        return
    day = job.due_at.astimezone(person.tz).date()
    week_of = day - timedelta(days=day.weekday())
    exists = await db.execute(
        sa.select(tables.reviews.c.id).where(
            tables.reviews.c.person_id == person.id, tables.reviews.c.week_of == week_of
        )
    )
    if exists.first() is not None:
        return
    await send_review(ctx, person, plan, day, week_of)


async def send_review(
    ctx: JobContext, person: Person, plan: Plan, day: date, week_of: date
) -> None:
    bot, db = ctx.bot, ctx.db
    settings: CoachingConfig = bot.plugin_config(PLUGIN)
    first = day - timedelta(days=6)
    week = [first + timedelta(days=n) for n in range(7)]
    logged = await logged_words(bot, db, person, min(first, plan.started_on), day)
    words = sum(logged.get(d, 0) for d in week)
    now = progress(plan, logged, day)
    counted_from = max(first, plan.started_on)
    planned = now.pace * writing_days(counted_from, min(day, plan.deadline), plan.days)
    streak = await bot.first_result(
        checkin_hooks.current_streak, person=person, bot=bot, connection=db
    )
    streak_days = 0 if streak is None else streak.length
    written = tuple(d for d in week if logged.get(d, 0) > 0)
    question = settings.questions[week_of.isocalendar().week % len(settings.questions)]
    result = await db.execute(
        tables.reviews.insert().values(
            person_id=person.id,
            week_of=week_of,
            words=words,
            planned=planned,
            streak=streak_days,
            days_written=",".join(d.isoformat() for d in written),
            question=question,
            sent_at=ctx.now(),
        )
    )
    review_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    image = None
    if chart.can_draw_charts():
        png = await asyncio.to_thread(
            chart.render_week,
            [WEEKDAYS[d.weekday()].capitalize() for d in week],
            [logged.get(d, 0) for d in week],
            now.pace,
            [d.weekday() in plan.days for d in week],
        )
        image = Image(png, alt_text=f"Words per day, {first:%d %b} to {day:%d %b}")
    pending = await bot.dialogs.pending(db, person.id)
    answer_hint = (
        # Another dialog is open, so a plain answer would go to it: the prefix is needed.
        md(
            "Answer with ",
            code(f"{bot.config.commands.prefix}journal write …"),
            "; I'll keep it in your journal.",
        )
        if pending is not None
        else "Answer below; I'll keep it in your journal."
    )
    days_text = ", ".join(WEEKDAYS[d.weekday()].capitalize() for d in written) or "none"
    ctx.send_to(
        person,
        lines(
            md(bold(f"Your week ({first:%d %b} to {day:%d %b})"), " — ", italic(plan.project)),
            f"Words: {words:,} of the {planned:,} your plan asked for.",
            f"Streak: {streak_days} {'day' if streak_days == 1 else 'days'}. "
            f"Days you wrote: {days_text}.",
            f"Next week: {now.per_day:,} a writing day gets you to {plan.target:,} by "
            f"{plan.deadline:%d %b}."
            if not now.is_done
            else "Your plan's target is reached!",
            md("One question to reflect on: ", italic(question)),
            answer_hint,
        ),
        image=image,
    )
    if pending is None:
        await bot.dialogs.start(
            ctx,
            DIALOG,
            person,
            db=db,
            data={"review_id": review_id},
            questions=[Question("answer", question)],
            intro="Weekly review",
        )
    row = (
        await db.execute(sa.select(tables.reviews).where(tables.reviews.c.id == review_id))
    ).one()
    fire(ctx, coaching_hooks.weekly_review_sent, review=review_of(row), person=person)


async def answered(ctx: Context, db: AsyncConnection, answers: Answers) -> None:
    """The reflection dialog's ``on_done``: keep the answer in the journal."""
    text = answers.values["answer"]
    review_id = int(answers.data["review_id"])
    await keep(ctx, db, answers.person_id, text, review_id)
    ctx.reply("Kept in your journal (journal shows it). Have a good writing week!")


async def keep(
    ctx: Context, db: AsyncConnection, person_id: int, text: str, review_id: int | None
) -> None:
    entry = text.strip()
    if not entry:
        raise UserError("Write a few words for your journal.")
    if len(entry) > MAX_ENTRY:
        raise UserError(f"A journal entry holds up to {MAX_ENTRY:,} characters; please shorten it.")
    question = ""
    if review_id is not None:
        row = (
            await db.execute(
                sa.select(tables.reviews.c.question).where(
                    tables.reviews.c.id == review_id, tables.reviews.c.person_id == person_id
                )
            )
        ).first()
        question = "" if row is None else row[0]
    await db.execute(
        tables.journal.insert().values(
            person_id=person_id,
            review_id=review_id,
            question=question,
            text=entry,
            written_at=ctx.now(),
        )
    )


async def unanswered_review(db: AsyncConnection, person_id: int) -> int | None:
    """The latest review without an answer in the journal, if it is from the last week."""
    latest = (
        await db.execute(
            sa.select(tables.reviews.c.id)
            .where(tables.reviews.c.person_id == person_id)
            .order_by(tables.reviews.c.week_of.desc())
            .limit(1)
        )
    ).first()
    if latest is None:
        return None
    answered = await db.execute(
        sa.select(tables.journal.c.id).where(tables.journal.c.review_id == latest[0])
    )
    return None if answered.first() is not None else int(latest[0])


async def journal_command(ctx: Context) -> None:
    """``journal``: your answers to the weekly questions and your notes, newest first."""
    async with ctx.bot.read() as db:
        rows = (
            await db.execute(
                sa.select(tables.journal)
                .where(tables.journal.c.person_id == ctx.person.id)
                .order_by(tables.journal.c.written_at.desc(), tables.journal.c.id.desc())
                .limit(10)
            )
        ).all()
        feedback = (
            await db.execute(
                sa.select(tables.feedback)
                .where(tables.feedback.c.member_id == ctx.person.id)
                .order_by(tables.feedback.c.written_at.desc())
                .limit(5)
            )
        ).all()
    prefix = prefix_for(ctx)
    if not rows and not feedback:
        ctx.reply(
            md(
                "Your journal is empty. Your answers to the weekly review's question land here; "
                "write a note any time with ",
                code(f"{prefix}journal write …"),
                ".",
            )
        )
        return
    out: list[Any] = [md(bold("Your journal"), " (newest first)")]
    for row in rows:
        head = f"{row.written_at.astimezone(ctx.person.tz):%a %d %b %Y}"
        if row.question:
            out.append(md(bold(head), " — ", italic(row.question)))
        else:
            out.append(md(bold(head)))
        out.append(row.text)
    if feedback:
        coaches = await ctx.bot.people.many({f.coach_id for f in feedback})
        out.append(md(bold("Feedback from your coach")))
        for f in feedback:
            name = coaches[f.coach_id].display_name if f.coach_id in coaches else "a coach"
            out.append(
                md(f"{f.written_at.astimezone(ctx.person.tz):%d %b} ", italic(name), ": ", f.text)
            )
    ctx.reply(lines(*out))


async def journal_write(ctx: Context, text: str) -> None:
    """``journal write <text>``: a note, or the answer to your latest weekly question."""
    async with ctx.transaction() as db:
        review_id = await unanswered_review(db, ctx.person.id)
        await keep(ctx, db, ctx.person.id, text, review_id)
        if review_id is not None:
            # The answer came as a command: the open reflection dialog has nothing left to ask.
            pending = await ctx.bot.dialogs.pending(db, ctx.person.id)
            if pending is not None and pending.dialog == DIALOG:
                await ctx.bot.dialogs.close(db, [ctx.person.id], dialog_id=DIALOG)
    what = "your answer to this week's question" if review_id is not None else "your note"
    ctx.reply(f"Kept {what} in your journal.")

"""Asking, answering and reminding: a check-in round from the question to the last answer.

The questions are a core dialog (``checkins.answer``): salon keeps the conversation's state, so
a restart between a question and its answer loses nothing, and the answers reach this plugin
whatever else listens to messages. The ``checkins_responses`` row is the round's record
(asked, answered, skipped or missed) and holds the answers once the member is done.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from salon.core import (
    Answers,
    CheckIn,
    Context,
    Dialog,
    Job,
    JobContext,
    Markup,
    Question,
    bold,
    code,
    italic,
    lines,
    md,
)
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import AsyncConnection, UTCDateTime, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.goals import describe_progress, load_goal
from salon.plugins.checkins.schedule import (
    ANSWER_DIALOG,
    DEFAULT_QUESTIONS,
    REMIND_JOB,
    load_checkin,
    remind_key,
)
from salon.plugins.checkins.store import (
    PLUGIN,
    checkin_label,
    fire,
    people,
    space_of,
)

#: The dialog that asks a check-in's questions.
DIALOG = ANSWER_DIALOG

#: Plain words that still work as commands while a question is open (``skip`` skips it).
CONTROL_WORDS = ("help", "away", "back", "checkin", "link", "unlink")


def form_field_name(step: int) -> str:
    return f"q{step}"


def questions_of(texts: list[str]) -> tuple[Question, ...]:
    """A check-in's questions as the dialog asks them."""
    return tuple(Question(form_field_name(i), text) for i, text in enumerate(texts))


def dialog() -> Dialog:
    """The check-in dialog: open until answered, skipped, or the next round starts."""
    return Dialog(
        DIALOG,
        questions_of(list(DEFAULT_QUESTIONS)),
        on_done=finished,
        title="Check-in",
        expires=None,
        on_cancel=skipped,
        skip_words=(),
        cancel_words=("skip",),
        cancel_label="skip this check-in",
        command_words=CONTROL_WORDS,
    )


# --- asking ------------------------------------------------------------------------------------


async def ask(ctx: JobContext, job: Job) -> None:
    """Ask every participant in this job's time zone the first question, in one batch."""
    db = ctx.db
    bot = ctx.bot
    checkin = await load_checkin(db, job.payload["checkin"])
    if checkin is None:
        await bot.scheduler.cancel(job.key, db)
        return
    zone = job.tz.key
    round_day = job.due_at.astimezone(job.tz).date()
    in_zone = sa.and_(
        tables.participants.c.checkin_id == checkin.id, tables.participants.c.tz == zone
    )
    anyone = (
        await db.execute(sa.select(tables.participants.c.person_id).where(in_zone).limit(1))
    ).first()
    if anyone is None:
        await db.execute(
            tables.zones.delete().where(
                tables.zones.c.checkin_id == checkin.id, tables.zones.c.tz == zone
            )
        )
        await bot.scheduler.cancel(job.key, db)
        return
    await close_earlier_rounds(ctx, db, checkin.id, round_day.isoformat(), in_zone)
    asked_now = (await db.execute(_open_round(ctx, checkin, round_day, in_zone))).all()
    skipped = [row.person_id for row in asked_now if row.status == "skipped"]
    to_ask = sorted(row.person_id for row in asked_now if row.status == "asking")
    if skipped:
        await db.execute(
            tables.participants.update()
            .where(
                tables.participants.c.checkin_id == checkin.id,
                tables.participants.c.person_id.in_(skipped),
            )
            .values(skip_next=False)
        )
    if not to_ask:
        return
    questions = list(checkin.questions)
    now = ctx.now()
    intro = md(
        "Check-in time for ",
        bold(checkin_label(bot, checkin)),
        f" ({round_day:%a %d %b}). Reply here, one answer at a time.",
    )
    asked = await people(ctx, db, to_ask)
    data = {"checkin": checkin.id, "round": round_day.isoformat()}
    await bot.dialogs.start_many(
        ctx,
        DIALOG,
        list(asked.values()),
        db=db,
        data=data,
        questions=questions_of(questions),
        intro=intro,
    )
    hours = bot.plugin_config(PLUGIN).reminder_hours
    await bot.scheduler.schedule(
        remind_key(checkin.id, zone),
        REMIND_JOB,
        at=now + timedelta(hours=hours),
        tz=job.tz,
        payload={"checkin": checkin.id, "round": round_day.isoformat()},
        connection=db,
    )


def _open_round(ctx: JobContext, checkin: Any, round_day: date, in_zone: Any) -> Any:
    """One statement that gives everyone in the zone who is not away, and has no row for the
    round yet, the round's row (``skipped`` for those who asked to skip it, else ``asking``)
    and returns those rows' people: a re-run of the job (a worker died before its commit)
    adds nobody twice, and 100,000 members need no row built in Python."""
    participants, responses = tables.participants, tables.responses
    now = sa.bindparam("now", ctx.now(), type_=UTCDateTime())
    skips = participants.c.skip_next
    away = sa.select(tables.away.c.person_id).where(tables.away.c.until > round_day)
    rows = sa.select(
        sa.literal(checkin.id, sa.Integer),
        participants.c.person_id,
        sa.literal(round_day.isoformat(), responses.c.round.type),
        sa.bindparam("questions", list(checkin.questions), type_=responses.c.questions.type),
        sa.bindparam("answers", [], type_=responses.c.answers.type),
        sa.case((skips, "skipped"), else_="asking"),
        now,
        sa.case((skips, now), else_=sa.null()),
    ).where(in_zone, participants.c.person_id.not_in(away))
    columns = ["checkin_id", "person_id", "round", "questions", "answers", "status"]
    return (
        ctx.bot.storage.insert_ignoring_duplicates(responses)
        .from_select([*columns, "asked_at", "answered_at"], rows)
        .returning(responses.c.person_id, responses.c.status)
    )


async def close_earlier_rounds(
    ctx: JobContext, db: AsyncConnection, checkin_id: int, round_day: str, in_zone: Any
) -> None:
    """An earlier round nobody answered closes when the next one starts (status ``missed``)."""
    zone_people = sa.select(tables.participants.c.person_id).where(in_zone)
    earlier = sa.and_(
        tables.responses.c.checkin_id == checkin_id,
        tables.responses.c.status == "asking",
        tables.responses.c.round != round_day,
        tables.responses.c.person_id.in_(zone_people),
    )
    missed = list(
        (await db.execute(sa.select(tables.responses.c.person_id).where(earlier))).scalars()
    )
    if not missed:
        return
    await db.execute(tables.responses.update().where(earlier).values(status="missed"))
    await ctx.bot.dialogs.close(db, missed, dialog_id=DIALOG)


async def remind(ctx: JobContext, job: Job) -> None:
    """One gentle reminder to those in this zone who have not answered the round yet."""
    db = ctx.db
    checkin = await load_checkin(db, job.payload["checkin"])
    if checkin is None:
        return
    zone_people = sa.select(tables.participants.c.person_id).where(
        tables.participants.c.checkin_id == checkin.id,
        tables.participants.c.tz == job.tz.key,
    )
    waiting = (
        await db.execute(
            sa.select(tables.responses).where(
                tables.responses.c.checkin_id == checkin.id,
                tables.responses.c.round == job.payload["round"],
                tables.responses.c.status == "asking",
                sa.not_(tables.responses.c.is_reminded),
                tables.responses.c.person_id.in_(zone_people),
            )
        )
    ).all()
    found = await people(ctx, db, [row.person_id for row in waiting])
    label = checkin_label(ctx.bot, checkin)
    for row in waiting:
        pending = await ctx.bot.dialogs.pending(db, row.person_id)
        if row.person_id not in found or pending is None or pending.dialog != DIALOG:
            continue
        if pending.data.get("checkin") != checkin.id:
            continue  # they were asked by another check-in since
        ctx.send_to(
            found[row.person_id],
            lines(
                md(
                    "A gentle nudge: your check-in for ",
                    bold(label),
                    " is still open — whenever you're ready. (Or send ",
                    code("skip"),
                    ".)",
                ),
                pending.prompt,
            ),
        )
    if waiting:
        await db.execute(
            tables.responses.update()
            .where(tables.responses.c.id.in_([row.id for row in waiting]))
            .values(is_reminded=True)
        )


# --- answering ---------------------------------------------------------------------------------


async def _response_of(db: AsyncConnection, answers: Answers) -> Any:
    """The round's row these answers belong to, while it is still waiting for them."""
    return (
        await db.execute(
            sa.select(tables.responses).where(
                tables.responses.c.checkin_id == answers.data["checkin"],
                tables.responses.c.person_id == answers.person_id,
                tables.responses.c.round == answers.data["round"],
                tables.responses.c.status == "asking",
            )
        )
    ).first()


async def finished(ctx: Context, db: AsyncConnection, answers: Answers) -> None:
    """The last question answered (or the form sent): the check-in is recorded."""
    row = await _response_of(db, answers)
    if row is None:  # closed meanwhile (skipped with !skip, or the next round started)
        ctx.reply(
            "This check-in has closed already, so I kept nothing. Thank you all the same — "
            "see you at the next one!"
        )
        return
    questions = list(row.questions)
    pairs = [
        [question, answers.values.get(form_field_name(step)) or ""]
        for step, question in enumerate(questions)
    ]
    ctx.reply(await _complete(ctx, db, row, pairs))


async def skipped(ctx: Context, db: AsyncConnection, answers: Answers) -> None:
    """``skip`` while the questions are open: this round is skipped."""
    row = await _response_of(db, answers)
    if row is not None:
        await db.execute(
            tables.responses.update()
            .where(tables.responses.c.id == row.id)
            .values(status="skipped", answered_at=ctx.now())
        )
    ctx.reply("Skipped this check-in. See you next time!")


async def _complete(ctx: Context, db: AsyncConnection, row: Any, answers: list[Any]) -> Markup:
    """Record a finished check-in in ``db``'s transaction; ``checkin_recorded`` is fired once
    it commits. Returns the thank-you."""
    person = ctx.person
    await db.execute(
        tables.responses.update()
        .where(tables.responses.c.id == row.id)
        .values(answers=answers, status="done", answered_at=ctx.now())
    )
    checkin = await load_checkin(db, row.checkin_id)
    today = ctx.now().astimezone(person.tz).date()
    goal = await load_goal(db, person.id, today)
    record = CheckIn(
        id=row.id,
        person_id=person.id,
        space=space_of(checkin),
        answers=tuple((q, a) for q, a in answers),
        answered_at=ctx.now(),
        goal=goal,
    )
    fire(ctx, checkin_hooks.checkin_recorded, checkin=record, member=ctx.member, person=person)
    label = checkin_label(ctx.bot, checkin)
    reply: list[Markup] = [md("Thanks — you're checked in for ", bold(label), ".")]
    if goal is not None:
        reply.append(describe_progress(goal, today))
    else:
        prefix = ctx.bot.config.commands.prefix
        reply.append(
            md(
                italic(
                    "Set a goal to see your progress here: ",
                    code(f"{prefix}goal 500 words daily"),
                )
            )
        )
    return lines(*reply)

"""Asking, answering and reminding: a check-in round from the question to the last answer.

The conversation's state is the ``checkins_responses`` row (questions asked, answers so far,
status), so a restart between a question and its answer loses nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from salon.core import (
    AlreadyHandled,
    ButtonPress,
    CheckIn,
    Context,
    Form,
    FormField,
    Job,
    JobContext,
    Markup,
    Message,
    UserError,
    bold,
    code,
    italic,
    lines,
    md,
)
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.goals import describe_progress, load_goal
from salon.plugins.checkins.schedule import (
    REMIND_JOB,
    ask_key,
    load_checkin,
    open_response,
    remind_key,
)
from salon.plugins.checkins.store import (
    PLUGIN,
    away_people,
    checkin_label,
    fire,
    people,
    space_of,
)

#: The action that receives the check-in form (where the platform shows forms).
FORM_ACTION = "checkins.answer_form"


def _question(questions: list[str], step: int) -> Markup:
    return md(bold(f"{step + 1}/{len(questions)} "), questions[step])


def form_field_name(step: int) -> str:
    return f"q{step}"


def checkin_form(questions: list[str]) -> Form:
    """Every question as one field, to answer at once where the platform can show forms."""
    fields = tuple(FormField(form_field_name(i), q) for i, q in enumerate(questions))
    return Form(title="Check-in", fields=fields, action=FORM_ACTION)


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
    rows = (
        await db.execute(
            sa.select(tables.participants.c.person_id, tables.participants.c.skip_next).where(
                in_zone
            )
        )
    ).all()
    if not rows:
        await db.execute(
            tables.zones.delete().where(
                tables.zones.c.checkin_id == checkin.id, tables.zones.c.tz == zone
            )
        )
        await bot.scheduler.cancel(ask_key(checkin.id, zone), db)
        return
    # An earlier round nobody answered closes when the next one starts.
    zone_people = sa.select(tables.participants.c.person_id).where(in_zone)
    await db.execute(
        tables.responses.update()
        .where(
            tables.responses.c.checkin_id == checkin.id,
            tables.responses.c.status == "asking",
            tables.responses.c.round != round_day.isoformat(),
            tables.responses.c.person_id.in_(zone_people),
        )
        .values(status="missed")
    )
    already = set(
        (
            await db.execute(
                sa.select(tables.responses.c.person_id).where(
                    tables.responses.c.checkin_id == checkin.id,
                    tables.responses.c.round == round_day.isoformat(),
                )
            )
        ).scalars()
    )
    away = await away_people(db, round_day)
    questions = list(checkin.questions)
    now = ctx.now()
    new_rows: list[dict[str, Any]] = []
    skipped: list[int] = []
    to_ask: list[int] = []
    for row in rows:
        if row.person_id in already or row.person_id in away:
            continue
        status = "skipped" if row.skip_next else "asking"
        if row.skip_next:
            skipped.append(row.person_id)
        else:
            to_ask.append(row.person_id)
        new_rows.append(
            {
                "checkin_id": checkin.id,
                "person_id": row.person_id,
                "round": round_day.isoformat(),
                "questions": questions,
                "answers": [],
                "status": status,
                "asked_at": now,
                "answered_at": now if row.skip_next else None,
            }
        )
    if new_rows:
        await db.execute(tables.responses.insert(), new_rows)
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
    prefix = bot.config.commands.prefix
    intro = md(
        "Check-in time for ",
        bold(checkin_label(bot, checkin)),
        f" ({round_day:%a %d %b}). Reply here; send ",
        code(f"{prefix}skip"),
        " to skip this one.",
    )
    hint = italic(
        "Until you're done, what you write here is your answer; start commands with ",
        code(prefix),
        ".",
    )
    first = lines(intro, _question(questions, 0), hint)
    form = checkin_form(questions)
    asked = await people(ctx, db, to_ask)
    for person in asked.values():
        # Where forms are shown (Slack), all questions can be answered at once; the text flow
        # below works everywhere.
        shows_forms = bot.capabilities(person.dm_account.platform).forms
        ctx.send_to(person, first, form=form if shows_forms else None)
    ctx.after_commit(lambda: expect_answers(bot, [a for p in asked.values() for a in p.accounts]))
    hours = bot.plugin_config(PLUGIN).reminder_hours
    await bot.scheduler.schedule(
        remind_key(checkin.id, zone),
        REMIND_JOB,
        at=now + timedelta(hours=hours),
        tz=job.tz,
        payload={"checkin": checkin.id, "round": round_day.isoformat()},
        connection=db,
    )


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
    prefix = ctx.bot.config.commands.prefix
    found = await people(ctx, db, [row.person_id for row in waiting])
    label = checkin_label(ctx.bot, checkin)
    for row in waiting:
        if row.person_id not in found:
            continue
        step = len(row.answers)
        ctx.send_to(
            found[row.person_id],
            lines(
                md(
                    "A gentle nudge: your check-in for ",
                    bold(label),
                    " is still open — whenever you're ready. (Or send ",
                    code(f"{prefix}skip"),
                    ".)",
                ),
                _question(list(row.questions), step),
            ),
        )
    if waiting:
        await db.execute(
            tables.responses.update()
            .where(tables.responses.c.id.in_([row.id for row in waiting]))
            .values(is_reminded=True)
        )


# --- answering ---------------------------------------------------------------------------------


#: Plain words that still work as commands while a question is open.
CONTROL_WORDS = frozenset({"skip", "help", "away", "back", "checkin", "link", "unlink"})


def expect_answers(bot: Any, refs: list[Any]) -> None:
    """Tell the core these accounts' plain DMs are answers (checked before commands)."""
    for ref in refs:
        bot.awaited.expect(ref, PLUGIN)


async def expect_open_answers(bot: Any) -> None:
    """At startup: people with an open question are awaited again, on every account."""
    async with bot.read() as db:
        ids = (
            await db.execute(
                sa.select(tables.responses.c.person_id)
                .where(tables.responses.c.status == "asking")
                .distinct()
            )
        ).scalars()
        found = await bot.people.many(list(ids), db)
    expect_answers(bot, [a for person in found.values() for a in person.accounts])


async def answer(message: Message, ctx: Context) -> bool | None:
    """Take a plain DM as the answer to the member's open check-in question."""
    if not message.space.is_direct:
        return None
    words = message.text.split(maxsplit=1)
    if not words or words[0].lower() in CONTROL_WORDS:
        return None
    ref = ctx.member.ref
    person_id = ctx.person.id
    async with ctx.bot.read() as peek:
        if await open_response(peek, person_id) is None:
            ctx.bot.awaited.release(ref, PLUGIN)
            return None
    text = message.text.strip()
    try:
        async with ctx.transaction() as db:
            row = await open_response(db, person_id)
            if row is None:  # closed meanwhile (skip, a new round)
                return None
            questions = list(row.questions)
            answers = [*row.answers, [questions[len(row.answers)], text]]
            if len(answers) < len(questions):
                await db.execute(
                    tables.responses.update()
                    .where(tables.responses.c.id == row.id)
                    .values(answers=answers)
                )
                ctx.reply(_question(questions, len(answers)))
                return True
            reply = await _complete(ctx, db, row, answers)
    except AlreadyHandled:
        return True  # a redelivered answer: applied the first time
    ctx.reply(reply)
    return True


async def answer_form(ctx: Context, press: ButtonPress) -> None:
    """The check-in form, submitted: every answer at once for the member's open check-in."""
    ref = ctx.member.ref
    async with ctx.transaction() as db:
        row = await open_response(db, ctx.person.id)
        if row is None:
            ctx.after_commit(lambda: ctx.bot.awaited.release(ref, PLUGIN))
            reply = md(
                "There's no open check-in to answer right now — it was answered, skipped or "
                "has closed already. Thank you all the same, and see you at the next one!"
            )
        else:
            questions = list(row.questions)
            earlier = [a for _, a in row.answers]
            answers = []
            for step, question in enumerate(questions):
                text = press.values.get(form_field_name(step), "").strip()
                if not text and step < len(earlier):
                    text = earlier[step]
                if not text:
                    raise UserError("Please answer every question of the check-in.")
                answers.append([question, text])
            reply = await _complete(ctx, db, row, answers)
    ctx.reply(reply)


async def _complete(ctx: Context, db: AsyncConnection, row: Any, answers: list[Any]) -> Markup:
    """Record a finished check-in in ``db``'s transaction: the row is done, the member no
    longer awaited and ``checkin_recorded`` fired once it commits. Returns the thank-you."""
    person = ctx.person
    await db.execute(
        tables.responses.update()
        .where(tables.responses.c.id == row.id)
        .values(answers=answers, status="done", answered_at=ctx.now())
    )

    def release() -> None:
        for account in person.accounts:
            ctx.bot.awaited.release(account, PLUGIN)

    ctx.after_commit(release)
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

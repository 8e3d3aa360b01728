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
    away_members,
    fire,
    ref_of,
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
            sa.select(
                tables.participants.c.platform,
                tables.participants.c.member_id,
                tables.participants.c.skip_next,
            ).where(in_zone)
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
    zone_members = sa.select(tables.participants.c.platform, tables.participants.c.member_id).where(
        in_zone
    )
    await db.execute(
        tables.responses.update()
        .where(
            tables.responses.c.checkin_id == checkin.id,
            tables.responses.c.status == "asking",
            tables.responses.c.round != round_day.isoformat(),
            sa.tuple_(tables.responses.c.platform, tables.responses.c.member_id).in_(zone_members),
        )
        .values(status="missed")
    )
    already = {
        (row.platform, row.member_id)
        for row in await db.execute(
            sa.select(tables.responses.c.platform, tables.responses.c.member_id).where(
                tables.responses.c.checkin_id == checkin.id,
                tables.responses.c.round == round_day.isoformat(),
            )
        )
    }
    away = await away_members(db, round_day)
    questions = list(checkin.questions)
    now = ctx.now()
    new_rows: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    to_ask = []
    for row in rows:
        key = (row.platform, row.member_id)
        if key in already or ref_of(row) in away:
            continue
        status = "skipped" if row.skip_next else "asking"
        if row.skip_next:
            skipped.append(key)
        else:
            to_ask.append(ref_of(row))
        new_rows.append(
            {
                "checkin_id": checkin.id,
                "platform": row.platform,
                "member_id": row.member_id,
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
                sa.tuple_(tables.participants.c.platform, tables.participants.c.member_id).in_(
                    skipped
                ),
            )
            .values(skip_next=False)
        )
    if not to_ask:
        return
    prefix = bot.config.commands.prefix
    intro = md(
        "Check-in time for ",
        bold(f"#{checkin.space_id}"),
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
    for ref in to_ask:
        # Where forms are shown (Slack), all questions can be answered at once; the text flow
        # below works everywhere.
        ctx.send_direct(ref, first, form=form if bot.capabilities(ref.platform).forms else None)
    ctx.after_commit(lambda: expect_answers(bot, to_ask))
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
    zone_members = sa.select(tables.participants.c.platform, tables.participants.c.member_id).where(
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
                sa.tuple_(tables.responses.c.platform, tables.responses.c.member_id).in_(
                    zone_members
                ),
            )
        )
    ).all()
    prefix = ctx.bot.config.commands.prefix
    for row in waiting:
        step = len(row.answers)
        ctx.send_direct(
            ref_of(row),
            lines(
                md(
                    "A gentle nudge: your check-in for ",
                    bold(f"#{checkin.space_id}"),
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
CONTROL_WORDS = frozenset({"skip", "help", "away", "back", "checkin"})


def expect_answers(bot: Any, refs: list[Any]) -> None:
    """Tell the core these members' plain DMs are answers (checked before commands)."""
    for ref in refs:
        bot.awaited.expect(ref, PLUGIN)


async def expect_open_answers(bot: Any) -> None:
    """At startup: members with an open question are awaited again."""
    async with bot.storage.engine.connect() as db:
        rows = await db.execute(
            sa.select(tables.responses.c.platform, tables.responses.c.member_id)
            .where(tables.responses.c.status == "asking")
            .distinct()
        )
        expect_answers(bot, [ref_of(row) for row in rows])


async def answer(message: Message, ctx: Context) -> bool | None:
    """Take a plain DM as the answer to the member's open check-in question."""
    if not message.space.is_direct:
        return None
    words = message.text.split(maxsplit=1)
    if not words or words[0].lower() in CONTROL_WORDS:
        return None
    ref = ctx.member.ref
    async with ctx.bot.storage.engine.connect() as peek:
        if await open_response(peek, ref) is None:
            ctx.bot.awaited.release(ref, PLUGIN)
            return None
    text = message.text.strip()
    try:
        async with ctx.transaction() as db:
            row = await open_response(db, ref)
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
        row = await open_response(db, ref)
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
    ref = ctx.member.ref
    await db.execute(
        tables.responses.update()
        .where(tables.responses.c.id == row.id)
        .values(answers=answers, status="done", answered_at=ctx.now())
    )
    ctx.after_commit(lambda: ctx.bot.awaited.release(ref, PLUGIN))
    checkin = await load_checkin(db, row.checkin_id)
    today = ctx.now().astimezone(await ctx.bot.profiles.timezone(ref, db)).date()
    goal = await load_goal(db, ref, today)
    record = CheckIn(
        id=row.id,
        member=ref,
        space=space_of(checkin),
        answers=tuple((q, a) for q, a in answers),
        answered_at=ctx.now(),
        goal=goal,
    )
    fire(ctx, checkin_hooks.checkin_recorded, checkin=record, member=ctx.member)
    reply: list[Markup] = [md("Thanks — you're checked in for ", bold(f"#{checkin.space_id}"), ".")]
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

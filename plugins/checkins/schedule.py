"""Scheduled check-ins: ``checkin``, ``skip``, ``away``/``back`` and the jobs behind them.

Members are asked at the check-in's time in *their own* time zone. Rather than one job per
member, there is one recurring job per check-in and time zone (``checkins:ask:<id>:<zone>``)
that asks every participant in that zone at once, so a busy minute costs a handful of batched
queries instead of thousands of job runs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from salon.core import (
    Button,
    ButtonPress,
    Context,
    Misfire,
    SpaceRef,
    UserError,
    bold,
    code,
    italic,
    lines,
    md,
)
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.parsing import describe_days
from salon.plugins.checkins.store import checkin_label, is_person

#: The dialog that asks a check-in's questions (``conversation.dialog``).
ANSWER_DIALOG = "checkins.answer"
DEFAULT_QUESTIONS = (
    "What did you write since the last check-in?",
    "What's next?",
    "Anything blocking you?",
)
ASK_JOB = "checkins.ask"
DIGEST_JOB = "checkins.digest"
REMIND_JOB = "checkins.remind"
#: The buttons that pick a check-in in a DM when there are several.
CHOOSE_ACTION = "checkins.choose"
MAX_QUESTIONS = 10
#: The longest pause ``away`` takes; longer breaks are ``checkin leave``.
MAX_AWAY = timedelta(days=366)


def ask_key(checkin_id: int, zone: str) -> str:
    return f"checkins:ask:{checkin_id}:{zone}"


def remind_key(checkin_id: int, zone: str) -> str:
    return f"checkins:remind:{checkin_id}:{zone}"


def digest_key(checkin_id: int) -> str:
    return f"checkins:digest:{checkin_id}"


def weekly_rule(days: str) -> str:
    return f"FREQ=WEEKLY;BYDAY={days}"


def _anchor(now: datetime, tz: ZoneInfo, clock: str) -> datetime:
    """A naive local start a week in the past, so the first run is the next matching day."""
    local_day = now.astimezone(tz).date() - timedelta(days=7)
    return datetime.combine(local_day, time.fromisoformat(clock))


async def schedule_ask(bot: Any, db: AsyncConnection, checkin: Any, zone: str) -> None:
    tz = ZoneInfo(zone)
    await bot.scheduler.schedule(
        ask_key(checkin.id, zone),
        ASK_JOB,
        rrule=weekly_rule(checkin.days),
        start=_anchor(bot.clock.now(), tz, checkin.ask_time),
        tz=tz,
        payload={"checkin": checkin.id},
        misfire=Misfire.RUN_ONCE,
        connection=db,
    )


async def schedule_digest(bot: Any, db: AsyncConnection, checkin: Any) -> None:
    if checkin.digest_time is None:
        await bot.scheduler.cancel(digest_key(checkin.id), db)
        return
    tz = bot.people.default_tz
    await bot.scheduler.schedule(
        digest_key(checkin.id),
        DIGEST_JOB,
        rrule=weekly_rule(checkin.days),
        start=_anchor(bot.clock.now(), tz, checkin.digest_time),
        tz=tz,
        payload={"checkin": checkin.id},
        connection=db,
    )


async def sync_zones(
    bot: Any, db: AsyncConnection, checkin: Any, *, reschedule: bool = False
) -> None:
    """Make the ask jobs match the participants' time zones (one job per zone in use)."""
    needed = set(
        (
            await db.execute(
                sa.select(tables.participants.c.tz)
                .where(tables.participants.c.checkin_id == checkin.id)
                .distinct()
            )
        ).scalars()
    )
    have = set(
        (
            await db.execute(
                sa.select(tables.zones.c.tz).where(tables.zones.c.checkin_id == checkin.id)
            )
        ).scalars()
    )
    for zone in sorted(needed - have):
        await db.execute(tables.zones.insert().values(checkin_id=checkin.id, tz=zone))
        await schedule_ask(bot, db, checkin, zone)
    for zone in sorted(have - needed):
        await db.execute(
            tables.zones.delete().where(
                tables.zones.c.checkin_id == checkin.id, tables.zones.c.tz == zone
            )
        )
        await bot.scheduler.cancel(ask_key(checkin.id, zone), db)
    if reschedule:
        for zone in sorted(needed & have):
            await schedule_ask(bot, db, checkin, zone)


async def load_checkin(db: AsyncConnection, checkin_id: int) -> Any:
    return (
        await db.execute(sa.select(tables.checkins).where(tables.checkins.c.id == checkin_id))
    ).first()


async def checkin_of_space(db: AsyncConnection, space: SpaceRef) -> Any:
    return (
        await db.execute(
            sa.select(tables.checkins).where(
                tables.checkins.c.space_platform == space.platform,
                tables.checkins.c.space_id == space.id,
            )
        )
    ).first()


async def checkin_here(ctx: Context, db: AsyncConnection) -> Any:
    """The check-in a member means: this space's, or in a DM the only one there is."""
    prefix = ctx.bot.config.commands.prefix
    if not ctx.space.is_direct:
        row = await checkin_of_space(db, ctx.space.ref)
        if row is None:
            raise UserError(
                f"This space has no check-in yet; an organiser can start one with "
                f"{prefix}checkin create mon,thu 09:00 digest 17:00."
            )
        return row
    rows = (await db.execute(sa.select(tables.checkins))).all()
    if not rows:
        raise UserError("There are no check-ins yet; an organiser can create one in a space.")
    if len(rows) > 1:
        raise UserError(
            "There are several check-ins; send this in the space of the one you mean, or "
            "use checkin join in a direct message to choose."
        )
    return rows[0]


def describe_checkin(checkin: Any, default_tz: ZoneInfo) -> str:
    days = describe_days(tuple(checkin.days.split(",")))
    text = f"{days} at {checkin.ask_time} (each member's own time)"
    if checkin.digest_time:
        text += f", digest at {checkin.digest_time} {default_tz.key}"
    return text


# --- the checkin command -----------------------------------------------------------------------


async def create(
    ctx: Context,
    days: tuple[str, ...],
    at: time,
    digest: str | None = None,
    digest_at: time | None = None,
) -> None:
    if ctx.space.is_direct:
        raise UserError("Create a check-in in the group space it is for, not in a direct message.")
    if digest is not None and digest_at is None:
        raise UserError(
            "Give the digest's time too, e.g. checkin create mon,thu 09:00 digest 17:00."
        )
    ask_time = f"{at:%H:%M}"
    digest_time = f"{digest_at:%H:%M}" if digest_at is not None else None
    async with ctx.transaction() as db:
        existing = await checkin_of_space(db, ctx.space.ref)
        values = {"days": ",".join(days), "ask_time": ask_time, "digest_time": digest_time}
        if existing is None:
            await db.execute(
                tables.checkins.insert().values(
                    space_platform=ctx.space.ref.platform,
                    space_id=ctx.space.ref.id,
                    questions=list(DEFAULT_QUESTIONS),
                    created_at=ctx.now(),
                    **values,
                )
            )
        else:
            await db.execute(
                tables.checkins.update().where(tables.checkins.c.id == existing.id).values(**values)
            )
        checkin = await checkin_of_space(db, ctx.space.ref)
        await sync_zones(ctx.bot, db, checkin, reschedule=True)
        await schedule_digest(ctx.bot, db, checkin)
    prefix = ctx.bot.config.commands.prefix
    verb = "updated" if existing is not None else "created"
    ctx.reply(
        lines(
            md(
                f"Check-in {verb}: ",
                bold(describe_checkin(checkin, ctx.bot.people.default_tz)),
                ".",
            ),
            md(
                "Members join with ",
                code(f"{prefix}checkin join"),
                "; set questions with ",
                code(f"{prefix}checkin questions First? | Second?"),
                ".",
            ),
        )
    )


async def questions(ctx: Context, questions: str | None = None) -> None:
    rest = questions or ""
    async with ctx.transaction() as db:
        checkin = await checkin_here(ctx, db)
        if not rest.strip():
            current = tuple(checkin.questions)
        else:
            if rest.strip().lower() == "default":
                current = DEFAULT_QUESTIONS
            else:
                current = tuple(q.strip() for q in rest.split("|") if q.strip())
                if not current or len(current) > MAX_QUESTIONS:
                    raise UserError(
                        f"Give 1 to {MAX_QUESTIONS} questions separated by |, e.g. "
                        "checkin questions What did you write? | What's next?"
                    )
                if any(len(q) > 300 for q in current):
                    raise UserError("Keep each question under 300 characters.")
            await db.execute(
                tables.checkins.update()
                .where(tables.checkins.c.id == checkin.id)
                .values(questions=list(current))
            )
    heading = "The check-in asks:" if not rest.strip() else "Questions set. The check-in asks:"
    ctx.reply(lines(heading, *[md(f"{i}. ", q) for i, q in enumerate(current, 1)]))


async def delete(ctx: Context) -> None:
    async with ctx.transaction() as db:
        checkin = await checkin_here(ctx, db)
        await ctx.bot.scheduler.cancel_prefix(f"checkins:ask:{checkin.id}:", db)
        await ctx.bot.scheduler.cancel_prefix(f"checkins:remind:{checkin.id}:", db)
        await ctx.bot.scheduler.cancel(digest_key(checkin.id), db)
        for table in (tables.responses, tables.participants, tables.zones):
            await db.execute(table.delete().where(table.c.checkin_id == checkin.id))
        await db.execute(tables.checkins.delete().where(tables.checkins.c.id == checkin.id))
    ctx.reply("Check-in deleted; nobody will be asked any more.")


async def _offer_choice(ctx: Context, action: str) -> bool:
    """In a DM with several check-ins: ask which one, with a button each. ``True`` if asked."""
    if not ctx.space.is_direct:
        return False
    async with ctx.bot.read() as db:
        rows = (await db.execute(sa.select(tables.checkins).order_by(tables.checkins.c.id))).all()
    if len(rows) < 2:
        return False
    ctx.reply(
        f"Which check-in do you want to {action}?",
        buttons=tuple(
            Button(checkin_label(ctx.bot, row), action=CHOOSE_ACTION, value=f"{action}:{row.id}")
            for row in rows
        ),
    )
    return True


async def checkin_chosen(ctx: Context, press: ButtonPress) -> None:
    """A check-in chosen with the buttons of ``_offer_choice``."""
    action, _, checkin_id = press.value.partition(":")
    if action not in ("join", "leave") or not checkin_id.isdigit():
        raise UserError("That button no longer works; send checkin join again.")
    async with ctx.transaction() as db:
        checkin = await load_checkin(db, int(checkin_id))
        if checkin is None:
            raise UserError("That check-in has been deleted.")
        if action == "join":
            await _add_participant(ctx, db, checkin)
        else:
            await _remove_participant(ctx, db, checkin)
    if action == "join":
        _reply_joined(ctx, checkin)
    else:
        _reply_left(ctx)


async def join(ctx: Context) -> None:
    if await _offer_choice(ctx, "join"):
        return
    async with ctx.transaction() as db:
        checkin = await checkin_here(ctx, db)
        await _add_participant(ctx, db, checkin)
    _reply_joined(ctx, checkin)


async def _add_participant(ctx: Context, db: AsyncConnection, checkin: Any) -> None:
    person = ctx.person
    tz = person.tz
    existing = (
        await db.execute(
            sa.select(tables.participants.c.tz).where(
                tables.participants.c.checkin_id == checkin.id,
                is_person(tables.participants, person.id),
            )
        )
    ).first()
    if existing is not None:
        raise UserError("You're already in this check-in. (Leave with checkin leave.)")
    await db.execute(
        tables.participants.insert().values(
            checkin_id=checkin.id,
            person_id=person.id,
            tz=tz.key,
            joined_at=ctx.now(),
        )
    )
    await sync_zones(ctx.bot, db, checkin)


def _reply_joined(ctx: Context, checkin: Any) -> None:
    prefix = ctx.bot.config.commands.prefix
    tz = ctx.person.tz
    ctx.reply(
        lines(
            md(
                "You're in the check-in of ",
                checkin_label(ctx.bot, checkin),
                "! I'll message you ",
                bold(describe_days(tuple(checkin.days.split(",")))),
                f" at {checkin.ask_time} your time ({tz.key}).",
            ),
            italic(md("Wrong time zone? Set yours with ", code(f"{prefix}tz Europe/Berlin"), ".")),
        )
    )


async def leave(ctx: Context) -> None:
    if await _offer_choice(ctx, "leave"):
        return
    async with ctx.transaction() as db:
        checkin = await checkin_here(ctx, db)
        await _remove_participant(ctx, db, checkin)
    _reply_left(ctx)


async def _remove_participant(ctx: Context, db: AsyncConnection, checkin: Any) -> None:
    person_id = ctx.person.id
    removed = await db.execute(
        tables.participants.delete().where(
            tables.participants.c.checkin_id == checkin.id,
            is_person(tables.participants, person_id),
        )
    )
    if not removed.rowcount:
        raise UserError("You're not in this check-in.")
    await db.execute(
        tables.responses.update()
        .where(
            tables.responses.c.checkin_id == checkin.id,
            is_person(tables.responses, person_id),
            tables.responses.c.status == "asking",
        )
        .values(status="skipped")
    )
    await sync_zones(ctx.bot, db, checkin)


def _reply_left(ctx: Context) -> None:
    ctx.reply("You've left the check-in. Come back any time with checkin join.")


async def checkin_status(ctx: Context) -> None:
    """``checkin`` alone: this space's schedule and whether you take part."""
    prefix = ctx.bot.config.commands.prefix
    async with ctx.bot.read() as db:
        try:
            checkin = await checkin_here(ctx, db)
        except UserError:
            rows = (await db.execute(sa.select(tables.checkins))).all()
            if not rows:
                raise
            ctx.reply(
                lines(
                    "Check-ins:",
                    *[
                        md(
                            checkin_label(ctx.bot, r),
                            ": ",
                            describe_checkin(r, ctx.bot.people.default_tz),
                        )
                        for r in rows
                    ],
                )
            )
            return
        mine = (
            await db.execute(
                sa.select(tables.participants.c.tz).where(
                    tables.participants.c.checkin_id == checkin.id,
                    is_person(tables.participants, ctx.person.id),
                )
            )
        ).first()
        count = (
            await db.execute(
                sa.select(sa.func.count()).where(tables.participants.c.checkin_id == checkin.id)
            )
        ).scalar()
    status = [
        md(
            "Check-in: ",
            bold(describe_checkin(checkin, ctx.bot.people.default_tz)),
            f"; {count} taking part.",
        )
    ]
    if mine is None:
        status.append(md("Join with ", code(f"{prefix}checkin join"), "."))
    else:
        following = await ctx.bot.scheduler.next_run(ask_key(checkin.id, mine.tz))
        if following is not None:
            local = following.astimezone(ZoneInfo(mine.tz))
            status.append(md(f"You're in; next question {local:%a %d %b %H:%M} ({mine.tz})."))
    ctx.reply(lines(*status))


# --- skip, away, back --------------------------------------------------------------------------


async def open_response(db: AsyncConnection, person_id: int) -> Any:
    """The check-in conversation waiting for this person's answer, if any (newest first)."""
    return (
        await db.execute(
            sa.select(tables.responses)
            .where(is_person(tables.responses, person_id), tables.responses.c.status == "asking")
            .order_by(tables.responses.c.asked_at.desc(), tables.responses.c.id.desc())
            .limit(1)
        )
    ).first()


async def skip_command(ctx: Context) -> None:
    person_id = ctx.person.id
    async with ctx.transaction() as db:
        row = await open_response(db, person_id)
        if row is not None:
            await db.execute(
                tables.responses.update()
                .where(tables.responses.c.id == row.id)
                .values(status="skipped", answered_at=ctx.now())
            )
            await ctx.bot.dialogs.close(db, [person_id], dialog_id=ANSWER_DIALOG)
            message = "Skipped this check-in. See you next time!"
        else:
            updated = await db.execute(
                tables.participants.update()
                .where(is_person(tables.participants, person_id))
                .values(skip_next=True)
            )
            if not updated.rowcount:
                raise UserError("You're not in a check-in, so there is nothing to skip.")
            message = "I'll skip your next check-in."
    ctx.reply(message)


async def away_command(ctx: Context, day: date | None = None) -> None:
    """``away [until] <date>``: pause check-ins and buddy nudges; ``away`` alone: the pause."""
    person = ctx.person
    prefix = ctx.bot.config.commands.prefix
    today = ctx.now().astimezone(person.tz).date()
    if day is None:
        async with ctx.bot.read() as db:
            row = (
                await db.execute(
                    sa.select(tables.away.c.until).where(is_person(tables.away, person.id))
                )
            ).first()
        if row is None or row[0] <= today:
            ctx.reply(
                md("You're not away. Pause with ", code(f"{prefix}away until 2026-12-03"), ".")
            )
        else:
            ctx.reply(
                md(
                    f"You're away until {row[0]:%a %d %b %Y}. Back early? ",
                    code(f"{prefix}back"),
                    ".",
                )
            )
        return
    back_on = day
    async with ctx.transaction() as db:
        if back_on <= today:
            raise UserError(f"{back_on:%d %B %Y} is not in the future; pick a later date.")
        if back_on > today + MAX_AWAY:
            raise UserError(
                f"{back_on:%d %B %Y} is more than a year away. For a longer break, leave with "
                f"{prefix}checkin leave and {prefix}buddy leave, and come back any time."
            )
        await db.execute(tables.away.delete().where(is_person(tables.away, person.id)))
        await db.execute(tables.away.insert().values(person_id=person.id, until=back_on))
    ctx.reply(
        f"Enjoy the break! No check-ins or buddy nudges until {back_on:%a %d %b %Y}; "
        f"send {prefix}back to return sooner."
    )


async def back_command(ctx: Context) -> None:
    async with ctx.transaction() as db:
        removed = await db.execute(
            tables.away.delete().where(is_person(tables.away, ctx.person.id))
        )
    ctx.reply("Welcome back!" if removed.rowcount else "You weren't away — carry on!")

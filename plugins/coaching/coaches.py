"""The coach role: organisers name coaches; a member asks one, the coach accepts with a
button; either ends it; the member gives or withdraws consent to be seen at any time.

A request carries the member's consent (the request says what the coach will see); the
coach's access is checked on every view, so withdrawing consent takes it away at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from salon.core import (
    Bot,
    Button,
    ButtonPress,
    CoachingLink,
    Context,
    Person,
    UserError,
    bold,
    code,
    lines,
    md,
    shorten,
)
from salon.core.hookspecs import coaching as coaching_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.coaching import tables
from salon.plugins.coaching.config import CoachingConfig
from salon.plugins.coaching.store import (
    ACTIVE,
    DIGEST_JOB,
    ENDED,
    PLUGIN,
    REQUESTED,
    digest_key,
    fire,
    is_coach,
    link_of,
    open_link,
    prefix_for,
)

ANSWER_ACTION = "coaching.answer"


async def find(ctx: Context, who: str) -> Person:
    person = await ctx.bot.people.find(who, ctx.member.ref.platform)
    if person is None:
        raise UserError(
            f"I don't know a member “{shorten(who)}” here; mention them (they must have "
            "written to me once), or give #<person id>."
        )
    return person


async def coach_status(ctx: Context) -> None:
    """``coach``: your coach (or coachees), and what to type next."""
    prefix = prefix_for(ctx)
    async with ctx.bot.read() as db:
        rows = (
            await db.execute(
                sa.select(tables.links).where(
                    sa.or_(
                        tables.links.c.member_id == ctx.person.id,
                        tables.links.c.coach_id == ctx.person.id,
                    ),
                    tables.links.c.status != ENDED,
                )
            )
        ).all()
        coach = await is_coach(db, ctx.person.id)
    names = await ctx.bot.people.many({r.coach_id for r in rows} | {r.member_id for r in rows})

    def name(person_id: int) -> str:
        return names[person_id].display_name if person_id in names else f"#{person_id}"

    out: list[Any] = []
    for row in rows:
        if row.member_id == ctx.person.id:
            state = "your coach" if row.status == ACTIVE else "asked, waiting for an answer"
            consent = "" if row.has_consent or row.status != ACTIVE else " (consent withdrawn)"
            out.append(f"{name(row.coach_id)}: {state}{consent}")
        else:
            state = "you coach them" if row.status == ACTIVE else "asked you to coach them"
            consent = "" if row.has_consent or row.status != ACTIVE else " (no consent now)"
            out.append(f"{name(row.member_id)}: {state}{consent}")
    if coach:
        out.insert(0, "You are a coach.")
    if not out:
        out.append(
            md("No coaching yet. Ask a coach with ", code(f"{prefix}coach request @name"), ".")
        )
    ctx.reply(lines(md(bold("Coaching")), *out))


async def coach_list(ctx: Context) -> None:
    """``coach list``: the coaches the organisers named."""
    async with ctx.bot.read() as db:
        ids = list((await db.execute(sa.select(tables.coaches.c.person_id))).scalars())
    people = await ctx.bot.people.many(ids)
    if not people:
        ctx.reply("There are no coaches yet; organisers name them with coach add @name.")
        return
    names = sorted(p.display_name for p in people.values())
    ctx.reply(lines(md(bold("Coaches")), *names))


async def coach_add(ctx: Context, who: str) -> None:
    """``coach add @name`` (organisers): name a coach."""
    person = await find(ctx, who)
    async with ctx.transaction() as db:
        if await is_coach(db, person.id):
            raise UserError(f"{person.display_name} is already a coach.")
        await db.execute(
            tables.coaches.insert().values(
                person_id=person.id, added_by=ctx.person.id, added_at=ctx.now()
            )
        )
    prefix = prefix_for(ctx)
    ctx.reply(
        md(
            f"{person.display_name} is now a coach; members ask with ",
            code(f"{prefix}coach request"),
            ".",
        )
    )
    ctx.send_to(person, "The organisers named you a coach: members can now ask you for coaching.")


async def coach_remove(ctx: Context, who: str) -> None:
    """``coach remove @name`` (organisers): the person is no coach any more; their coaching ends."""
    person = await find(ctx, who)
    async with ctx.transaction() as db:
        if not await is_coach(db, person.id):
            raise UserError(f"{person.display_name} is not a coach.")
        await db.execute(tables.coaches.delete().where(tables.coaches.c.person_id == person.id))
        rows = (
            await db.execute(
                sa.select(tables.links).where(
                    tables.links.c.coach_id == person.id, tables.links.c.status != ENDED
                )
            )
        ).all()
        members = await ctx.bot.people.many({r.member_id for r in rows}, db)
        for row in rows:
            link = await _end(ctx, db, link_of(row), ctx.person)
            member = members.get(row.member_id)
            if member is not None:
                ctx.send_to(
                    member,
                    f"{person.display_name} is no longer a coach, so your coaching has ended.",
                )
                fire(
                    ctx,
                    coaching_hooks.coaching_ended,
                    link=link,
                    coach=person,
                    member=member,
                    ended_by=ctx.person,
                )
        await ctx.bot.scheduler.cancel(digest_key(person.id), db)
    ctx.reply(f"{person.display_name} is no longer a coach.")


async def coach_request(ctx: Context, who: str) -> None:
    """``coach request @name``: ask a coach to coach you (they see your plan once they accept)."""
    coach = await find(ctx, who)
    if coach.id == ctx.person.id:
        raise UserError("You can't coach yourself; ask another coach (coach list shows them).")
    async with ctx.transaction() as db:
        if not await is_coach(db, coach.id):
            raise UserError(
                f"{coach.display_name} is not a coach; coach list shows who is, and the "
                "organisers can name more."
            )
        existing = await open_link(db, coach.id, ctx.person.id)
        if existing is not None:
            state = "is your coach" if existing.status == ACTIVE else "has your request already"
            raise UserError(f"{coach.display_name} {state}.")
        result = await db.execute(
            tables.links.insert().values(
                coach_id=coach.id,
                member_id=ctx.person.id,
                status=REQUESTED,
                has_consent=True,
                requested_at=ctx.now(),
            )
        )
        link_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    prefix = prefix_for(ctx)
    ctx.send_to(
        coach,
        md(
            f"{ctx.person.display_name} asks you to coach them. If you accept, you'll see their "
            "plan, progress, streak and weekly reviews while they consent. Press a button, or "
            "send ",
            code(f"coach accept #{ctx.person.id}"),
            " (or ",
            code(f"coach decline #{ctx.person.id}"),
            ").",
        ),
        buttons=(
            Button("Accept", ANSWER_ACTION, f"accept:{link_id}"),
            Button("Decline", ANSWER_ACTION, f"decline:{link_id}"),
        ),
    )
    ctx.reply(
        lines(
            f"I've asked {coach.display_name}. Once they accept, they'll see your plan, progress, "
            "streak and weekly reviews.",
            md(
                "You can withdraw that at any time with ",
                code(f"{prefix}coach consent off"),
                ", or end it with ",
                code(f"{prefix}coach end @name"),
                ".",
            ),
        )
    )


async def answer_pressed(ctx: Context, press: ButtonPress) -> None:
    """The coach pressed Accept or Decline under a request."""
    verb, _, link_id = press.value.partition(":")
    if verb not in ("accept", "decline") or not link_id.isdigit():
        raise UserError("That button no longer works.")
    await _answer(ctx, int(link_id), verb == "accept")


async def coach_accept(ctx: Context, who: str) -> None:
    """``coach accept @name``: accept a request where there are no buttons."""
    await _answer_named(ctx, who, accept=True)


async def coach_decline(ctx: Context, who: str) -> None:
    """``coach decline @name``: turn a request down."""
    await _answer_named(ctx, who, accept=False)


async def _answer_named(ctx: Context, who: str, *, accept: bool) -> None:
    member = await find(ctx, who)
    async with ctx.bot.read() as db:
        link = await open_link(db, ctx.person.id, member.id)
    if link is None or link.status != REQUESTED:
        raise UserError(f"{member.display_name} has no request waiting for you.")
    await _answer(ctx, link.id, accept)


async def _answer(ctx: Context, link_id: int, accept: bool) -> None:
    async with ctx.transaction() as db:
        row = (
            await db.execute(sa.select(tables.links).where(tables.links.c.id == link_id))
        ).first()
        if row is None or row.coach_id != ctx.person.id:
            raise UserError("That request is not for you.")
        if row.status != REQUESTED:
            raise UserError("That request was already answered (or withdrawn).")
        if accept and not await is_coach(db, ctx.person.id):
            raise UserError("You are no longer a coach, so you can't accept requests.")
        member = await ctx.bot.people.get(row.member_id, db)
        if member is None:
            raise UserError("That member is no longer here.")
        if not accept:
            await db.execute(
                tables.links.update()
                .where(tables.links.c.id == link_id)
                .values(status=ENDED, ended_at=ctx.now())
            )
            ctx.reply(f"Declined; I've told {member.display_name}.")
            ctx.send_to(member, f"{ctx.person.display_name} can't coach you right now.")
            return
        await db.execute(
            tables.links.update()
            .where(tables.links.c.id == link_id)
            .values(status=ACTIVE, started_at=ctx.now())
        )
        link = link_of(
            (await db.execute(sa.select(tables.links).where(tables.links.c.id == link_id))).one()
        )
        await schedule_digest(ctx.bot, db, ctx.person)
        fire(ctx, coaching_hooks.coaching_started, link=link, coach=ctx.person, member=member)
    prefix = prefix_for(ctx)
    ctx.reply(
        md(
            f"You now coach {member.display_name}. See their plan with ",
            code(f"{prefix}coach view #{member.id}"),
            "; their weekly reviews come in your weekly digest.",
        )
    )
    ctx.send_to(member, f"{ctx.person.display_name} accepted: they are now your coach.")


async def schedule_digest(bot: Bot, db: AsyncConnection, coach: Person) -> None:
    """The coach's weekly digest of their coachees' reviews, on the coach's clock."""
    settings: CoachingConfig = bot.plugin_config(PLUGIN)
    today = bot.clock.now().astimezone(coach.tz).date()
    await bot.scheduler.schedule(
        digest_key(coach.id),
        DIGEST_JOB,
        rrule=f"FREQ=WEEKLY;BYDAY={settings.digest_day.upper()}",
        start=datetime.fromisoformat(f"{today.isoformat()}T{settings.digest_at}"),
        tz=coach.tz,
        payload={"coach_id": coach.id},
        connection=db,
    )


async def _end(ctx: Context, db: AsyncConnection, link: CoachingLink, by: Person) -> CoachingLink:
    await db.execute(
        tables.links.update()
        .where(tables.links.c.id == link.id)
        .values(status=ENDED, ended_at=ctx.now())
    )
    return CoachingLink(
        link.id, link.coach_id, link.member_id, ENDED, link.has_consent, link.started_at
    )


async def coach_end(ctx: Context, who: str) -> None:
    """``coach end @name``: end coaching, as the member or as the coach."""
    other = await find(ctx, who)
    async with ctx.transaction() as db:
        link = await open_link(db, other.id, ctx.person.id) or await open_link(
            db, ctx.person.id, other.id
        )
        if link is None:
            raise UserError(f"You have no coaching with {other.display_name} to end.")
        ended = await _end(ctx, db, link, ctx.person)
        coach, member = (other, ctx.person) if link.coach_id == other.id else (ctx.person, other)
        fire(
            ctx,
            coaching_hooks.coaching_ended,
            link=ended,
            coach=coach,
            member=member,
            ended_by=ctx.person,
        )
    ctx.reply(f"Coaching with {other.display_name} has ended.")
    ctx.send_to(other, f"{ctx.person.display_name} ended your coaching.")


async def coach_consent(ctx: Context, switch: str) -> None:
    """``coach consent off`` (or ``on``): let your coaches see your plan and reviews, or not."""
    allow = switch == "on"
    async with ctx.transaction() as db:
        rows = (
            await db.execute(
                sa.select(tables.links).where(
                    tables.links.c.member_id == ctx.person.id, tables.links.c.status != ENDED
                )
            )
        ).all()
        if not rows:
            raise UserError("You have no coach; ask one with coach request @name.")
        await db.execute(
            tables.links.update()
            .where(tables.links.c.member_id == ctx.person.id, tables.links.c.status != ENDED)
            .values(has_consent=allow)
        )
        coaches = await ctx.bot.people.many({r.coach_id for r in rows}, db)
    for coach in coaches.values():
        ctx.send_to(
            coach,
            f"{ctx.person.display_name} "
            + (
                "shares their plan and reviews with you again."
                if allow
                else "stopped sharing their plan and reviews with you."
            ),
        )
    if allow:
        ctx.reply("Your coach can see your plan, progress, streak and weekly reviews again.")
    else:
        ctx.reply(
            "Done: your coach can no longer see your plan, progress, streak or weekly reviews. "
            "coach consent on shares them again."
        )

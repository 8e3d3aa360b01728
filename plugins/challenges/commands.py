"""``challenge``: see, create, join and leave challenges (organisers: end one early)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from salon.core import (
    Button,
    ButtonPress,
    Context,
    Markup,
    UserError,
    bold,
    code,
    lines,
    md,
    shorten,
)
from salon.core.storage import AsyncConnection, sa
from salon.plugins.challenges import tables
from salon.plugins.challenges.parsing import parse_spec
from salon.plugins.challenges.store import (
    PLUGIN,
    add_space,
    describe,
    find,
    is_over,
    joined_ids,
    load,
    member_rows,
    open_challenges,
    pace_line,
    standings,
)

JOIN_ACTION = "challenges.join"
WEEKLY_JOB = "challenges.weekly"
END_JOB = "challenges.end"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def today_of(ctx: Any) -> Any:
    return ctx.now().astimezone(ctx.person.tz).date()


def join_button(challenge: Any) -> Button:
    return Button(f"Join {challenge.name}"[:40], JOIN_ACTION, str(challenge.id))


async def show(ctx: Context, name: str | None = None) -> None:
    """``challenge [name]``: one challenge in detail, else yours (or the running ones)."""
    prefix = ctx.bot.config.commands.prefix
    async with ctx.bot.read() as db:
        if name:
            challenge = await find(db, name)
            ctx.reply(await _detail(ctx, db, challenge))
            return
        mine_ids = await joined_ids(db, ctx.person.id)
        running = await open_challenges(db)
        mine = [c for c in running if c.id in mine_ids]
        if not mine:
            if not running:
                ctx.reply(
                    md(
                        "No challenge is running. Organisers start one with ",
                        code(f'{prefix}challenge create "NaNo" 50000 words 2026-11-01..2026-11-30'),
                        ".",
                    )
                )
                return
            rows: list[Markup | str] = [md("Running challenges:")]
            rows.extend(md("- ", bold(c.name), f": {describe(c)}") for c in running)
            rows.append(md("Join one with ", code(f"{prefix}challenge join <name>"), "."))
            ctx.reply(lines(*rows), buttons=tuple(join_button(c) for c in running[:5]))
            return
        today = today_of(ctx)
        out: list[Markup | str] = []
        for challenge in mine:
            standing = (await standings(db, challenge, [ctx.person.id]))[ctx.person.id]
            out.append(
                md(
                    bold(challenge.name),
                    f" ({describe(challenge)}): {pace_line(challenge, standing, today)}.",
                )
            )
        ctx.reply(lines(*out))


async def _detail(ctx: Context, db: AsyncConnection, challenge: Any) -> Markup:
    members = await member_rows(db, challenge.id)
    state = "ended" if is_over(challenge) else "running"
    finished = sum(1 for m in members if m.completed_at is not None)
    out: list[Markup | str] = [
        md(bold(challenge.name), f": {describe(challenge)} ({state})."),
        md(f"{len(members)} member{'s' if len(members) != 1 else ''}, {finished} finished."),
    ]
    if ctx.person.id in {m.person_id for m in members}:
        standing = (await standings(db, challenge, [ctx.person.id]))[ctx.person.id]
        out.append(md("You: ", pace_line(challenge, standing, today_of(ctx)), "."))
    elif not is_over(challenge):
        prefix = ctx.bot.config.commands.prefix
        out.append(md("Join with ", code(f"{prefix}challenge join {challenge.name}"), "."))
    return lines(*out)


async def create(ctx: Context, spec: str) -> None:
    settings = ctx.bot.plugin_config(PLUGIN)
    if not ctx.member.is_organiser and not settings.members_can_create:
        raise UserError("Only organisers can create challenges in this community.")
    if ctx.space.is_direct:
        raise UserError(
            "Create a challenge in the space where it should run: that's where its weekly "
            "summary and its final card go."
        )
    parsed = parse_spec(spec, today_of(ctx))
    async with ctx.transaction() as db:
        clash = [
            c for c in await open_challenges(db) if c.name.casefold() == parsed.name.casefold()
        ]
        if clash:
            raise UserError(f"A challenge called '{shorten(parsed.name)}' is already running.")
        result = await db.execute(
            tables.challenges.insert().values(
                name=parsed.name,
                kind=parsed.kind,
                target=parsed.target,
                starts_on=parsed.starts_on,
                ends_on=parsed.ends_on,
                source=parsed.source,
                created_by=ctx.person.id,
                created_at=ctx.now(),
            )
        )
        challenge_id = result.inserted_primary_key[0]  # type: ignore[index]
        await add_space(ctx.bot, db, challenge_id, ctx.space.ref)
        challenge = await load(db, challenge_id)
        await schedule_jobs(ctx.bot, db, challenge)
    prefix = ctx.bot.config.commands.prefix
    counted = {
        "words": md("; words logged with ", code(f"{prefix}wc"), " count"),
        "habit": md("; any day you log with ", code(f"{prefix}wc"), " counts"),
        "pieces": md(
            "; "
            + {
                "any": "prompt responses, pieces submitted and critiques sent count",
                "prompts": "prompt responses count",
                "critique": "pieces submitted and critiques sent count",
            }[challenge.source]
        ),
    }[challenge.kind]
    ctx.reply(
        lines(
            md("Challenge created: ", bold(challenge.name), f" — {describe(challenge)}."),
            md(
                "Join with the button or ",
                code(f"{prefix}challenge join {challenge.name}"),
                counted,
                ", each on the writer's own days.",
            ),
        ),
        buttons=(join_button(challenge),),
    )


async def schedule_jobs(bot: Any, db: AsyncConnection, challenge: Any) -> None:
    """The weekly summary (community's zone) and the end, once the last day is over in
    every zone (12:00 UTC the day after: midnight at UTC-12)."""
    settings = bot.plugin_config(PLUGIN)
    at = time.fromisoformat(settings.summary_time)
    weekday = WEEKDAYS.index(settings.summary_day.upper())
    first = challenge.starts_on + timedelta(days=1)
    first += timedelta(days=(weekday - first.weekday()) % 7)
    if first <= challenge.ends_on:  # a challenge shorter than a week has no weekly summary
        until = datetime.combine(challenge.ends_on, time(23, 59, 59))
        await bot.scheduler.schedule(
            f"challenges:weekly:{challenge.id}",
            WEEKLY_JOB,
            rrule=f"FREQ=WEEKLY;BYDAY={WEEKDAYS[weekday]};UNTIL={until:%Y%m%dT%H%M%S}",
            start=datetime.combine(first, at),
            tz=bot.people.default_tz,
            payload={"challenge": challenge.id},
            connection=db,
        )
    await bot.scheduler.schedule(
        f"challenges:end:{challenge.id}",
        END_JOB,
        at=datetime.combine(challenge.ends_on + timedelta(days=1), time(12, 0), tzinfo=UTC),
        payload={"challenge": challenge.id},
        connection=db,
    )


async def join(ctx: Context, name: str | None = None) -> None:
    async with ctx.transaction() as db:
        challenge = await find(db, name)
        await _join(ctx, db, challenge)


async def join_pressed(ctx: Context, press: ButtonPress) -> None:
    async with ctx.transaction() as db:
        challenge = (
            await db.execute(
                sa.select(tables.challenges).where(tables.challenges.c.id == int(press.value))
            )
        ).first()
        if challenge is None:
            raise UserError("That challenge no longer exists.")
        await _join(ctx, db, challenge)


async def _join(ctx: Context, db: AsyncConnection, challenge: Any) -> None:
    if is_over(challenge):
        raise UserError(f"{challenge.name} has ended; you can't join it any more.")
    if challenge.id in await joined_ids(db, ctx.person.id):
        raise UserError(f"You're already in {challenge.name}.")
    await db.execute(
        tables.members.insert().values(
            challenge_id=challenge.id, person_id=ctx.person.id, joined_at=ctx.now()
        )
    )
    if not ctx.space.is_direct:
        await add_space(ctx.bot, db, challenge.id, ctx.space.ref)
    standing = (await standings(db, challenge, [ctx.person.id]))[ctx.person.id]
    ctx.reply(
        lines(
            md("You're in ", bold(challenge.name), f" ({describe(challenge)})."),
            md("So far: ", pace_line(challenge, standing, today_of(ctx)), "."),
        )
    )


async def leave(ctx: Context, name: str | None = None) -> None:
    async with ctx.transaction() as db:
        challenge = await find(db, name, person_id=ctx.person.id)
        if challenge.id not in await joined_ids(db, ctx.person.id):
            raise UserError(f"You're not in {challenge.name}.")
        await db.execute(
            tables.members.delete().where(
                tables.members.c.challenge_id == challenge.id,
                tables.members.c.person_id == ctx.person.id,
            )
        )
    ctx.reply(md("You left ", bold(challenge.name), ". Your words still count for you."))


async def list_command(ctx: Context) -> None:
    async with ctx.bot.read() as db:
        running = await open_challenges(db)
        ended = (
            await db.execute(
                sa.select(tables.challenges)
                .where(tables.challenges.c.ended_at.is_not(None))
                .order_by(tables.challenges.c.ended_at.desc())
                .limit(5)
            )
        ).all()
    if not running and not ended:
        ctx.reply("There are no challenges yet.")
        return
    out: list[Markup | str] = []
    if running:
        out.append(md("Running:"))
        out.extend(md("- ", bold(c.name), f": {describe(c)}") for c in running)
    if ended:
        out.append(md("Ended recently:"))
        out.extend(md("- ", bold(c.name), f": {describe(c)}") for c in ended)
    ctx.reply(lines(*out), buttons=tuple(join_button(c) for c in running[:5]))

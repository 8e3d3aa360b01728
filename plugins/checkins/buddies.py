"""Writing buddies: opt in, get paired (avoiding recent repeats, near in time zone), a weekly
nudge to check in with each other, re-pairing every few weeks; odd numbers make a trio."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from salon.core import (
    BuddyPair,
    Context,
    Job,
    JobContext,
    Person,
    UserError,
    bold,
    code,
    lines,
    md,
    mention_person,
)
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.goals import describe_goal, load_goal
from salon.plugins.checkins.store import PLUGIN, away_people, fire, is_person, people, plural

BUDDY_JOB = "checkins.buddies"
BUDDY_KEY = "checkins:buddies"
REPEAT_COST = 1000.0
K = TypeVar("K", bound=Hashable)


def _distance(a: float, b: float) -> float:
    """Hours between two UTC offsets, around the clock."""
    gap = abs(a - b) % 24
    return min(gap, 24 - gap)


def match(
    members: Sequence[K],
    offsets: Mapping[K, float],
    recent: Mapping[K, set[K]],
    rng: random.Random,
) -> list[tuple[K, ...]]:
    """Group ``members`` (distinct people) in pairs (one trio when the count is odd).

    Random order, then each member takes the partner who costs least: a recent partner costs
    far more than any time-zone gap, so repeats happen only when nothing else is left.
    """

    def cost(a: K, b: K) -> float:
        repeat = REPEAT_COST if b in recent.get(a, set()) or a in recent.get(b, set()) else 0.0
        return repeat + _distance(offsets.get(a, 0.0), offsets.get(b, 0.0))

    pool = list(dict.fromkeys(members))  # one person is never their own buddy
    rng.shuffle(pool)
    groups: list[tuple[K, ...]] = []
    while len(pool) >= 2:
        first = pool.pop(0)
        partner = min(pool, key=lambda other: cost(first, other))
        pool.remove(partner)
        groups.append((first, partner))
    if pool and groups:
        lone = pool[0]
        best = min(range(len(groups)), key=lambda i: sum(cost(lone, m) for m in groups[i]))
        groups[best] = (*groups[best], lone)
    return groups


async def current_pairs(db: AsyncConnection) -> dict[int, list[int]]:
    """The current pairs: pair id → the people in it."""
    rows = await db.execute(
        sa.select(tables.pair_members)
        .join(tables.pairs, tables.pairs.c.id == tables.pair_members.c.pair_id)
        .where(tables.pairs.c.ended_at.is_(None))
    )
    pairs: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        pairs[row.pair_id].append(row.person_id)
    return dict(pairs)


async def _recent_partners(db: AsyncConnection, history: int) -> dict[int, set[int]]:
    """Each person's partners in their last ``history`` pairings."""
    rows = await db.execute(
        sa.select(tables.pair_members, tables.pairs.c.formed_at)
        .join(tables.pairs, tables.pairs.c.id == tables.pair_members.c.pair_id)
        .order_by(tables.pairs.c.formed_at.desc(), tables.pairs.c.id.desc())
    )
    by_pair: dict[int, list[int]] = defaultdict(list)
    order: list[int] = []
    for row in rows:
        if row.pair_id not in by_pair:
            order.append(row.pair_id)
        by_pair[row.pair_id].append(row.person_id)
    recent: dict[int, set[int]] = defaultdict(set)
    seen: dict[int, int] = defaultdict(int)
    for pair_id in order:
        group = by_pair[pair_id]
        for ref in group:
            if seen[ref] < history:
                recent[ref].update(other for other in group if other != ref)
            seen[ref] += 1
    return recent


async def _end_pair(db: AsyncConnection, pair_id: int, now: datetime) -> None:
    await db.execute(tables.pairs.update().where(tables.pairs.c.id == pair_id).values(ended_at=now))


async def pair_members(
    ctx: Context | JobContext, db: AsyncConnection, *, only_unpaired: bool
) -> list[BuddyPair]:
    """Pair the opted-in people who are not away; introduce each group in a DM.

    :param only_unpaired: keep the current pairs and match only those without one.
    """
    bot = ctx.bot
    now = ctx.now()
    config = bot.plugin_config(PLUGIN)
    opted = list((await db.execute(sa.select(tables.buddies.c.person_id))).scalars())
    away = await away_people(db, now.astimezone(bot.people.default_tz).date())
    current = await current_pairs(db)
    if only_unpaired:
        paired = {ref for group in current.values() for ref in group}
        pool = [ref for ref in opted if ref not in paired and ref not in away]
    else:
        for pair_id in current:
            await _end_pair(db, pair_id, now)
        pool = [ref for ref in opted if ref not in away]
    if len(pool) < 2:
        return []
    found = await people(ctx, db, pool)
    pool = [person_id for person_id in pool if person_id in found]
    if len(pool) < 2:
        return []
    offsets = {
        person_id: (now.astimezone(found[person_id].tz).utcoffset() or timedelta()).total_seconds()
        / 3600
        for person_id in pool
    }
    recent = await _recent_partners(db, config.buddy_history)
    formed = []
    for group in match(sorted(pool), offsets, recent, random.Random()):
        result = await db.execute(tables.pairs.insert().values(formed_at=now))
        key = result.inserted_primary_key
        assert key is not None
        pair_id = int(key[0])
        await db.execute(
            tables.pair_members.insert(),
            [{"pair_id": pair_id, "person_id": person_id} for person_id in group],
        )
        pair = BuddyPair(pair_id, group, now)
        formed.append(pair)
        await _introduce(ctx, db, pair, found)
        fire(ctx, checkin_hooks.buddies_paired, pair=pair)
    return formed


async def _introduce(
    ctx: Any, db: AsyncConnection, pair: BuddyPair, found: Mapping[int, Person]
) -> None:
    for person_id in pair.people:
        person = found[person_id]
        platform = person.dm_account.platform
        others = [found[other] for other in pair.people if other != person_id]
        word = "buddy" if len(others) == 1 else "buddies"
        rows = [
            md(f"Meet your writing {word}! This is who you check in with for the next few weeks:")
        ]
        for other in others:
            local = ctx.now().astimezone(other.tz)
            goal = await load_goal(db, other.id, local.date())
            about = f" — {other.tz.key}, {local:%H:%M} there now"
            if goal is not None:
                about += f"; goal: {describe_goal(goal)}"
            rows.append(md("• ", mention_person(other, platform), about))
        rows.append(md("Say hello and share what you're working on this week."))
        ctx.send_to(person, lines(*rows))


async def _prompt(ctx: JobContext, db: AsyncConnection, pairs: Mapping[int, list[int]]) -> None:
    away = await away_people(db, ctx.now().astimezone(ctx.bot.people.default_tz).date())
    found = await people(ctx, db, {p for group in pairs.values() for p in group})
    for group in pairs.values():
        for person_id in group:
            if person_id in away or person_id not in found:
                continue
            person = found[person_id]
            platform = person.dm_account.platform
            others = [
                mention_person(found[o], platform)
                for o in group
                if o != person_id and o not in away and o in found
            ]
            if not others:
                continue
            parts: list[Any] = ["Weekly buddy check-in: how is the writing going? Send a note to "]
            for index, other in enumerate(others):
                parts.extend([" and " if index else "", other])
            parts.append(" and ask how their week went.")
            ctx.send_to(person, md(*parts))


async def weekly(ctx: JobContext, job: Job) -> None:
    """Every week: re-pair when the rotation is due, pair newcomers, nudge each pair."""
    db = ctx.db
    config = ctx.bot.plugin_config(PLUGIN)
    current = await current_pairs(db)
    last_formed = (
        await db.execute(
            sa.select(sa.func.max(tables.pairs.c.formed_at)).where(
                tables.pairs.c.ended_at.is_(None)
            )
        )
    ).scalar()
    rotation = timedelta(weeks=config.buddy_rotation_weeks) - timedelta(hours=12)
    if not current or last_formed is None or ctx.now() - last_formed >= rotation:
        await pair_members(ctx, db, only_unpaired=False)
        return
    await pair_members(ctx, db, only_unpaired=True)
    await _prompt(ctx, db, current)


async def schedule_weekly(bot: Any) -> None:
    """Schedule the weekly buddy job, replacing it only when its settings changed."""
    config = bot.plugin_config(PLUGIN)
    signature = f"{config.buddy_prompt_day}@{config.buddy_prompt_time}@{bot.people.default_tz.key}"
    if (
        await bot.get_state("checkins:buddy_schedule") == signature
        and await bot.scheduler.next_run(BUDDY_KEY) is not None
    ):
        return
    tz = bot.people.default_tz
    start = datetime.combine(
        bot.clock.now().astimezone(tz).date() - timedelta(days=7),
        time.fromisoformat(config.buddy_prompt_time),
    )
    async with bot.transaction() as tx:
        db = tx.db
        await bot.scheduler.schedule(
            BUDDY_KEY,
            BUDDY_JOB,
            rrule=f"FREQ=WEEKLY;BYDAY={config.buddy_prompt_day.upper()}",
            start=start,
            tz=tz,
            connection=db,
        )
        await bot.set_state("checkins:buddy_schedule", signature, db)


async def _next_round(ctx: Context) -> str:
    """`` (Mon 07 Dec, 10:00 Europe/Berlin)``: when the weekly round is next, in the member's
    own time, so a sign-up knows when to expect a buddy; empty if it is not scheduled."""
    following = await ctx.bot.scheduler.next_run(BUDDY_KEY)
    if following is None:
        return ""
    tz = ctx.person.tz
    return f" ({following.astimezone(tz):%a %d %b, %H:%M} {tz.key})"


async def leave_pairs(db: AsyncConnection, person_id: int, now: datetime) -> list[int]:
    """Take a person out of their current pair; a pair left with one person ends.

    :returns: the partners who are now without a buddy.
    """
    alone: list[int] = []
    for pair_id, group in (await current_pairs(db)).items():
        if person_id not in group:
            continue
        await db.execute(
            tables.pair_members.delete().where(
                tables.pair_members.c.pair_id == pair_id,
                is_person(tables.pair_members, person_id),
            )
        )
        rest = [other for other in group if other != person_id]
        if len(rest) < 2:
            await _end_pair(db, pair_id, now)
            alone.extend(rest)
    return alone


def describe_pairing(formed: Sequence[BuddyPair]) -> str:
    """``Paired 5 members: 1 pair and 1 trio`` (groups are pairs, with at most one trio)."""
    members = sum(len(pair.people) for pair in formed)
    sizes = [len(pair.people) for pair in formed]
    kinds = [
        plural(sizes.count(2), "pair"),
        plural(sizes.count(3), "trio"),
    ]
    shown = [kind for kind, size in zip(kinds, (2, 3), strict=True) if size in sizes]
    return f"Paired {members} members: {' and '.join(shown)}"


# --- the buddy command -------------------------------------------------------------------------


async def buddy_join(ctx: Context) -> None:
    """``buddy join``: sign up for the weekly pairing."""
    person_id = ctx.person.id
    async with ctx.transaction() as db:
        exists = (
            await db.execute(sa.select(tables.buddies).where(is_person(tables.buddies, person_id)))
        ).first()
        if exists is not None:
            raise UserError("You're already signed up for writing buddies.")
        await db.execute(tables.buddies.insert().values(person_id=person_id, joined_at=ctx.now()))
    ctx.reply(
        "You're signed up! I'll pair you with a writing buddy at the next weekly round"
        f"{await _next_round(ctx)} and introduce you in a direct message."
    )


async def buddy_leave(ctx: Context) -> None:
    """``buddy leave``: stop being paired; a partner left alone is told."""
    person_id = ctx.person.id
    prefix = ctx.bot.config.commands.prefix
    async with ctx.transaction() as db:
        removed = await db.execute(
            tables.buddies.delete().where(is_person(tables.buddies, person_id))
        )
        if not removed.rowcount:
            raise UserError("You're not signed up for writing buddies.")
        alone = await leave_pairs(db, person_id, ctx.now())
        for other in (await people(ctx, db, alone)).values():
            ctx.send_to(
                other,
                "Your writing buddy has stepped back; I'll pair you with someone new at the "
                "next weekly round.",
            )
    ctx.reply(
        md(
            "You've left writing buddies. Rejoin any time with ",
            code(f"{prefix}buddy join"),
            ".",
        )
    )


async def buddy_pair(ctx: Context) -> None:
    """``buddy pair`` (organisers): pair everyone who signed up now."""
    async with ctx.transaction() as db:
        formed = await pair_members(ctx, db, only_unpaired=False)
    if not formed:
        raise UserError(
            "Fewer than two members are signed up (and not away), so nobody was paired."
        )
    ctx.reply(f"{describe_pairing(formed)}; everyone got an introduction.")


async def buddy_status(ctx: Context) -> None:
    """``buddy`` alone: whether you signed up and who your buddies are."""
    person_id = ctx.person.id
    prefix = ctx.bot.config.commands.prefix
    async with ctx.bot.read() as db:
        opted = (
            await db.execute(sa.select(tables.buddies).where(is_person(tables.buddies, person_id)))
        ).first()
        mine = [g for g in (await current_pairs(db)).values() if person_id in g]
        found = await people(ctx, db, [o for g in mine for o in g if o != person_id])
        names = {pid: person.display_name for pid, person in found.items()}
    if opted is None:
        ctx.reply(
            md(
                "Writing buddies check in with each other every week. Join with ",
                code(f"{prefix}buddy join"),
                ".",
            )
        )
    elif not mine:
        ctx.reply(
            "You're signed up and waiting to be paired at the next weekly round"
            f"{await _next_round(ctx)}."
        )
    else:
        buddies = list(names.values())
        label = "Your writing buddy: " if len(buddies) == 1 else "Your writing buddies: "
        ctx.reply(
            md(
                label,
                bold(" and ".join(buddies)),
                ". Leave with ",
                code(f"{prefix}buddy leave"),
                ".",
            )
        )

"""The messages that show an event with its buttons, and their edits in place.

A post leaves after the transaction that created it commits; a background task then waits for
its ``Sent`` (the platform's message id) and records it in ``events_posts``. Every later change
(an answer, a promotion, a new time, a cancellation) edits each recorded post. Answers given
before a post was recorded are caught up: the task edits the post once if it is stale by then.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from salon.core import Bot, Context, Markup, Outbound, SalonError, SendHandle, SpaceRef, Transaction
from salon.core.storage import AsyncConnection, sa
from salon.plugins.events import render, store, tables
from salon.plugins.events.store import Stored
from salon.plugins.events.timing import describe_repeat

#: What sends: a handler's context, a hook's transaction or a job's context.
Effects = Context | Transaction


async def repeat_of(db: AsyncConnection, stored: Stored) -> str:
    """``every Tuesday`` for an occurrence of a series, ``""`` otherwise."""
    if stored.event.series_id is None:
        return ""
    rule = (
        await db.execute(
            sa.select(tables.series.c.rrule).where(tables.series.c.id == stored.event.series_id)
        )
    ).scalar()
    return describe_repeat(rule) if rule else ""


async def body(bot: Bot, db: AsyncConnection, stored: Stored) -> Markup:
    """The post as it should read now, in the community's zone."""
    answers = await store.rsvps(db, stored.event.id)
    going = [a.person_id for a in answers if a.answer == store.GOING]
    people = await bot.people.many(going, db)
    return render.post(
        stored.event,
        answers,
        people,
        community_zone(bot),
        repeat=await repeat_of(db, stored),
        sprint_minutes=stored.sprint_minutes,
    )


def community_zone(bot: Bot) -> ZoneInfo:
    return ZoneInfo(bot.config.community.timezone)


async def publish(tx: Effects, db: AsyncConnection, stored: Stored) -> int:
    """Post the event to its spaces (with buttons) and mark it posted; returns how many."""
    bot = tx.bot
    text = await body(bot, db, stored)
    handles = [
        tx.send_to_space(space, text, buttons=render.buttons(stored.event))
        for space in stored.spaces
    ]
    await db.execute(
        tables.events.update().where(tables.events.c.id == stored.event.id).values(is_posted=True)
    )
    track(tx, stored.event.id, handles, text)
    return len(handles)


def track(tx: Effects, event_id: int, handles: Sequence[SendHandle], text: Markup) -> None:
    """Record the posts once delivered (after the commit), to edit them later."""
    bot = tx.bot
    if handles:
        tx.after_commit(
            lambda: bot.tasks.spawn(_record(bot, event_id, handles, text), "events.record-posts")
        )


async def _record(bot: Bot, event_id: int, handles: Sequence[SendHandle], text: Markup) -> None:
    sent = []
    for handle in handles:
        try:
            sent.append(await handle.sent())
        except SalonError:
            continue  # not delivered: nothing to edit later (the failure was reported)
    if not sent:
        return
    async with bot.transaction() as tx:
        for item in sent:
            await tx.db.execute(
                tables.posts.insert().values(
                    event_id=event_id,
                    platform=item.space.platform,
                    space_id=item.space.id,
                    message_id=item.message_id,
                )
            )
        stored = await store.find(tx.db, event_id)
        if stored is not None and await body(bot, tx.db, stored) != text:
            await refresh(tx, tx.db, stored)


async def refresh(tx: Effects, db: AsyncConnection, stored: Stored) -> int:
    """Edit every recorded post of the event to show it as it is now; returns how many."""
    rows = (
        await db.execute(sa.select(tables.posts).where(tables.posts.c.event_id == stored.event.id))
    ).all()
    if not rows:
        return 0
    text = await body(tx.bot, db, stored)
    for row in rows:
        tx.send(
            Outbound(
                text,
                space=SpaceRef(row.platform, row.space_id),
                buttons=render.buttons(stored.event),
                edit_of=row.message_id,
            )
        )
    return len(rows)

"""Posting a prompt in spaces: pick it, store the posting, send it, and once it is out
remember the platform's message id (thread replies refer to it) and fire ``prompt_posted``."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from salon.core import (
    Bot,
    Markup,
    Prompt,
    SalonError,
    SendHandle,
    SpaceRef,
    bold,
    code,
    italic,
    lines,
    md,
    quote,
)
from salon.core.hookspecs import prompts as prompt_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.prompts import tables
from salon.plugins.prompts.picking import pick, space_scope
from salon.plugins.prompts.sources import Sources
from salon.plugins.prompts.store import insert

_SOURCES: weakref.WeakKeyDictionary[Bot, Sources] = weakref.WeakKeyDictionary()


def sources_of(bot: Bot) -> Sources:
    """This bot's prompt sources (collected at startup)."""
    found = _SOURCES.get(bot)
    if found is None:
        found = _SOURCES[bot] = Sources()
        found.collect(bot)
    return found


async def pool_of(
    bot: Bot, db: AsyncConnection, tag: str | None = None
) -> list[tuple[int, Prompt]]:
    """Every prompt on offer (with a ``tag``, only those), with its source's priority."""
    found = await sources_of(bot).prompts(bot, db)
    return [(priority, p) for priority, p in found if tag is None or tag in p.tags]


def prompt_of(row: Any) -> Prompt:
    """The prompt a posting posted, as it was then."""
    return Prompt(row.prompt_id, row.text, row.source, tuple(row.tags))


def describe_tags(prompt: Prompt) -> str:
    return f" · {', '.join(prompt.tags)}" if prompt.tags else ""


def prompt_message(bot: Bot, posting_id: int, prompt: Prompt, space: SpaceRef) -> Markup:
    """What a space sees: the prompt and how to respond where it is posted."""
    prefix = bot.config.commands.prefix
    if bot.capabilities(space.platform).threads:
        how = md(
            italic("Reply to this message (in its thread) to respond, or send me "),
            code(f"respond #{posting_id} your piece"),
            italic(" in a direct message."),
        )
    else:
        how = md(
            italic("Respond with "),
            code(f"{prefix}respond #{posting_id} your piece"),
            italic(" here, or in a direct message to me (add anonymously to leave your name off)."),
        )
    return lines(
        md(bold(f"Writing prompt #{posting_id}"), describe_tags(prompt)), quote(prompt.text), how
    )


async def post_prompt(
    bot: Bot,
    db: AsyncConnection,
    effects: Any,
    spaces: Sequence[SpaceRef],
    *,
    tag: str | None = None,
    schedule_id: int | None = None,
    run: str | None = None,
) -> Prompt | None:
    """Post the next prompt in ``spaces`` (in ``db``'s transaction, sending through
    ``effects``: a ``Context`` or a ``JobContext``); ``None`` if there is none to post."""
    if run is not None:
        query = sa.select(tables.postings.c.id).where(tables.postings.c.run == run)
        done = (await db.execute(query)).first()
        if done is not None:
            return None  # this scheduled run already posted
    pool = await pool_of(bot, db, tag)
    now = bot.clock.now()
    prompt = await pick(db, pool, [space_scope(space) for space in spaces], now)
    if prompt is None:
        return None
    posted: list[tuple[int, SpaceRef, SendHandle]] = []
    for space in spaces:
        posting_id = await insert(
            db,
            tables.postings.insert().values(
                schedule_id=schedule_id,
                run=run,
                prompt_id=prompt.id,
                source=prompt.source,
                text=prompt.text,
                tags=list(prompt.tags),
                space_platform=space.platform,
                space_id=space.id,
                posted_at=now,
            ),
        )
        handle = effects.send_to_space(space, prompt_message(bot, posting_id, prompt, space))
        posted.append((posting_id, space, handle))

    async def after() -> None:
        bot.tasks.spawn(_remember_messages(bot, posted), f"prompts:postings:{posted[0][0]}")
        for posting_id, space, _ in posted:
            await bot.notify(
                prompt_hooks.prompt_posted,
                prompt=prompt,
                posting_id=posting_id,
                space=space,
                bot=bot,
            )

    effects.after_commit(after)
    return prompt


async def _remember_messages(bot: Bot, posted: list[tuple[int, SpaceRef, SendHandle]]) -> None:
    """Once the prompts are delivered, store their message ids (one transaction for all), so
    replies in their threads count."""
    delivered: list[tuple[int, str]] = []
    for posting_id, _, handle in posted:
        try:
            delivered.append((posting_id, (await handle.sent()).message_id))
        except SalonError:
            continue  # not delivered: members can still answer with respond
    if not delivered:
        return
    async with bot.transaction() as tx:
        for posting_id, message_id in delivered:
            await tx.db.execute(
                tables.postings.update()
                .where(tables.postings.c.id == posting_id)
                .values(message_id=message_id)
            )

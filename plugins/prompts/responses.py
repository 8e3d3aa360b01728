"""Responses: a reply in a prompt's thread (or a reply to it, on Telegram and Matrix), or
``respond`` (in a DM it is posted under the prompt, optionally without the member's name).

One response per person and posting counts; it is stored in the transaction that records the
inbound event, so a redelivered message is not counted twice, and ``prompt_responded`` fires
after the commit.
"""

from __future__ import annotations

import re
from typing import Any

from salon.core import (
    Context,
    Message,
    Outbound,
    Person,
    PromptResponse,
    SpaceRef,
    UserError,
    bold,
    lines,
    md,
    quote,
)
from salon.core.hookspecs import prompts as prompt_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.prompts import tables
from salon.plugins.prompts.posting import prompt_of
from salon.plugins.prompts.store import insert

_NUMBER = re.compile(r"^#?(\d+)$")
_ANONYMOUS = ("anonymously", "anonymous", "anon")


def words_in(text: str) -> int:
    return len(text.split())


async def _posting(db: AsyncConnection, posting_id: int) -> Any:
    query = sa.select(tables.postings).where(tables.postings.c.id == posting_id)
    return (await db.execute(query)).first()


async def _latest(db: AsyncConnection, space: SpaceRef | None) -> Any:
    query = sa.select(tables.postings).order_by(
        tables.postings.c.posted_at.desc(), tables.postings.c.id.desc()
    )
    if space is not None:
        query = query.where(
            tables.postings.c.space_platform == space.platform,
            tables.postings.c.space_id == space.id,
        )
    return (await db.execute(query.limit(1))).first()


async def _already(db: AsyncConnection, posting_id: int, person_id: int) -> Any:
    query = sa.select(tables.responses).where(
        tables.responses.c.posting_id == posting_id, tables.responses.c.person_id == person_id
    )
    return (await db.execute(query)).first()


async def _store(
    ctx: Context,
    db: AsyncConnection,
    posting: Any,
    text: str,
    *,
    anonymous: bool,
    via: str,
) -> PromptResponse:
    now = ctx.now()
    space = SpaceRef(posting.space_platform, posting.space_id)
    words = words_in(text)
    response_id = await insert(
        db,
        tables.responses.insert().values(
            posting_id=posting.id,
            person_id=ctx.person.id,
            text=text,
            words=words,
            is_anonymous=anonymous,
            via=via,
            space_platform=space.platform,
            space_id=space.id,
            responded_at=now,
        ),
    )
    response = PromptResponse(
        response_id, posting.id, posting.prompt_id, ctx.person.id, words, now, space, anonymous
    )
    prompt, person, bot = prompt_of(posting), ctx.person, ctx.bot

    async def fire() -> None:
        await bot.notify(
            prompt_hooks.prompt_responded,
            response=response,
            prompt=prompt,
            person=person,
            community=bot.community,
            bot=bot,
        )

    ctx.after_commit(fire)
    return response


async def thread_reply(message: Message, ctx: Context) -> bool | None:
    """A group message in a prompt's thread (or replying to it) counts as a response."""
    refs = {ref for ref in (message.thread_id, message.reply_to) if ref}
    if not refs or message.space.is_direct:
        return None
    space = message.space.ref
    minimum = ctx.bot.plugin_config("prompts").thread_min_words
    if words_in(message.text) < minimum:
        return None  # conversation under the prompt, not a piece
    async with ctx.bot.read() as db:
        posting = (
            await db.execute(
                sa.select(tables.postings).where(
                    tables.postings.c.space_platform == space.platform,
                    tables.postings.c.space_id == space.id,
                    tables.postings.c.message_id.in_(sorted(refs)),
                )
            )
        ).first()
        if posting is None or await _already(db, posting.id, ctx.person.id) is not None:
            return None
    async with ctx.transaction() as db:
        await _store(ctx, db, posting, message.text.strip(), anonymous=False, via="thread")
    return True


def _parse(text: str | None) -> tuple[int | None, bool, str]:
    words = (text or "").split(maxsplit=1)
    number = None
    if words and _NUMBER.match(words[0]):
        number = int(_NUMBER.match(words[0]).group(1))  # type: ignore[union-attr]
        words = words[1].split(maxsplit=1) if len(words) > 1 else []
    anonymous = bool(words) and words[0].lower() in _ANONYMOUS
    if anonymous:
        words = words[1:]
    return number, anonymous, " ".join(words).strip()


async def respond(ctx: Context, text: str | None = None) -> None:
    number, anonymous, body = _parse(text)
    prefix = ctx.bot.config.commands.prefix
    if not body:
        raise UserError(
            f"Write your piece after respond, e.g. {prefix}respond The key was cold in my hand…"
            f" (or {prefix}respond #12 … for prompt #12)."
        )
    if anonymous and not ctx.bot.plugin_config("prompts").allow_anonymous:
        raise UserError("Anonymous responses are switched off here.")
    if anonymous and not ctx.space.is_direct:
        raise UserError("To respond anonymously, send it to me in a direct message.")
    here = None if ctx.space.is_direct else ctx.space.ref
    async with ctx.transaction() as db:
        if number is not None:
            posting = await _posting(db, number)
            if posting is None:
                raise UserError(f"There is no prompt #{number}.")
        else:
            posting = await _latest(db, here)
            if posting is None:
                raise UserError(
                    "There is no prompt to respond to yet; ask for one with prompt."
                    if here is None
                    else "No prompt has been posted here yet; organisers can post one with "
                    "prompts now."
                )
        space = SpaceRef(posting.space_platform, posting.space_id)
        if here is not None and space != here:
            raise UserError(
                f"Prompt #{posting.id} was posted in {ctx.bot.spaces.label(space)}; respond "
                "there, or send it to me in a direct message."
            )
        earlier = await _already(db, posting.id, ctx.person.id)
        if earlier is not None:
            raise UserError(
                f"You already responded to prompt #{posting.id} "
                f"({earlier.responded_at:%d %b}); one response per prompt counts."
            )
        response = await _store(ctx, db, posting, body, anonymous=anonymous, via="respond")
        if here is None:
            _post_under(ctx, posting, space, body, None if anonymous else ctx.person)
    label = ctx.bot.spaces.label(space)
    if here is None:
        shown = "without your name" if anonymous else "with your name"
        ctx.reply(
            f"Posted under prompt #{posting.id} in {label} ({shown}); "
            f"{response.words} words. Thank you for writing!"
        )
    else:
        ctx.reply(f"Counted: your response to prompt #{posting.id}, {response.words} words.")


def _post_under(
    ctx: Context, posting: Any, space: SpaceRef, body: str, person: Person | None
) -> None:
    """Post a response under the prompt: as a reply to its message, which Slack shows in its
    thread and Telegram and Matrix as a reply (``thread_id`` would name a Telegram forum
    topic, not a message). Without the message's id (not yet known), a plain message."""
    who = person.display_name if person is not None else "Someone (anonymously)"
    ctx.send(
        Outbound(
            lines(md(bold(who), f" responded to prompt #{posting.id}:"), quote(body)),
            space=space,
            reply_to=posting.message_id,
        )
    )

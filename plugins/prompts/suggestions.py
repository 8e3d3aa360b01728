"""Prompts from the group: ``prompts add`` (organisers) and ``prompt suggest`` (members),
which organisers approve or reject with a button.

Organisers are told about a suggestion in a direct message stored in the durable outbox with
the suggestion itself, so a crash cannot lose the notice. A press is applied once: a second
press (or another organiser's) is told who decided already.
"""

from __future__ import annotations

import re
from typing import Any

from salon.core import (
    Button,
    ButtonPress,
    Context,
    Person,
    UserError,
    bold,
    bullets,
    lines,
    md,
    quote,
)
from salon.core.storage import AsyncConnection, sa
from salon.plugins.prompts import tables
from salon.plugins.prompts.store import insert

DECIDE_ACTION = "prompts.decide"
MAX_LENGTH = 1000
_TAGS = re.compile(r"^([a-z][a-z0-9-]*(?:,[a-z][a-z0-9-]*)*):\s+", re.IGNORECASE)


def split_tags(text: str) -> tuple[tuple[str, ...], str]:
    """``"poetry,nature: A poem about…"`` → ``(("poetry", "nature"), "A poem about…")``."""
    text = " ".join(text.split())
    match = _TAGS.match(text)
    if match is None:
        return (), text
    tags = tuple(dict.fromkeys(tag.lower() for tag in match.group(1).split(",")))
    return tags, text[match.end() :]


def _checked(text: str | None, example: str) -> tuple[tuple[str, ...], str]:
    tags, body = split_tags(text or "")
    if len(body.split()) < 3:
        raise UserError(f"Write the prompt itself (a few words at least), e.g. {example}")
    if len(body) > MAX_LENGTH:
        raise UserError(
            f"A prompt can be at most {MAX_LENGTH} characters; this one has {len(body)}."
        )
    return tags, body


async def add(ctx: Context, text: str | None = None) -> None:
    tags, body = _checked(text, "prompts add poetry: A poem about a door left open.")
    async with ctx.transaction() as db:
        added_id = await insert(
            db,
            tables.added.insert().values(
                text=body, tags=list(tags), person_id=ctx.person.id, added_at=ctx.now()
            ),
        )
    tagged = f" (tags: {', '.join(tags)})" if tags else ""
    ctx.reply(
        md(
            bold(f"Added prompt organiser:{added_id}"),
            f"{tagged}. The group's own prompts are posted before the built-in ones.",
        )
    )


async def suggest(ctx: Context, text: str | None = None) -> None:
    if not ctx.bot.plugin_config("prompts").allow_suggestions:
        raise UserError("Suggestions are switched off here; ask an organiser to add the prompt.")
    tags, body = _checked(text, "prompt suggest memoir: The first meal you cooked alone.")
    async with ctx.transaction() as db:
        suggestion_id = await insert(
            db,
            tables.suggestions.insert().values(
                person_id=ctx.person.id,
                text=body,
                tags=list(tags),
                status="pending",
                suggested_at=ctx.now(),
            ),
        )
        told = await _tell_organisers(ctx, db, suggestion_id, ctx.person, body, tags)
    if told:
        ctx.reply(
            "Thank you! I've sent your prompt to the organisers; I'll tell you when they decide."
        )
    else:  # no organisers named in community.organisers to write to
        ctx.reply(
            "Thank you! I've saved your prompt; the organisers see it with prompts suggestions, "
            "and I'll tell you when they decide."
        )


def _buttons(suggestion_id: int) -> tuple[Button, ...]:
    return (
        Button("Approve", DECIDE_ACTION, f"{suggestion_id}:approve"),
        Button("Reject", DECIDE_ACTION, f"{suggestion_id}:reject"),
    )


def _notice(suggestion_id: int, name: str, body: str, tags: tuple[str, ...]) -> Any:
    tagged = f" (tags: {', '.join(tags)})" if tags else ""
    return lines(
        md(bold(f"Prompt suggestion #{suggestion_id}"), f" from {name}{tagged}:"),
        quote(body),
    )


async def _tell_organisers(
    ctx: Context,
    db: AsyncConnection,
    suggestion_id: int,
    author: Person,
    body: str,
    tags: tuple[str, ...],
) -> int:
    """Write to every organiser named in the configuration; how many were written to."""
    told: set[int] = set()
    count = 0
    for ref in sorted(ctx.bot.config.organiser_refs(), key=str):
        person = await ctx.bot.people.of(ref, db)
        notice = _notice(suggestion_id, author.display_name, body, tags)
        if person is None:
            ctx.send_direct(ref, notice, buttons=_buttons(suggestion_id))
            count += 1
        elif person.id not in told:
            told.add(person.id)
            ctx.send_to(person, notice, buttons=_buttons(suggestion_id))
            count += 1
    return count


async def pending(ctx: Context) -> None:
    async with ctx.bot.read() as db:
        rows = (
            await db.execute(
                sa.select(tables.suggestions)
                .where(tables.suggestions.c.status == "pending")
                .order_by(tables.suggestions.c.id)
            )
        ).all()
        authors = await ctx.bot.people.many({r.person_id for r in rows}, db)
    if not rows:
        ctx.reply("No suggestions are waiting.")
        return
    for row in rows:
        author = authors.get(row.person_id)
        name = author.display_name if author else "a former member"
        ctx.reply(_notice(row.id, name, row.text, tuple(row.tags)), buttons=_buttons(row.id))


async def decide(ctx: Context, press: ButtonPress) -> None:
    if not ctx.member.is_organiser:
        raise UserError("Only organisers can approve or reject suggestions.")
    number, _, verdict = press.value.partition(":")
    if not number.isdigit() or verdict not in ("approve", "reject"):
        raise UserError("That button is not one I know.")
    async with ctx.transaction() as db:
        row = await _load(db, int(number))
        if row is None:
            raise UserError("That suggestion is gone (its author asked to be forgotten).")
        if row.status != "pending":
            who = await ctx.bot.people.get(row.decided_by, db) if row.decided_by else None
            by = f" by {who.display_name}" if who else ""
            raise UserError(f"Suggestion #{row.id} was already {row.status}{by}.")
        status = "approved" if verdict == "approve" else "rejected"
        await db.execute(
            tables.suggestions.update()
            .where(tables.suggestions.c.id == row.id)
            .values(status=status, decided_by=ctx.person.id, decided_at=ctx.now())
        )
        author = await ctx.bot.people.get(row.person_id, db)
        if author is not None:
            ctx.send_to(author, _verdict_for_author(status, row.text))
        if press.message_id is not None:
            name = author.display_name if author else "a former member"
            ctx.edit(
                press.message_id,
                lines(
                    _notice(row.id, name, row.text, tuple(row.tags)),
                    md(bold(status.capitalize()), f" by {ctx.person.display_name}."),
                ),
            )
    ctx.reply(f"Suggestion #{row.id} {status}.")


def _verdict_for_author(status: str, text: str) -> Any:
    if status == "approved":
        head = "Your prompt suggestion was approved; it will come up in a scheduled prompt soon:"
    else:
        head = "The organisers decided not to use this prompt suggestion. Thank you for it:"
    return lines(head, quote(text))


async def _load(db: AsyncConnection, suggestion_id: int) -> Any:
    query = sa.select(tables.suggestions).where(tables.suggestions.c.id == suggestion_id)
    return (await db.execute(query)).first()


async def own_prompts(ctx: Context) -> None:
    """``prompts own``: the group's prompts (added and approved), with the ids to remove them."""
    async with ctx.bot.read() as db:
        added = (await db.execute(sa.select(tables.added).order_by(tables.added.c.id))).all()
        approved = (
            await db.execute(
                sa.select(tables.suggestions)
                .where(tables.suggestions.c.status == "approved")
                .order_by(tables.suggestions.c.id)
            )
        ).all()
    items = [f"organiser:{row.id}: {row.text}" for row in added]
    items += [f"suggestions:{row.id}: {row.text}" for row in approved]
    if not items:
        ctx.reply("The group has no prompts of its own yet; add one with prompts add.")
        return
    ctx.reply(lines(md(bold("The group's own prompts")), bullets(*items)))


async def remove(ctx: Context, prompt_id: str) -> None:
    """``prompts remove organiser:3``: never post that prompt again (postings stay)."""
    source, _, number = prompt_id.lower().partition(":")
    if source not in ("organiser", "suggestions") or not number.isdigit():
        raise UserError(
            "Give the id of one of the group's own prompts, e.g. prompts remove organiser:3 "
            "(prompts own lists them; the built-in ones are switched off with "
            "[plugins.prompts] sources)."
        )
    async with ctx.transaction() as db:
        if source == "organiser":
            table = tables.added
            done = await db.execute(table.delete().where(table.c.id == int(number)))
        else:
            table = tables.suggestions
            done = await db.execute(
                table.update()
                .where(table.c.id == int(number), table.c.status == "approved")
                .values(status="removed", decided_by=ctx.person.id, decided_at=ctx.now())
            )
        if done.rowcount != 1:
            raise UserError(f"There is no prompt {source}:{number}; prompts own lists them.")
    ctx.reply(f"Removed prompt {source}:{number}; it will not be posted again.")

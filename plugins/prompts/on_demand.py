"""``prompt`` (optionally ``prompt poetry``): a prompt for the member who asks, never one
they were given before until they have had them all; and ``prompts sources``."""

from __future__ import annotations

from collections import Counter

from salon.core import Context, UserError, bold, bullets, italic, lines, md, quote, shorten
from salon.plugins.prompts.picking import known_tags, person_scope, pick
from salon.plugins.prompts.posting import describe_tags, pool_of, sources_of


async def give_prompt(ctx: Context, tag: str | None = None) -> None:
    wanted = tag.lower().lstrip("#") if tag else None
    async with ctx.transaction() as db:
        everything = await pool_of(ctx.bot, db)
        pool = [(priority, p) for priority, p in everything if wanted is None or wanted in p.tags]
        if not pool:
            if wanted is None:
                raise UserError(
                    "There are no prompts yet; organisers can add some with prompts add."
                )
            raise UserError(
                f"I have no prompts tagged '{shorten(wanted)}'. Try one of: "
                f"{', '.join(known_tags(everything))}."
            )
        prompt = await pick(db, pool, [person_scope(ctx.person.id)], ctx.now())
    assert prompt is not None
    prefix = "" if ctx.space.is_direct else ctx.bot.config.commands.prefix
    ctx.reply(
        lines(
            md(bold("A prompt for you"), describe_tags(prompt)),
            quote(prompt.text),
            md(italic(f"Another: {prefix}prompt. Have a good one? {prefix}prompt suggest …")),
        )
    )


async def list_sources(ctx: Context) -> None:
    async with ctx.bot.read() as db:
        counts = Counter(p.source for _, p in await pool_of(ctx.bot, db))
    enabled = {s.name for s in sources_of(ctx.bot).enabled(ctx.bot)}
    items = []
    for source in sources_of(ctx.bot).by_name.values():
        state = f"{counts[source.name]} prompts" if source.name in enabled else "not used"
        about = f": {source.description}" if source.description else ""
        items.append(f"{source.name} ({state}, priority {source.priority}){about}")
    ctx.reply(lines(md(bold("Prompt sources")), bullets(*items)))

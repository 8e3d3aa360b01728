"""``sprint stats``: your totals and best speed, and this space's all-time board."""

from __future__ import annotations

from salon.core import Context, bold, lines, md
from salon.plugins.sprints import results
from salon.plugins.sprints.arena import arena_of
from salon.plugins.sprints.store import name_of, people_of, plural


async def stats_command(ctx: Context) -> None:
    async with ctx.bot.read() as db:
        count, total, best, best_wpm = await results.personal(db, ctx.person.id)
        board = (
            []
            if ctx.space.is_direct
            else await results.board(db, arena_of(ctx.bot, ctx.space.ref).key)
        )
        found = await people_of(ctx.bot, db, [pid for pid, _w, _n in board])
    if count:
        rows = [
            md(
                bold("Your sprints: "),
                f"{plural(count, 'sprint')}, {plural(total, 'word')}; best {best:,} words, "
                f"fastest {best_wpm:g} wpm.",
            )
        ]
    else:
        rows = [md("You have no finished sprints yet; start one with sprint 20.")]
    if board:
        rows.append(md(bold("All-time board here:")))
        shared = results.places([float(words) for _pid, words, _n in board])
        for (pid, words, sprints), place in zip(board, shared, strict=True):
            rows.append(
                md(
                    f"{place}. ",
                    name_of(found, pid),
                    f": {plural(words, 'word')} in {plural(sprints, 'sprint')}",
                )
            )
    ctx.reply(lines(*rows))

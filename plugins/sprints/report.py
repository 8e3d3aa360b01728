"""``sprint wc``: a member's count after the sprint, with a check on implausible speeds."""

from __future__ import annotations

from typing import Any

from salon.core import Button, ButtonPress, Context, UserError, bold, md
from salon.core.storage import AsyncConnection
from salon.plugins.sprints import lifecycle, tables
from salon.plugins.sprints.arena import arena_of
from salon.plugins.sprints.parsing import Count, parse_count
from salon.plugins.sprints.results import wpm
from salon.plugins.sprints.store import PLUGIN, active_in, entry_of, joined_active, load, plural

CONFIRM_ACTION = "sprints.confirm"


async def _reporting_sprint(ctx: Context, db: AsyncConnection) -> Any:
    if ctx.space.is_direct:
        row = await joined_active(db, ctx.person.id)
    else:
        row = await active_in(db, arena_of(ctx.bot, ctx.space.ref).key)
        if row is None or await entry_of(db, row.id, ctx.person.id) is None:
            # Sent here, but the member's sprint may be another arena's.
            row = await joined_active(db, ctx.person.id) or row
    if row is None:
        raise UserError(
            "No sprint is taking counts right now (a sprint's results close a few minutes "
            "after it ends)."
        )
    return row


def _check_taking_counts(ctx: Context, row: Any) -> None:
    if row.status == "waiting":
        raise UserError(f"Sprint #{row.id} hasn't started yet; send your count when it ends.")
    if row.status == "running":
        left = lifecycle.minutes_until(ctx.now(), row.ends_at)
        raise UserError(
            f"Sprint #{row.id} is still on ({plural(left, 'minute')} left); "
            "send your count when it ends."
        )


def _words(entry: Any, count: Count) -> tuple[int, int | None]:
    """``(words written, end count)`` from what the member sent."""
    if count.is_words or entry.start_count is None:
        end = None if entry.start_count is None else entry.start_count + count.value
        return count.value, end
    if count.value < entry.start_count:
        raise UserError(
            f"You started at {entry.start_count:,} words, more than {count.value:,}. Send the "
            f"words you wrote as sprint wc +{count.value:,}, if that's what you meant."
        )
    return count.value - entry.start_count, count.value


async def report(ctx: Context, count: str) -> None:
    parsed = parse_count(count)
    async with ctx.transaction() as db:
        row = await _reporting_sprint(ctx, db)
        entry = await entry_of(db, row.id, ctx.person.id)
        if entry is None:
            raise UserError(f"You aren't in sprint #{row.id}; sprint join to take part.")
        _check_taking_counts(ctx, row)
        words, end_count = _words(entry, parsed)
        speed = wpm(words, entry.minutes)
        limit = ctx.bot.plugin_config(PLUGIN).confirm_wpm
        if speed > limit and entry.pending_words != words:
            await _hold(db, row.id, ctx.person.id, words, end_count)
            ctx.reply(
                md(
                    f"{words:,} words in {plural(entry.minutes, 'minute')} is {speed:g} words "
                    "a minute. Is that right? Press the button, or send the same count again."
                ),
                buttons=(Button(f"Yes, {words:,} words", CONFIRM_ACTION, f"{row.id}:{words}"),),
            )
            return
        done = await _record(ctx, db, row, ctx.person.id, words, end_count)
    _reply_recorded(ctx, row, words, speed, done)


async def _hold(
    db: AsyncConnection, sprint_id: int, person_id: int, words: int, end: int | None
) -> None:
    await db.execute(
        tables.entries.update()
        .where(tables.entries.c.sprint_id == sprint_id, tables.entries.c.person_id == person_id)
        .values(pending_words=words, pending_end=end)
    )


async def _record(
    ctx: Context, db: AsyncConnection, row: Any, person_id: int, words: int, end: int | None
) -> bool:
    """Store the count; close the results early once everyone has reported."""
    await db.execute(
        tables.entries.update()
        .where(tables.entries.c.sprint_id == row.id, tables.entries.c.person_id == person_id)
        .values(
            words=words,
            end_count=end,
            mode="count",
            pending_words=None,
            pending_end=None,
            reported_at=ctx.now(),
        )
    )
    if await lifecycle.all_reported(db, row.id):
        await lifecycle.close(ctx, db, row)
        return True
    return False


def _reply_recorded(ctx: Context, row: Any, words: int, speed: float, closed: bool) -> None:
    if closed:
        return  # the results, posted now, show it
    ctx.reply(
        md(
            "Got it: ",
            bold(plural(words, "word")),
            f" in sprint #{row.id} ({speed:g} wpm). Results when everyone has reported "
            "or the time is up.",
        )
    )


async def confirm(ctx: Context, press: ButtonPress) -> None:
    sprint_id, _, words_text = press.value.partition(":")
    if not sprint_id.isdigit() or not words_text.isdigit():
        raise UserError("That button no longer works; send sprint wc again.")
    words = int(words_text)
    async with ctx.transaction() as db:
        row = await load(db, int(sprint_id))
        if row is None or row.status != "reporting":
            raise UserError("That sprint is no longer taking counts.")
        entry = await entry_of(db, row.id, ctx.person.id)
        if entry is None or entry.pending_words != words:
            raise UserError("That count is not waiting to be confirmed; send sprint wc again.")
        done = await _record(ctx, db, row, ctx.person.id, words, entry.pending_end)
    _reply_recorded(ctx, row, words, wpm(words, entry.minutes), done)

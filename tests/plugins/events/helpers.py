"""Shared helpers for the events plugin's tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from salon.core import Button
from salon.core.memory_adapter import Delivered
from salon.core.storage import sa
from salon.core.testing import SalonHarness
from salon.plugins.events import tables

#: Tuesday 3 March 2026, 19:00 London (GMT): before both DST changes of 2026.
FIRST_TUESDAY = "2026-03-03 19:00"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


async def create_event(harness: SalonHarness, as_: str = "olive", **values: str) -> list[Delivered]:
    """``event create`` in #general, answered all at once through the form."""
    replies = await harness.send("!event create", as_=as_)
    form = next(d.outbound.form for d in replies if d.outbound.form is not None)
    answers = {"title": "Poetry workshop", "when": FIRST_TUESDAY, "length": "1h30"} | values
    done = await harness.submit(form, answers, as_=as_, dm=True)
    await settle(harness)
    return done


async def settle(harness: SalonHarness) -> None:
    """Let background work (recording posts, their catch-up edits) finish and deliver."""
    await harness.bot.tasks.settle(5)
    await harness.bot.outbound.drain()
    await harness.bot.outbox.settle()
    harness.check_errors()


async def press(harness: SalonHarness, post: Delivered, label: str, as_: str) -> list[Delivered]:
    button = next(b for b in post.outbound.buttons if b.label == label)
    replies = await harness.press(button, as_=as_, space=post.space.id if post.space else "general")
    await settle(harness)
    return replies


def posts_in(harness: SalonHarness, space: str = "general") -> list[Delivered]:
    """The event posts (and their edits) the bot sent to a space, oldest first."""
    return [
        d
        for d in harness.replies
        if d.space is not None and d.space.id == space and "(event " in d.text.split("\n")[0]
    ]


def dm_texts(harness: SalonHarness, name: str) -> list[str]:
    return [d.outbound.body.plain() for d in harness.sent_to(name)]


def button(post: Delivered, label: str) -> Button:
    return next(b for b in post.outbound.buttons if b.label == label)


async def snapshot(harness: SalonHarness) -> dict[str, list[Any]]:
    """Every events row and job key: to assert that bad input changed nothing."""
    out: dict[str, list[Any]] = {}
    async with harness.bot.storage.engine.connect() as db:
        for table in tables.metadata.sorted_tables:
            out[table.name] = [tuple(row) for row in await db.execute(sa.select(table))]
        out["jobs"] = [
            tuple(row)
            for row in await db.execute(
                sa.text(
                    "SELECT key, next_run_at FROM salon_jobs WHERE key LIKE 'events:%' ORDER BY key"
                )
            )
        ]
    return out

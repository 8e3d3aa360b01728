"""Shared helpers for the coaching plugin's tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from salon.core import Button
from salon.core.storage import sa
from salon.core.testing import SalonHarness
from salon.plugins.coaching import tables

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
#: Answers to the plan dialog: 12,000 words by Fri 30 Jan on Mon, Wed, Fri (12 writing days
#: from Mon 5 Jan 2026, the harness clock's first day: 1,000 a writing day).
ANSWERS = ("My novel", "12000", "2026-01-30", "mon,wed,fri", "07:00", "45m", "sun")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def plain(delivered: Any) -> str:
    return "\n".join(d.outbound.body.plain() for d in delivered)


def last(delivered: Any) -> str:
    return plain(delivered[-1:])


def button(delivered: Any, label: str) -> Button:
    for d in reversed(list(delivered)):
        for b in d.outbound.buttons:
            if b.label == label:
                return b
    raise AssertionError(f"no button {label!r} in {plain(delivered)!r}")


async def make_plan(
    harness: SalonHarness,
    name: str = "alice",
    answers: tuple[str, ...] = ANSWERS,
    platform: str | None = None,
    command: str = "plan",
) -> str:
    """Answer the plan dialog in ``name``'s DM; return the bot's last reply."""
    replies = await harness.send(command, as_=name, dm=True, platform=platform)
    assert "What are you writing?" in plain(replies), plain(replies)
    for answer in answers:
        replies = await harness.send(answer, as_=name, dm=True, platform=platform)
    return plain(replies)


async def link(harness: SalonHarness, name: str) -> None:
    """``name``'s memory account asks for a code; their telegram account enters it."""
    replies = await harness.send("link", as_=name, dm=True)
    found = CODE.search(plain(replies))
    assert found, plain(replies)
    replies = await harness.send(f"link {found.group(1)}", as_=name, dm=True, platform="telegram")
    assert "Linked!" in plain(replies), plain(replies)


async def snapshot(harness: SalonHarness) -> dict[str, list[Any]]:
    """Every coaching row and job key, to assert that bad input changed nothing."""
    out: dict[str, list[Any]] = {}
    async with harness.bot.storage.engine.connect() as db:
        for table in tables.metadata.sorted_tables:
            out[table.name] = [tuple(row) for row in await db.execute(sa.select(table))]
        out["jobs"] = [
            tuple(row)
            for row in await db.execute(
                sa.text("SELECT key, next_run_at FROM salon_jobs WHERE key LIKE 'coaching:%'")
            )
        ]
    return out


async def count(harness: SalonHarness, table: sa.Table) -> int:
    async with harness.bot.storage.engine.connect() as db:
        return int((await db.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


def dms(harness: SalonHarness, name: str, platform: str | None = None) -> list[str]:
    return [d.outbound.body.plain() for d in harness.sent_to(name, platform=platform)]

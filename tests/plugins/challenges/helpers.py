"""Shared helpers for the challenges and badges tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from salon.core import MemberRef, Person
from salon.core.storage import sa
from salon.core.testing import SalonHarness
from salon.plugins.badges import tables as badge_tables
from salon.plugins.challenges import tables

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def plain(delivered: Any) -> str:
    return "\n".join(d.outbound.body.plain() for d in delivered)


def last(delivered: Any) -> str:
    return plain(delivered[-1:])


def dm_texts(harness: SalonHarness, name: str, platform: str | None = None) -> list[str]:
    return [d.outbound.body.plain() for d in harness.sent_to(name, platform)]


async def person(harness: SalonHarness, name: str, platform: str = "memory") -> Person:
    found = await harness.bot.people.of(MemberRef(platform, name))
    assert found is not None, name
    return found


async def set_zone(harness: SalonHarness, name: str, zone: str) -> None:
    replies = await harness.send(f"!tz {zone}", as_=name, dm=True)
    assert "Time zone set" in last(replies), last(replies)


async def link(harness: SalonHarness, name: str, platform: str = "telegram") -> None:
    """``name``'s memory account asks for a code; their ``platform`` account enters it."""
    replies = await harness.send("link", as_=name, dm=True)
    found = CODE.search(plain(replies))
    assert found, plain(replies)
    replies = await harness.send(f"link {found.group(1)}", as_=name, dm=True, platform=platform)
    assert "Linked!" in plain(replies), plain(replies)


async def snapshot(harness: SalonHarness) -> dict[str, list[Any]]:
    """Every row of the challenges and badges tables and the job keys: "nothing changed"."""
    out: dict[str, list[Any]] = {}
    async with harness.bot.storage.engine.connect() as db:
        for metadata in (tables.metadata, badge_tables.metadata):
            for table in metadata.sorted_tables:
                out[table.name] = [tuple(row) for row in await db.execute(sa.select(table))]
        out["jobs"] = [
            tuple(row)
            for row in await db.execute(
                sa.text("SELECT key, next_run_at FROM salon_jobs ORDER BY key")
            )
        ]
    return out


async def rows(harness: SalonHarness, table: sa.Table) -> list[Any]:
    async with harness.bot.storage.engine.connect() as db:
        return list((await db.execute(sa.select(table))).all())

"""Shared helpers for the check-in plugin's tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from salon.core import MemberRef
from salon.core.storage import sa
from salon.core.testing import SalonHarness
from salon.plugins.checkins import tables


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


async def snapshot(harness: SalonHarness) -> dict[str, list[Any]]:
    """Every row of every check-in table, the job keys and people's settings, to assert
    "nothing changed"."""
    out: dict[str, list[Any]] = {}
    async with harness.bot.storage.engine.connect() as db:
        for table in tables.metadata.sorted_tables:
            out[table.name] = [tuple(row) for row in await db.execute(sa.select(table))]
        out["jobs"] = [
            tuple(row)
            for row in await db.execute(
                sa.text("SELECT key, next_run_at FROM salon_jobs ORDER BY key")
            )
        ]
        # Accounts are recorded when they first address the bot (that is not a change made
        # by the input under test); their settings live on the person.
        out["persons"] = [
            tuple(row)
            for row in await db.execute(
                sa.text(
                    "SELECT id, tz, dm_platform FROM salon_persons"
                    " WHERE tz IS NOT NULL OR dm_platform IS NOT NULL"
                )
            )
        ]
    return out


async def setup_checkin(harness: SalonHarness, spec: str = "mon,thu 09:00 digest 17:00") -> None:
    replies = await harness.send(f"!checkin create {spec}", as_="olive")
    assert "Check-in created" in last(replies), last(replies)


async def join(harness: SalonHarness, name: str, zone: str | None = None) -> None:
    if zone is not None:
        replies = await harness.send(f"!tz {zone}", as_=name)
        assert "Time zone set" in last(replies)
    replies = await harness.send("!checkin join", as_=name)
    assert "You're in" in last(replies), last(replies)


def dm_texts(harness: SalonHarness, name: str) -> list[str]:
    return [d.outbound.body.plain() for d in harness.sent_to(name)]


def plain(delivered: Any) -> str:
    """The text of what was sent, without formatting marks (several messages: joined)."""
    return "\n".join(d.outbound.body.plain() for d in delivered)


def last(delivered: Any) -> str:
    return plain(delivered[-1:])


def questions_to(harness: SalonHarness, name: str) -> list[str]:
    """The check-in questions (first DMs of a round) sent to member ``name``."""
    return [text for text in dm_texts(harness, name) if text.startswith("Check-in time")]


async def person_id(harness: SalonHarness, name: str, platform: str = "memory") -> int:
    """The person id behind member ``name`` (who must have written to the bot)."""
    person = await harness.bot.people.of(MemberRef(platform, name))
    assert person is not None, name
    return person.id

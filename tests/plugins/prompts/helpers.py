"""Shared helpers for the prompts plugin's tests."""

from __future__ import annotations

from typing import Any

from salon.core import hookimpl
from salon.core.storage import sa
from salon.core.testing import SalonHarness
from salon.plugins.prompts import tables


async def snapshot(harness: SalonHarness) -> dict[str, list[Any]]:
    """Every row of every prompts table and the job keys, to assert "nothing changed"."""
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
    return out


async def rows(harness: SalonHarness, table: sa.Table) -> list[Any]:
    async with harness.bot.storage.engine.connect() as db:
        return list((await db.execute(sa.select(table).order_by(*table.primary_key))).all())


def plain(delivered: Any) -> str:
    return "\n".join(d.outbound.body.plain() for d in delivered)


def prompts_posted(delivered: Any) -> list[Any]:
    """The prompt messages among ``delivered``."""
    return [d for d in delivered if d.outbound.body.plain().startswith("Writing prompt #")]


class Recorder:
    """A test plugin that records the prompts family's hooks, as a challenge plugin would."""

    def __init__(self) -> None:
        self.posted: list[tuple[Any, int, Any]] = []
        self.responded: list[tuple[Any, Any, Any]] = []

    @hookimpl
    def prompt_posted(self, prompt: Any, posting_id: int, space: Any) -> None:
        self.posted.append((prompt, posting_id, space))

    @hookimpl
    def prompt_responded(self, response: Any, prompt: Any, person: Any) -> None:
        self.responded.append((response, prompt, person))

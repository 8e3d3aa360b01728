"""Shared helpers for the sprint plugin's tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from salon.core import MemberRef
from salon.core.markup import Markup, Mention
from salon.core.memory_adapter import Delivered
from salon.core.storage import sa
from salon.core.testing import SalonHarness
from salon.plugins.sprints import tables


async def snapshot(harness: SalonHarness) -> dict[str, list[Any]]:
    """Every row of the sprint tables and the stored job keys, to assert "nothing changed"."""
    out: dict[str, list[Any]] = {}
    async with harness.bot.storage.engine.connect() as db:
        for table in tables.metadata.sorted_tables:
            out[table.name] = [tuple(row) for row in await db.execute(sa.select(table))]
        out["jobs"] = [
            tuple(row)
            for row in await db.execute(
                sa.text(
                    "SELECT key, next_run_at FROM salon_jobs WHERE key LIKE 'sprints:%' ORDER BY key"
                )
            )
        ]
    return out


def mentioned(delivered: Delivered) -> set[MemberRef]:
    """The accounts a message really mentions (pings)."""
    found: set[MemberRef] = set()

    def walk(nodes: Iterable[Any]) -> None:
        for node in nodes:
            if isinstance(node, Mention):
                found.add(node.member)
            for name in ("children",):
                walk(getattr(node, name, ()))
            for item in getattr(node, "items", ()):
                walk(item)

    body: Markup = delivered.outbound.body
    walk(body.nodes)
    return found


def in_space(delivered: list[Delivered], platform: str) -> list[Delivered]:
    return [d for d in delivered if d.space is not None and d.space.platform == platform]


def plain(delivered: Delivered) -> str:
    """What a message says, without the markup (``*bold*``) of the plain renderer."""
    return delivered.outbound.body.plain()


def containing(delivered: list[Delivered], text: str) -> list[Delivered]:
    return [d for d in delivered if text in plain(d)]


def last(delivered: list[Delivered]) -> str:
    assert delivered, "the bot sent nothing"
    return plain(delivered[-1])

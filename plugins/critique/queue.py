"""The queue: one for every platform of the community, in two lanes, and which round each
waiting piece is expected in.

A round releases up to ``pieces`` pieces: first up to ``newcomers`` from the newcomers' lane
(a member's first piece), then the main lane in order, then more newcomers if the main lane
ran short. ``plan`` replays that over the whole queue, so a member sees their place and the
round their piece should come out in, and the round job releases exactly ``plan[0]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from salon.core import Bot
from salon.core.storage import AsyncConnection, sa
from salon.plugins.critique import tables
from salon.plugins.critique.store import settings

ROUND_KEY = "critique:round"
ROUNDS_SETTING = "rounds"
DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}


@attrs.frozen
class RoundSettings:
    """When rounds open (weekly, in the community's zone) and what each releases."""

    day: str
    time: str
    pieces: int
    newcomers: int

    def describe(self) -> str:
        return (
            f"every {DAY_NAMES[self.day]} at {self.time}, releasing up to {self.pieces} "
            f"pieces ({self.newcomers} of them from the newcomers' lane first)"
        )


async def stored_rounds(db: AsyncConnection) -> dict[str, Any]:
    """What organisers changed with ``critique round`` (empty: ``salon.toml``'s settings)."""
    row = (
        await db.execute(
            sa.select(tables.settings.c.value).where(tables.settings.c.name == ROUNDS_SETTING)
        )
    ).first()
    return dict(row[0]) if row is not None else {}


async def store_rounds(db: AsyncConnection, values: dict[str, Any]) -> None:
    await db.execute(tables.settings.delete().where(tables.settings.c.name == ROUNDS_SETTING))
    await db.execute(tables.settings.insert().values(name=ROUNDS_SETTING, value=values))


async def round_settings(bot: Bot, db: AsyncConnection) -> RoundSettings:
    """The organisers' round settings: ``salon.toml``'s, changed by ``critique round``."""
    config = settings(bot)
    stored = await stored_rounds(db)
    return RoundSettings(
        day=str(stored.get("day", config.round_day)).upper(),
        time=str(stored.get("time", config.round_time)),
        pieces=int(stored.get("pieces", config.pieces_per_round)),
        newcomers=int(stored.get("newcomers", config.newcomer_pieces_per_round)),
    )


async def queued(db: AsyncConnection) -> list[Any]:
    """The waiting pieces, in queue order within each lane."""
    query = (
        sa.select(
            tables.pieces.c.id,
            tables.pieces.c.person_id,
            tables.pieces.c.title,
            tables.pieces.c.words,
            tables.pieces.c.lane,
            tables.pieces.c.position,
        )
        .where(tables.pieces.c.status == "queued")
        .order_by(tables.pieces.c.position, tables.pieces.c.id)
    )
    return list((await db.execute(query)).all())


def plan(rows: Sequence[Any], rounds: RoundSettings) -> list[list[Any]]:
    """The waiting pieces grouped by the round expected to release them (next one first)."""
    newcomers = [row for row in rows if row.lane == "newcomer"]
    main = [row for row in rows if row.lane != "newcomer"]
    out: list[list[Any]] = []
    while newcomers or main:
        batch = newcomers[: rounds.newcomers]
        newcomers = newcomers[len(batch) :]
        room = rounds.pieces - len(batch)
        batch += main[:room]
        main = main[room:]
        room = rounds.pieces - len(batch)
        batch += newcomers[:room]
        newcomers = newcomers[room:]
        out.append(batch)
    return out


def lane_place(rows: Sequence[Any], piece_id: int) -> tuple[str, int, int]:
    """``(lane, place, of)``: where a waiting piece stands in its lane."""
    lane = next(row.lane for row in rows if row.id == piece_id)
    ids = [row.id for row in rows if row.lane == lane]
    return lane, ids.index(piece_id) + 1, len(ids)


async def expected_round(bot: Bot, index: int) -> datetime | None:
    """When round ``index`` (0: the next one) should open, or ``None`` if none is scheduled."""
    following = await bot.scheduler.next_run(ROUND_KEY)
    if following is None:
        return None
    return following + timedelta(weeks=index)

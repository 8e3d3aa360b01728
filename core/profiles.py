"""What salon keeps about members across features: the person behind them and their time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.model import Member, MemberRef
from salon.core.outbox import Outbox
from salon.core.storage import tables
from salon.core.storage.engine import Storage


class Profiles:
    """Members, persons and time zones; writes happen in the caller's transaction."""

    def __init__(
        self, storage: Storage, default_tz: ZoneInfo, outbox: Outbox | None = None
    ) -> None:
        self.storage = storage
        self.default_tz = default_tz
        #: Messages still owed to a member are deleted when they are forgotten.
        self.outbox = outbox

    async def ensure(self, connection: AsyncConnection, member: Member, now: datetime) -> int:
        """Store ``member`` (and a Person for them) if new; return the person id."""
        row = (
            await connection.execute(sa.select(tables.members.c.person_id).where(_is(member.ref)))
        ).first()
        if row is not None and row[0] is not None:
            return int(row[0])
        person = await connection.execute(
            tables.persons.insert().values(display_name=member.display_name, created_at=now)
        )
        inserted = person.inserted_primary_key
        assert inserted is not None
        person_id = int(inserted[0])
        if row is None:
            await connection.execute(
                tables.members.insert().values(
                    platform=member.ref.platform,
                    member_id=member.ref.id,
                    person_id=person_id,
                    display_name=member.display_name,
                    created_at=now,
                )
            )
        else:
            await connection.execute(
                tables.members.update().where(_is(member.ref)).values(person_id=person_id)
            )
        return person_id

    async def set_timezone(
        self, connection: AsyncConnection, member: Member, tz: ZoneInfo, now: datetime
    ) -> None:
        await self.ensure(connection, member, now)
        await connection.execute(tables.members.update().where(_is(member.ref)).values(tz=tz.key))

    async def timezone(self, ref: MemberRef, connection: AsyncConnection | None = None) -> ZoneInfo:
        """The member's time zone, or the community's when they have not set one."""
        return (await self.timezones([ref], connection)).get(ref, self.default_tz)

    async def timezones(
        self, refs: Iterable[MemberRef], connection: AsyncConnection | None = None
    ) -> dict[MemberRef, ZoneInfo]:
        """Time zones of many members at once (members without one get the default)."""
        wanted = list(refs)
        if not wanted:
            return {}
        if connection is None:
            async with self.storage.engine.connect() as own:
                return await self.timezones(wanted, own)
        found: dict[MemberRef, ZoneInfo] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = await connection.execute(
                sa.select(
                    tables.members.c.platform, tables.members.c.member_id, tables.members.c.tz
                ).where(
                    sa.tuple_(tables.members.c.platform, tables.members.c.member_id).in_(
                        [(r.platform, r.id) for r in chunk]
                    )
                )
            )
            for platform, member_id, tz in rows:
                found[MemberRef(platform, member_id)] = ZoneInfo(tz) if tz else self.default_tz
        return {ref: found.get(ref, self.default_tz) for ref in wanted}

    async def display_name(self, ref: MemberRef, connection: AsyncConnection) -> str:
        row = (
            await connection.execute(sa.select(tables.members.c.display_name).where(_is(ref)))
        ).first()
        return str(row[0]) if row else ref.id

    async def forget(self, connection: AsyncConnection, ref: MemberRef) -> None:
        """Delete what the core keeps about a member (features delete their own rows),
        including the messages still owed to them in the outbox."""
        if self.outbox is not None:
            await self.outbox.forget_addressed_to(connection, members=[ref])
        row = (
            await connection.execute(sa.select(tables.members.c.person_id).where(_is(ref)))
        ).first()
        await connection.execute(tables.members.delete().where(_is(ref)))
        if row is not None and row[0] is not None:
            others = (
                await connection.execute(
                    sa.select(sa.func.count()).where(tables.members.c.person_id == row[0])
                )
            ).scalar()
            if not others:
                await connection.execute(
                    tables.persons.delete().where(tables.persons.c.id == row[0])
                )


def _is(ref: MemberRef) -> sa.ColumnElement[bool]:
    return sa.and_(tables.members.c.platform == ref.platform, tables.members.c.member_id == ref.id)

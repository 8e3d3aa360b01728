"""People: the humans behind platform accounts, looked up by account or id.

Every platform account (``MemberRef``) belongs to exactly one ``Person``; features store what
they keep under ``person_id``. The router resolves the person of every handled event through
``People.resolve``, which answers from a per-process cache: a member who has written before
costs a dictionary lookup, not a database round trip. The cache is dropped for a person
whenever something about them changes (a link, an unlink, their time zone or name); changes
made inside a transaction are dropped again after it commits (``Context.after_commit``), so a
rolled-back change is never cached.

salon assumes one process per database: another process's changes reach this cache only when
the person's entry is invalidated (or at restart).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.clock import Clock
from salon.core.markup import Markup, md, mention
from salon.core.model import Member, MemberRef, Person, Role
from salon.core.outbox import Outbox
from salon.core.storage import tables
from salon.core.storage.engine import Storage
from salon.core.storage.lists import in_batches, one_of

_CHUNK = 500
#: A mention as it arrives in message text from Slack (``<@U123|name>``).
_ANGLE_MENTION = re.compile(r"^<@([A-Za-z0-9]+)(?:\|[^>]*)?>$")


class People:
    """Lookup, cache and the person-level settings (time zone, name, DM preference)."""

    def __init__(
        self,
        storage: Storage,
        default_tz: ZoneInfo,
        organisers: frozenset[MemberRef],
        clock: Clock,
        outbox: Outbox | None = None,
    ) -> None:
        self.storage = storage
        #: Messages still owed to a person's accounts are deleted when they are forgotten.
        self.outbox = outbox
        self.default_tz = default_tz
        self.organisers = organisers
        self.clock = clock
        self._by_account: dict[MemberRef, Person] = {}
        self._by_id: dict[int, Person] = {}
        self._zones: dict[str, ZoneInfo] = {}
        #: Accounts a platform reported unreachable (a Telegram 403): skipped for DMs until
        #: the person writes from them again.
        self.unreachable: set[MemberRef] = set()
        self._creating = asyncio.Lock()

    # --- the hot path ----------------------------------------------------------------------
    def known(self, member: Member) -> Person | None:
        """The cached person behind ``member`` when nothing needs updating, else ``None`` (then
        ``resolve``): the router's fast path, a dictionary lookup and two comparisons."""
        person = self._by_account.get(member.ref)
        if person is None or (self.unreachable and member.ref in self.unreachable):
            return None
        if person.last_platform != member.ref.platform and len(person.accounts) > 1:
            return None
        return person

    async def resolve(self, member: Member) -> Person:
        """The person behind ``member``, created on their first event (no DB trip if cached)."""
        person = self._by_account.get(member.ref)
        if person is None:
            person = await self._load_or_create(member)
        if member.ref in self.unreachable:
            self.unreachable.discard(member.ref)
        if person.last_platform != member.ref.platform and len(person.accounts) > 1:
            # Only people with several accounts need to know where they last wrote from, and
            # only a change of platform writes: the usual message costs nothing here.
            async with self.storage.transaction() as connection:
                await connection.execute(
                    tables.persons.update()
                    .where(tables.persons.c.id == person.id)
                    .values(last_platform=member.ref.platform)
                )
            self.invalidate(person.id)
            person = await self._cached_load(person.id) or person
        return person

    async def _load_or_create(self, member: Member) -> Person:
        async with self._creating:
            cached = self._by_account.get(member.ref)
            if cached is not None:
                return cached
            stored = await self.of(member.ref)  # a read: most misses are a restart's
            if stored is not None:
                return stored
            async with self.storage.transaction() as connection:
                person_id = await self.ensure(connection, member, self.clock.now())
            person = await self._cached_load(person_id)
            assert person is not None
            return person

    # --- lookups ---------------------------------------------------------------------------
    async def get(self, person_id: int, connection: AsyncConnection | None = None) -> Person | None:
        """The person with id ``person_id``, or ``None`` if there is none (any more)."""
        return (await self.many([person_id], connection)).get(person_id)

    async def of(self, ref: MemberRef, connection: AsyncConnection | None = None) -> Person | None:
        """The person an account belongs to, or ``None`` if salon has never seen it."""
        cached = self._by_account.get(ref)
        if cached is not None:
            return cached
        if connection is None:
            async with self.storage.engine.connect() as own:
                person_id = await self._person_id(own, ref)
                if person_id is None:
                    return None
                found = (await self._load(own, [person_id])).get(person_id)
            if found is not None:  # read on a connection of its own: committed, so cached
                self._remember(found)
            return found
        person_id = await self._person_id(connection, ref)
        return None if person_id is None else await self.get(person_id, connection)

    async def find(
        self, who: str, platform: str, connection: AsyncConnection | None = None
    ) -> Person | None:
        """The person a member named in a command (``coach add @bob``): a mention as the
        platform writes it, an account id on ``platform`` (with or without ``@``), or
        ``#<person id>``; ``None`` when no known person matches.

        :param who: the word as typed.
        :param platform: the platform it was typed on (account ids are per platform).
        """
        text = who.strip()
        if text.startswith("#") and text[1:].isdigit():
            return await self.get(int(text[1:]), connection)
        angle = _ANGLE_MENTION.match(text)
        ident = angle.group(1) if angle else text
        person = await self.of(MemberRef(platform, ident), connection)
        if person is None and ident.startswith("@") and ":" not in ident:
            person = await self.of(MemberRef(platform, ident[1:]), connection)
        return person

    async def _person_id(self, connection: AsyncConnection, ref: MemberRef) -> int | None:
        found = (
            await connection.execute(sa.select(tables.members.c.person_id).where(_is(ref)))
        ).scalar()
        return None if found is None else int(found)

    async def many(
        self, person_ids: Iterable[int], connection: AsyncConnection | None = None
    ) -> dict[int, Person]:
        """Several people at once (ids salon does not know are left out).

        With ``connection`` the lookup sees that transaction's uncommitted changes, and what it
        reads is not cached; without, it reads committed state and caches it.
        """
        wanted = set(person_ids)
        found = {pid: self._by_id[pid] for pid in wanted if pid in self._by_id}
        missing = sorted(wanted - found.keys())
        if not missing:
            return found
        if connection is None:
            async with self.storage.engine.connect() as own:
                loaded = await self._load(own, missing)
            for person in loaded.values():
                self._remember(person)
        else:
            loaded = await self._load(connection, missing)
        found.update(loaded)
        return found

    async def person_ids(
        self, refs: Iterable[MemberRef], connection: AsyncConnection
    ) -> dict[MemberRef, int]:
        """The person id of each account salon knows among ``refs``."""
        wanted = list(dict.fromkeys(refs))
        found: dict[MemberRef, int] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = await connection.execute(
                sa.select(
                    tables.members.c.platform,
                    tables.members.c.member_id,
                    tables.members.c.person_id,
                ).where(
                    sa.tuple_(tables.members.c.platform, tables.members.c.member_id).in_(
                        [(r.platform, r.id) for r in chunk]
                    )
                )
            )
            for platform, member_id, person_id in rows:
                found[MemberRef(platform, member_id)] = int(person_id)
        return found

    def invalidate(self, *person_ids: int) -> None:
        """Forget what the cache holds about these people (their next lookup reloads)."""
        if not person_ids:
            return
        for person_id in person_ids:
            self._by_id.pop(person_id, None)
        # Scan rather than follow the cached accounts: an account may have moved between people.
        stale = [ref for ref, person in self._by_account.items() if person.id in person_ids]
        for ref in stale:
            del self._by_account[ref]

    def clear(self) -> None:
        """Empty the cache (tests; a process that changed the database behind salon's back)."""
        self._by_account.clear()
        self._by_id.clear()

    async def _cached_load(self, person_id: int) -> Person | None:
        return (await self.many([person_id])).get(person_id)

    def _remember(self, person: Person) -> None:
        self._by_id[person.id] = person
        for account in person.accounts:
            self._by_account[account] = person

    async def _load(self, connection: AsyncConnection, person_ids: list[int]) -> dict[int, Person]:
        people: dict[int, Person] = {}
        for chunk in in_batches(connection, person_ids):
            accounts: dict[int, list[MemberRef]] = {pid: [] for pid in chunk}
            for row in await connection.execute(
                sa.select(
                    tables.members.c.person_id,
                    tables.members.c.platform,
                    tables.members.c.member_id,
                )
                .where(one_of(connection, tables.members.c.person_id, chunk))
                .order_by(tables.members.c.created_at, tables.members.c.platform)
            ):
                accounts[row.person_id].append(MemberRef(row.platform, row.member_id))
            persons = tables.persons.c
            for person in await connection.execute(
                sa.select(
                    persons.id,
                    persons.display_name,
                    persons.tz,
                    persons.dm_platform,
                    persons.last_platform,
                ).where(one_of(connection, persons.id, chunk))
            ):
                people[person.id] = self._person(person, tuple(accounts[person.id]))
        return people

    def _person(self, row: Any, accounts: tuple[MemberRef, ...]) -> Person:
        return Person(
            id=row.id,
            display_name=row.display_name,
            tz=self._zone(row.tz),
            role=Role.MEMBER if self.organisers.isdisjoint(accounts) else Role.ORGANISER,
            accounts=accounts,
            dm_platform=row.dm_platform,
            last_platform=row.last_platform,
            has_own_tz=bool(row.tz),
        )

    def _zone(self, name: str | None) -> ZoneInfo:
        """A person's zone, or the community's when they set none (or set one that tzdata
        has since removed)."""
        if not name:
            return self.default_tz
        zone = self._zones.get(name)
        if zone is None:
            try:
                zone = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                zone = self.default_tz
            self._zones[name] = zone
        return zone

    # --- writes (in the caller's transaction) ----------------------------------------------
    async def ensure(self, connection: AsyncConnection, member: Member, now: datetime) -> int:
        """Store ``member`` (and a person for them) if new; return the person id."""
        cached = self._by_account.get(member.ref)
        if cached is not None:
            return cached.id
        row = (
            await connection.execute(sa.select(tables.members.c.person_id).where(_is(member.ref)))
        ).first()
        if row is not None:
            return int(row[0])
        person_id = (
            await connection.execute(
                tables.persons.insert()
                .values(display_name=member.display_name or member.ref.id, created_at=now)
                .returning(tables.persons.c.id)
            )
        ).scalar_one()
        await connection.execute(
            tables.members.insert().values(
                platform=member.ref.platform,
                member_id=member.ref.id,
                person_id=person_id,
                display_name=member.display_name or member.ref.id,
                created_at=now,
            )
        )
        return int(person_id)

    async def set_timezone(self, connection: AsyncConnection, person: Person, tz: ZoneInfo) -> None:
        await self._update(connection, person, tz=tz.key)

    async def set_display_name(
        self, connection: AsyncConnection, person: Person, name: str
    ) -> None:
        await self._update(connection, person, display_name=name)

    async def set_dm_platform(
        self, connection: AsyncConnection, person: Person, platform: str | None
    ) -> None:
        """Send direct messages to ``person`` on ``platform`` (``None``: where they last wrote)."""
        await self._update(connection, person, dm_platform=platform)

    async def _update(self, connection: AsyncConnection, person: Person, **values: Any) -> None:
        await connection.execute(
            tables.persons.update().where(tables.persons.c.id == person.id).values(**values)
        )
        self.invalidate(person.id)

    async def forget(self, connection: AsyncConnection, person: Person) -> None:
        """Delete what the core keeps about a person: accounts, link codes, the person row,
        and the messages still owed to any of their accounts in the outbox.

        Features delete their own rows in ``forget_person``.
        """
        if self.outbox is not None:
            await self.outbox.forget_addressed_to(connection, members=list(person.accounts))
        await connection.execute(
            tables.link_codes.delete().where(tables.link_codes.c.person_id == person.id)
        )
        await connection.execute(
            tables.members.delete().where(tables.members.c.person_id == person.id)
        )
        await connection.execute(tables.persons.delete().where(tables.persons.c.id == person.id))
        self.invalidate(person.id)
        self.unreachable.difference_update(person.accounts)


def mention_person(person: Person, platform: str) -> Markup:
    """A mention of ``person`` for a message on ``platform``: a real mention where they have
    an account there, their display name (pinging nobody) elsewhere."""
    account = person.account_on(platform)
    if account is None:
        return md(person.display_name)
    return md(mention(account, person.display_name))


def _is(ref: MemberRef) -> sa.ColumnElement[bool]:
    return sa.and_(tables.members.c.platform == ref.platform, tables.members.c.member_id == ref.id)

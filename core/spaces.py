"""The community's spaces on every platform: known by name, joined, grouped.

The router records every group space the bot sees (``salon_spaces``), so a message can name a
space (``#writing-group on Matrix``) instead of showing its raw id. Spaces that are *joined*
are the community's: ``[community] spaces`` in the config, or ``space join`` by an organiser.
A feature posts to all of them, or to a named group (``[community.groups] announcements``,
``space join announcements``), with one ``ctx.announce(...)``.

What is known is held in memory; the usual message costs one dictionary lookup here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime

import attrs
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.clock import Clock
from salon.core.model import Space, SpaceRef
from salon.core.storage import tables
from salon.core.storage.engine import Storage

NameLookup = Callable[[SpaceRef], Awaitable[str]]


@attrs.frozen
class KnownSpace:
    """A space salon has seen, with whether it is part of the community."""

    ref: SpaceRef
    name: str = ""
    is_joined: bool = False
    groups: tuple[str, ...] = ()


def platform_title(platform: str) -> str:
    """``"matrix"`` → ``"Matrix"``: a platform as members read it."""
    return platform[:1].upper() + platform[1:]


def space_label(ref: SpaceRef, name: str) -> str:
    """``#writing-group on Matrix``; a name with spaces is shown as it is."""
    where = platform_title(ref.platform)
    if not name:
        return f"a space on {where}"
    shown = name if name.startswith("#") or " " in name else f"#{name}"
    return f"{shown} on {where}"


class Spaces:
    """Known spaces (in memory, mirrored in ``salon_spaces``) and the community's groups."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        configured: Iterable[SpaceRef] = (),
        groups: Mapping[str, Iterable[SpaceRef]] | None = None,
    ) -> None:
        self.storage = storage
        self.clock = clock
        self.configured = tuple(configured)
        self.configured_groups = {name: tuple(refs) for name, refs in (groups or {}).items()}
        self._known: dict[SpaceRef, KnownSpace] = {}
        #: Unnamed spaces whose platform was asked for a name in this process (once each).
        self._asked: set[SpaceRef] = set()

    async def load(self) -> None:
        """At start: read the known spaces and join the configured ones."""
        async with self.storage.engine.connect() as connection:
            for row in await connection.execute(sa.select(tables.spaces)):
                ref = SpaceRef(row.platform, row.space_id)
                self._known[ref] = KnownSpace(ref, row.name, row.is_joined, tuple(row.groups))
        wanted: dict[SpaceRef, set[str]] = {ref: set() for ref in self.configured}
        for group, refs in self.configured_groups.items():
            for ref in refs:
                wanted.setdefault(ref, set()).add(group)
        changed = []
        for ref, groups in wanted.items():
            known = self._known.get(ref, KnownSpace(ref))
            merged = tuple(sorted(set(known.groups) | groups))
            if not known.is_joined or merged != known.groups:
                changed.append(attrs.evolve(known, is_joined=True, groups=merged))
        if changed:
            async with self.storage.transaction() as connection:
                for space in changed:
                    await self._store(connection, space, self.clock.now())
            for space in changed:
                self.remember(space)

    async def fill_names(self, lookup: NameLookup) -> None:
        """Once the adapters are up: ask for the names of community spaces that have none
        (a space named in the config the bot has not heard from yet)."""
        for space in self.joined():
            if not space.name and space.ref not in self._asked:
                await self.record(Space(space.ref), lookup)

    # --- the hot path ----------------------------------------------------------------------
    def needs_recording(self, space: Space) -> bool:
        """Whether ``space`` is new to salon or has a new name (direct messages never are)."""
        if space.is_direct:
            return False
        known = self._known.get(space.ref)
        if known is None:
            return True
        if space.name:
            return space.name != known.name
        return not known.name and space.ref not in self._asked

    async def record(self, space: Space, lookup: NameLookup | None = None) -> None:
        """Store a space seen for the first time, or its new name (``lookup`` asks the
        platform for a name the event did not carry)."""
        known = self._known.get(space.ref, KnownSpace(space.ref))
        name = space.name or known.name
        if not name and lookup is not None:
            self._asked.add(space.ref)
            name = await lookup(space.ref)
        spaces = tables.spaces
        async with self.storage.transaction() as connection:
            # Only the name: whether it is joined, and its groups, may have been changed by
            # another worker sharing the database; they are read back rather than written.
            await connection.execute(
                self.storage.upsert(spaces, ["platform", "space_id"]).many(["name", "seen_at"]),
                {
                    "platform": space.ref.platform,
                    "space_id": space.ref.id,
                    "name": name,
                    "is_joined": known.is_joined,
                    "groups": list(known.groups),
                    "seen_at": self.clock.now(),
                },
            )
            row = (
                await connection.execute(
                    sa.select(spaces.c.is_joined, spaces.c.groups).where(
                        spaces.c.platform == space.ref.platform, spaces.c.space_id == space.ref.id
                    )
                )
            ).one()
        self.remember(KnownSpace(space.ref, name, bool(row.is_joined), tuple(row.groups or ())))

    # --- reading ---------------------------------------------------------------------------
    def get(self, ref: SpaceRef) -> KnownSpace | None:
        return self._known.get(ref)

    def label(self, ref: SpaceRef) -> str:
        """How members see a space: ``#writing-group on Matrix``."""
        known = self._known.get(ref)
        return space_label(ref, known.name if known else "")

    def joined(self, group: str | None = None) -> list[KnownSpace]:
        """The community's spaces (in ``group``, if given), in a stable order."""
        found = [
            space
            for space in self._known.values()
            if space.is_joined and (group is None or group in space.groups)
        ]
        return sorted(found, key=lambda s: (s.ref.platform, s.name, s.ref.id))

    def known(self) -> list[KnownSpace]:
        return sorted(self._known.values(), key=lambda s: (s.ref.platform, s.name, s.ref.id))

    # --- writing (in the caller's transaction; ``remember`` after the commit) --------------
    async def join(
        self, connection: AsyncConnection, space: Space, groups: Iterable[str] = ()
    ) -> KnownSpace:
        known = self._known.get(space.ref, KnownSpace(space.ref))
        updated = attrs.evolve(
            known,
            name=space.name or known.name,
            is_joined=True,
            groups=tuple(sorted(set(known.groups) | set(groups))),
        )
        await self._store(connection, updated, self.clock.now())
        return updated

    async def leave(
        self, connection: AsyncConnection, ref: SpaceRef, group: str | None = None
    ) -> KnownSpace:
        """Take a space out of the community (or only out of ``group``)."""
        known = self._known.get(ref, KnownSpace(ref))
        if group is None:
            updated = attrs.evolve(known, is_joined=False, groups=())
        else:
            updated = attrs.evolve(known, groups=tuple(g for g in known.groups if g != group))
        await self._store(connection, updated, self.clock.now())
        return updated

    def remember(self, space: KnownSpace) -> None:
        self._known[space.ref] = space

    async def _store(self, connection: AsyncConnection, space: KnownSpace, now: datetime) -> None:
        where = sa.and_(
            tables.spaces.c.platform == space.ref.platform,
            tables.spaces.c.space_id == space.ref.id,
        )
        values = {
            "name": space.name,
            "is_joined": space.is_joined,
            "groups": list(space.groups),
            "seen_at": now,
        }
        updated = await connection.execute(tables.spaces.update().where(where).values(**values))
        if not updated.rowcount:
            await connection.execute(
                tables.spaces.insert().values(
                    platform=space.ref.platform, space_id=space.ref.id, **values
                )
            )

"""Linking accounts into one person: one-time codes, merging, unlinking.

``link`` in a DM issues a code (random from ``secrets``, single use, valid 10 minutes; only its
hash is stored). ``link CODE`` sent from another platform's account joins that account's person
to the code's person: features merge their rows in the ``people_merged`` hook, inside the same
transaction, and the core moves the accounts. Five wrong codes in a row lock linking for the
person who entered them for 15 minutes.

Every refusal is an outcome with a sentence for the member, not an exception: a wrong try must
still be counted, so the transaction commits with nothing else changed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import attrs
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.errors import UserError
from salon.core.model import MemberRef, Person
from salon.core.people import People
from salon.core.storage import tables

#: Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(minutes=10)
MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)
#: How long an organiser's link request waits for the member's second confirmation.
CONFIRM_LIFETIME = timedelta(days=1)

MergeHook = Callable[[Person, Person, AsyncConnection], Awaitable[None]]


@attrs.frozen
class LinkOutcome:
    """What ``link CODE`` did: ``person`` is set when the accounts were linked."""

    message: str
    person: Person | None = None
    merged: Person | None = None
    #: An organiser's link request waits for the other account's confirmation.
    is_waiting: bool = False

    @property
    def is_linked(self) -> bool:
        return self.person is not None


def new_code() -> str:
    """A random code such as ``K7QX-M2PA`` (about 40 bits; guessing is locked after five)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def code_hash(text: str) -> str:
    return hashlib.sha256(normalize_code(text).encode("ascii", "replace")).hexdigest()


def _clash(kept: Person, merged: Person) -> str | None:
    """Why two people cannot become one (both have an account on one platform), or ``None``."""
    for account in merged.accounts:
        existing = kept.account_on(account.platform)
        if existing is not None and existing != account:
            platform = account.platform
            return (
                f"Both accounts' people already have a {platform} account, and a person has "
                f"one account per platform. Unlink one first (unlink {platform}); nothing "
                "was changed."
            )
    return None


def _minutes(delta: timedelta) -> str:
    minutes = max(1, -(-int(delta.total_seconds()) // 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


class Linking:
    """Codes, links and unlinks; every method works in the caller's transaction."""

    def __init__(self, people: People, on_merge: MergeHook) -> None:
        self.people = people
        self.on_merge = on_merge

    async def issue_code(
        self, connection: AsyncConnection, person: Person, account: MemberRef, now: datetime
    ) -> str:
        """A fresh code for ``account`` (its earlier unused code stops working)."""
        await connection.execute(
            tables.link_codes.delete().where(tables.link_codes.c.expires_at <= now)
        )
        await connection.execute(
            tables.link_codes.delete().where(
                tables.link_codes.c.platform == account.platform,
                tables.link_codes.c.member_id == account.id,
            )
        )
        code = new_code()
        await connection.execute(
            tables.link_codes.insert().values(
                code_hash=code_hash(code),
                person_id=person.id,
                platform=account.platform,
                member_id=account.id,
                expires_at=now + CODE_LIFETIME,
            )
        )
        return code

    async def redeem_code(
        self,
        connection: AsyncConnection,
        person: Person,
        account: MemberRef,
        code: str,
        now: datetime,
    ) -> LinkOutcome:
        """Link ``account`` (whose person is ``person``) to the person who issued ``code``."""
        guard = (
            await connection.execute(
                sa.select(tables.persons.c.link_failures, tables.persons.c.link_locked_until).where(
                    tables.persons.c.id == person.id
                )
            )
        ).one()
        if guard.link_locked_until is not None and guard.link_locked_until > now:
            wait = _minutes(guard.link_locked_until - now)
            return LinkOutcome(
                f"Linking is locked after {MAX_FAILURES} wrong codes; try again in {wait}."
            )
        row = (
            await connection.execute(
                sa.select(tables.link_codes).where(tables.link_codes.c.code_hash == code_hash(code))
            )
        ).first()
        if row is None or row.expires_at <= now:
            return await self._failed(
                connection, person, guard.link_failures + 1, now, expired=row is not None
            )
        if MemberRef(row.platform, row.member_id) == account:
            return LinkOutcome(
                "That code is for your other account: send link followed by the code from "
                "the account you want to add, not from this one."
            )
        if row.person_id == person.id:
            return LinkOutcome("These accounts are already linked; nothing to do.")
        target = await self.people.get(row.person_id, connection)
        if target is None:
            return await self._failed(connection, person, guard.link_failures + 1, now)
        refusal = _clash(target, person)
        if refusal is not None:
            return LinkOutcome(refusal)
        await connection.execute(
            tables.link_codes.delete().where(tables.link_codes.c.code_hash == row.code_hash)
        )
        kept = await self.merge(connection, target, person)
        return LinkOutcome("Linked.", person=kept, merged=person)

    async def _failed(
        self,
        connection: AsyncConnection,
        person: Person,
        failures: int,
        now: datetime,
        *,
        expired: bool = False,
    ) -> LinkOutcome:
        locked_until = now + LOCK_TIME if failures >= MAX_FAILURES else None
        await connection.execute(
            tables.persons.update()
            .where(tables.persons.c.id == person.id)
            .values(
                link_failures=0 if locked_until else failures,
                link_locked_until=locked_until,
            )
        )
        what = (
            "That code has expired (codes last 10 minutes)"
            if expired
            else "That code is wrong or was already used"
        )
        if locked_until is not None:
            return LinkOutcome(
                f"{what}. That was {MAX_FAILURES} wrong codes in a row, so linking is locked "
                f"for {_minutes(LOCK_TIME)}."
            )
        left = MAX_FAILURES - failures
        tries = "1 more try" if left == 1 else f"{left} more tries"
        return LinkOutcome(
            f"{what}. Send link in a DM from your other account for a fresh code "
            f"({tries} before linking is locked for {_minutes(LOCK_TIME)})."
        )

    async def confirm(
        self,
        connection: AsyncConnection,
        person: Person,
        account: MemberRef,
        other: MemberRef,
        now: datetime,
    ) -> LinkOutcome:
        """An organiser asked to link ``account`` and ``other``; ``account`` pressed "yes".

        The link happens once both accounts confirmed, within a day of each other.
        """
        key = "core:link-confirm:" + "|".join(sorted((str(account), str(other))))
        row = (
            await connection.execute(
                sa.select(tables.state.c.value).where(tables.state.c.key == key)
            )
        ).first()
        pending = row[0] if row is not None else {}
        confirmed = set(pending.get("confirmed", ()))
        if pending and datetime.fromisoformat(pending["expires"]) <= now:
            confirmed = set()
        confirmed.add(str(account))
        await connection.execute(tables.state.delete().where(tables.state.c.key == key))
        if str(other) not in confirmed:
            value = {
                "confirmed": sorted(confirmed),
                "expires": (now + CONFIRM_LIFETIME).isoformat(),
            }
            await connection.execute(tables.state.insert().values(key=key, value=value))
            return LinkOutcome("Waiting for the other account to confirm.", is_waiting=True)
        other_person = await self.people.of(other, connection)
        if other_person is None:
            return LinkOutcome("I don't know the other account any more; nothing was linked.")
        if other_person.id == person.id:
            return LinkOutcome("These accounts are already linked.")
        refusal = _clash(other_person, person)
        if refusal is not None:
            return LinkOutcome(refusal)
        kept = await self.merge(connection, other_person, person)
        return LinkOutcome("Linked.", person=kept, merged=person)

    async def merge(self, connection: AsyncConnection, kept: Person, merged: Person) -> Person:
        """Make ``merged``'s accounts ``kept``'s: features move their rows first (the
        ``people_merged`` hook), then the core moves the accounts and deletes ``merged``."""
        await self.on_merge(kept, merged, connection)
        values: dict[str, object] = {"link_failures": 0, "link_locked_until": None}
        if not kept.has_own_tz and merged.has_own_tz:
            values["tz"] = merged.tz.key
        if kept.dm_platform is None and merged.dm_platform is not None:
            values["dm_platform"] = merged.dm_platform
        await connection.execute(
            tables.members.update()
            .where(tables.members.c.person_id == merged.id)
            .values(person_id=kept.id)
        )
        await connection.execute(
            tables.link_codes.delete().where(tables.link_codes.c.person_id == merged.id)
        )
        await connection.execute(
            tables.persons.update().where(tables.persons.c.id == kept.id).values(**values)
        )
        await connection.execute(tables.persons.delete().where(tables.persons.c.id == merged.id))
        self.people.invalidate(kept.id, merged.id)
        person = await self.people.get(kept.id, connection)
        assert person is not None
        return person

    async def unlink(
        self, connection: AsyncConnection, person: Person, platform: str, now: datetime
    ) -> MemberRef:
        """Split ``person``'s account on ``platform`` off into a person of its own.

        The person keeps every feature's data; the account starts afresh.
        """
        account = person.account_on(platform)
        if account is None:
            linked = ", ".join(a.platform for a in person.accounts)
            raise UserError(f"You have no {platform} account linked (linked: {linked}).")
        if len(person.accounts) == 1:
            raise UserError(
                "That is your only account, so there is nothing to unlink it from. "
                "(To delete your data, send forget me.)"
            )
        name = (
            await connection.execute(
                sa.select(tables.members.c.display_name).where(
                    tables.members.c.platform == account.platform,
                    tables.members.c.member_id == account.id,
                )
            )
        ).scalar_one()
        new_id = (
            await connection.execute(
                tables.persons.insert()
                .values(
                    display_name=name,
                    created_at=now,
                    tz=person.tz.key if person.has_own_tz else None,
                )
                .returning(tables.persons.c.id)
            )
        ).scalar_one()
        await connection.execute(
            tables.members.update()
            .where(
                tables.members.c.platform == account.platform,
                tables.members.c.member_id == account.id,
            )
            .values(person_id=new_id)
        )
        values: dict[str, object] = {}
        if person.dm_platform == platform:
            values["dm_platform"] = None
        if person.last_platform == platform:
            values["last_platform"] = None
        if values:
            await connection.execute(
                tables.persons.update().where(tables.persons.c.id == person.id).values(**values)
            )
        self.people.invalidate(person.id)
        return account

"""Upgrading a database made by the previous release (accounts, not people) loses nothing.

The fixture builds the old schema with the old revisions (up to core_0004 and
checkins_0001), fills
it as that release would have, then upgrades to the current heads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from salon.core.storage import Storage, migrate
from salon.plugins import checkins

MIGRATIONS = [Path(checkins.__file__).parent / "migrations"]
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OLD_ROWS = {
    "salon_persons": [
        {"id": 1, "display_name": "Alice", "created_at": T0},
    ],
    "salon_members": [
        # Alice had a person; Bob's account predates persons being filled in.
        {
            "platform": "slack",
            "member_id": "U1",
            "person_id": 1,
            "display_name": "Alice",
            "tz": "Europe/Berlin",
            "created_at": T0,
        },
        {
            "platform": "telegram",
            "member_id": "7",
            "person_id": None,
            "display_name": "Bob",
            "tz": "America/New_York",
            "created_at": T0,
        },
    ],
    "checkins_goals": [
        {
            "id": 1,
            "platform": "slack",
            "member_id": "U1",
            "kind": "daily",
            "target": 300,
            "unit": "words",
            "deadline": None,
            "started_on": date(2026, 11, 1),
            "created_at": T0,
            "ended_at": T0,
            "reached_period": None,
        },
        {
            "id": 2,
            "platform": "slack",
            "member_id": "U1",
            "kind": "daily",
            "target": 500,
            "unit": "words",
            "deadline": None,
            "started_on": date(2026, 11, 20),
            "created_at": T0,
            "ended_at": None,
            "reached_period": "2026-11-20",
        },
        {
            "id": 3,
            "platform": "telegram",
            "member_id": "7",
            "kind": "weekly",
            "target": 3,
            "unit": "sessions",
            "deadline": None,
            "started_on": date(2026, 11, 20),
            "created_at": T0,
            "ended_at": None,
            "reached_period": None,
        },
    ],
    "checkins_progress": [
        {
            "platform": "slack",
            "member_id": "U1",
            "day": date(2026, 11, d),
            "amount": 100 * d,
            "unit": "words",
            "note": f"day {d}",
            "updated_at": T0,
        }
        for d in (18, 19, 20)
    ]
    + [
        {
            "platform": "matrix",
            "member_id": "@carol:example.org",
            "day": date(2026, 11, 20),
            "amount": 250,
            "unit": "words",
            "note": "",
            "updated_at": T0,
        },
    ],
    "checkins_streaks": [
        {
            "platform": "slack",
            "member_id": "U1",
            "length": 3,
            "best": 9,
            "last_day": date(2026, 11, 20),
            "is_alive": True,
        },
    ],
    "checkins_away": [
        {"platform": "telegram", "member_id": "7", "until": date(2026, 12, 24)},
    ],
    "checkins_checkins": [
        {
            "id": 1,
            "space_platform": "slack",
            "space_id": "C1",
            "days": "MO,TH",
            "ask_time": "09:00",
            "digest_time": "17:00",
            "questions": ["What?"],
            "created_at": T0,
        },
    ],
    "checkins_participants": [
        {
            "checkin_id": 1,
            "platform": "slack",
            "member_id": "U1",
            "tz": "Europe/Berlin",
            "skip_next": False,
            "joined_at": T0,
        },
        {
            "checkin_id": 1,
            "platform": "telegram",
            "member_id": "7",
            "tz": "America/New_York",
            "skip_next": True,
            "joined_at": T0,
        },
    ],
    "checkins_zones": [
        {"checkin_id": 1, "tz": "Europe/Berlin"},
        {"checkin_id": 1, "tz": "America/New_York"},
    ],
    "checkins_responses": [
        {
            "id": 1,
            "checkin_id": 1,
            "platform": "slack",
            "member_id": "U1",
            "round": "2026-11-19",
            "questions": ["What?"],
            "answers": [["What?", "A chapter"]],
            "status": "done",
            "asked_at": T0,
            "answered_at": T0,
            "is_reminded": False,
            "is_digested": True,
        },
        {
            "id": 2,
            "checkin_id": 1,
            "platform": "telegram",
            "member_id": "7",
            "round": "2026-11-19",
            "questions": ["What?"],
            "answers": [],
            "status": "asking",
            "asked_at": T0,
            "answered_at": None,
            "is_reminded": True,
            "is_digested": False,
        },
    ],
    "checkins_buddies": [
        {"platform": "slack", "member_id": "U1", "joined_at": T0},
        {"platform": "telegram", "member_id": "7", "joined_at": T0},
    ],
    "checkins_buddy_pairs": [{"id": 1, "formed_at": T0, "ended_at": None}],
    "checkins_buddy_pair_members": [
        {"pair_id": 1, "platform": "slack", "member_id": "U1"},
        {"pair_id": 1, "platform": "telegram", "member_id": "7"},
    ],
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def upgraded(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = str(request.getfixturevalue("postgres_db_url"))
    storage = Storage(url)
    assert await migrate.upgrade(storage, MIGRATIONS, target="core_0004")
    assert await migrate.upgrade(storage, MIGRATIONS, target="checkins_0001")
    async with storage.transaction() as db:
        old = sa.MetaData()
        await db.run_sync(old.reflect)
        for name, rows in OLD_ROWS.items():
            # Reflected tables have plain DateTime columns: the UTC times go in naive.
            naive = [
                {k: v.replace(tzinfo=None) if isinstance(v, datetime) else v for k, v in r.items()}
                for r in rows
            ]
            await db.execute(old.tables[name].insert(), naive)
        if storage.is_postgres:  # rows came with their ids: move the sequences past them
            for name in ("salon_persons", "checkins_goals", "checkins_responses"):
                await db.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), 10)")
                )
    applied = await migrate.upgrade(storage, MIGRATIONS)
    assert sorted(applied) == [
        "checkins_0002",
        "checkins_0003",
        "core_0005_people",
        "core_0006",
        "core_0007",
    ]
    try:
        yield storage
    finally:
        await storage.dispose()


async def _all(storage: Storage, query: str) -> list[tuple[object, ...]]:
    async with storage.engine.connect() as db:
        return [tuple(row) for row in await db.execute(sa.text(query))]


async def test_every_account_has_a_person_with_its_time_zone(upgraded: Storage) -> None:
    accounts = await _all(
        upgraded,
        "SELECT m.platform, m.member_id, p.display_name, p.tz FROM salon_members m"
        " JOIN salon_persons p ON p.id = m.person_id ORDER BY m.platform",
    )
    assert accounts == [
        ("matrix", "@carol:example.org", "@carol:example.org", None),
        ("slack", "U1", "Alice", "Europe/Berlin"),
        ("telegram", "7", "Bob", "America/New_York"),
    ]
    ids = await _all(upgraded, "SELECT person_id FROM salon_members")
    assert len({row[0] for row in ids}) == 3


async def test_nothing_of_the_check_ins_is_lost(upgraded: Storage) -> None:
    person = dict(
        await _all(upgraded, "SELECT member_id, person_id FROM salon_members")  # type: ignore[arg-type]
    )
    alice, bob, carol = person["U1"], person["7"], person["@carol:example.org"]
    assert await _all(
        upgraded, "SELECT id, person_id, target, ended_at IS NULL FROM checkins_goals ORDER BY id"
    ) == [(1, alice, 300, False), (2, alice, 500, True), (3, bob, 3, True)]
    progress = await _all(
        upgraded, "SELECT person_id, amount, note FROM checkins_progress ORDER BY person_id, day"
    )
    assert sorted(progress) == sorted(
        [
            (alice, 1800, "day 18"),
            (alice, 1900, "day 19"),
            (alice, 2000, "day 20"),
            (carol, 250, ""),
        ]
    )
    assert await _all(upgraded, "SELECT person_id, length, best FROM checkins_streaks") == [
        (alice, 3, 9)
    ]
    assert await _all(upgraded, "SELECT person_id FROM checkins_away") == [(bob,)]
    participants = await _all(
        upgraded, "SELECT person_id, tz, skip_next FROM checkins_participants"
    )
    assert sorted(participants) == sorted(
        [(alice, "Europe/Berlin", False), (bob, "America/New_York", True)]
    )
    responses = await _all(
        upgraded, "SELECT id, person_id, status FROM checkins_responses ORDER BY id"
    )
    assert responses == [(1, alice, "done"), (2, bob, "asking")]
    assert sorted(await _all(upgraded, "SELECT person_id FROM checkins_buddies")) == sorted(
        [(alice,), (bob,)]
    )
    assert sorted(
        await _all(upgraded, "SELECT pair_id, person_id FROM checkins_buddy_pair_members")
    ) == sorted([(1, alice), (1, bob)])
    assert len(await _all(upgraded, "SELECT * FROM checkins_zones")) == 2


async def test_the_upgraded_tables_take_new_rows(upgraded: Storage) -> None:
    """Ids keep counting after the moved rows (sequences survive on PostgreSQL)."""
    async with upgraded.transaction() as db:
        await db.execute(
            sa.text(
                "INSERT INTO checkins_goals (person_id, kind, target, unit, started_on,"
                " created_at) VALUES (1, 'daily', 100, 'words', '2026-11-21',"
                " '2026-11-21 09:00:00')"
            )
        )
        await db.execute(
            sa.text(
                "INSERT INTO checkins_progress (person_id, day, amount, unit, note, updated_at)"
                " VALUES (1, '2026-11-21', 5, 'words', '', '2026-11-21 09:00:00')"
            )
        )
    newest = (await _all(upgraded, "SELECT max(id) FROM checkins_goals"))[0][0]
    assert isinstance(newest, int) and newest > 3

"""Check-ins belong to people: every ``(platform, member_id)`` becomes ``person_id``.

Each account already has a person (core revision ``core_0005_people``); an account the core never
stored gets one here. Nothing is lost: every goal, progress row, streak, pause, participation,
answer, buddy sign-up and pairing moves to the account's person. Before this revision an
account was its own person, so no two rows collide.

Revision ID: checkins_0002
Revises: checkins_0001
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import op

from salon.core.storage import UTCDateTime, sa

revision = "checkins_0002"
down_revision = "checkins_0001"
branch_labels = None
depends_on = "core_0005_people"

members = sa.table(
    "salon_members",
    sa.column("platform", sa.String),
    sa.column("member_id", sa.String),
    sa.column("person_id", sa.Integer),
    sa.column("display_name", sa.String),
    sa.column("created_at", UTCDateTime()),
)
persons = sa.table(
    "salon_persons",
    sa.column("id", sa.Integer),
    sa.column("display_name", sa.String),
    sa.column("created_at", UTCDateTime()),
)

#: Tables whose primary key includes the member: rebuilt with ``person_id`` in its place.
REBUILT = (
    "checkins_progress",
    "checkins_streaks",
    "checkins_away",
    "checkins_participants",
    "checkins_buddies",
    "checkins_buddy_pair_members",
)
#: Tables with their own id (and a sequence on PostgreSQL): altered in place.
ALTERED = ("checkins_goals", "checkins_responses")


def _person(primary_key: bool = False) -> sa.Column[int]:
    return sa.Column("person_id", sa.Integer, primary_key=primary_key, nullable=False)


def _new_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    return {
        "checkins_progress": sa.Table(
            "checkins_progress",
            metadata,
            _person(primary_key=True),
            sa.Column("day", sa.Date, primary_key=True),
            sa.Column("amount", sa.Integer, nullable=False),
            sa.Column("unit", sa.String(16), nullable=False),
            sa.Column("note", sa.Text, nullable=False, server_default=""),
            sa.Column("updated_at", UTCDateTime(), nullable=False),
        ),
        "checkins_streaks": sa.Table(
            "checkins_streaks",
            metadata,
            _person(primary_key=True),
            sa.Column("length", sa.Integer, nullable=False),
            sa.Column("best", sa.Integer, nullable=False),
            sa.Column("last_day", sa.Date, nullable=True),
            sa.Column("is_alive", sa.Boolean, nullable=False),
        ),
        "checkins_away": sa.Table(
            "checkins_away",
            metadata,
            _person(primary_key=True),
            sa.Column("until", sa.Date, nullable=False),
        ),
        "checkins_participants": sa.Table(
            "checkins_participants",
            metadata,
            sa.Column(
                "checkin_id", sa.Integer, sa.ForeignKey("checkins_checkins.id"), primary_key=True
            ),
            _person(primary_key=True),
            sa.Column("tz", sa.String(64), nullable=False),
            sa.Column("skip_next", sa.Boolean, nullable=False, server_default=sa.false()),
            sa.Column("joined_at", UTCDateTime(), nullable=False),
            sa.Index("ix_checkins_participants_zone", "checkin_id", "tz"),
        ),
        "checkins_buddies": sa.Table(
            "checkins_buddies",
            metadata,
            _person(primary_key=True),
            sa.Column("joined_at", UTCDateTime(), nullable=False),
        ),
        "checkins_buddy_pair_members": sa.Table(
            "checkins_buddy_pair_members",
            metadata,
            sa.Column(
                "pair_id", sa.Integer, sa.ForeignKey("checkins_buddy_pairs.id"), primary_key=True
            ),
            _person(primary_key=True),
            sa.Index("ix_checkins_buddy_pair_members_person", "person_id"),
        ),
    }


def _person_ids(connection: Any) -> dict[tuple[str, str], int]:
    """Every account's person, creating persons for accounts the core never stored."""
    known = {
        (row.platform, row.member_id): int(row.person_id)
        for row in connection.execute(
            sa.select(members.c.platform, members.c.member_id, members.c.person_id)
        )
    }
    inspector = sa.inspect(connection)
    seen: set[tuple[str, str]] = set()
    for name in (*REBUILT, *ALTERED):
        if not inspector.has_table(name):
            continue
        table = sa.table(name, sa.column("platform", sa.String), sa.column("member_id", sa.String))
        for row in connection.execute(sa.select(table.c.platform, table.c.member_id).distinct()):
            seen.add((row.platform, row.member_id))
    now = datetime.now(UTC)
    for platform, member_id in sorted(seen - known.keys()):
        person_id = connection.execute(
            persons.insert().values(display_name=member_id, created_at=now).returning(persons.c.id)
        ).scalar_one()
        connection.execute(
            members.insert().values(
                platform=platform,
                member_id=member_id,
                person_id=person_id,
                display_name=member_id,
                created_at=now,
            )
        )
        known[(platform, member_id)] = int(person_id)
    return known


def _aware(value: Any) -> Any:
    """Reflected columns read UTC times back naive; the new tables take them aware."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def upgrade() -> None:
    connection = op.get_bind()
    ids = _person_ids(connection)
    old = sa.MetaData()
    saved: dict[str, list[dict[str, Any]]] = {}
    for name in REBUILT:
        table = sa.Table(name, old, autoload_with=connection)
        rows = []
        for row in connection.execute(sa.select(table)):
            values = {key: _aware(value) for key, value in row._mapping.items()}
            values["person_id"] = ids[(values.pop("platform"), values.pop("member_id"))]
            rows.append(values)
        saved[name] = rows
    # Children first (nothing references these tables, but keep the order obvious).
    for name in reversed(REBUILT):
        op.drop_table(name)
    metadata = sa.MetaData()
    for parent in ("checkins_checkins", "checkins_buddy_pairs"):  # for the foreign keys
        sa.Table(parent, metadata, autoload_with=connection)
    new = _new_tables(metadata)
    for name in REBUILT:
        new[name].create(connection)
        if saved[name]:
            connection.execute(new[name].insert(), saved[name])

    for name in ALTERED:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("person_id", sa.Integer, nullable=True))
        altered = sa.table(
            name,
            sa.column("platform", sa.String),
            sa.column("member_id", sa.String),
            sa.column("person_id", sa.Integer),
        )
        for (platform, member_id), person_id in ids.items():
            connection.execute(
                altered.update()
                .where(altered.c.platform == platform, altered.c.member_id == member_id)
                .values(person_id=person_id)
            )
    with op.batch_alter_table("checkins_goals") as batch:
        batch.drop_index("ix_checkins_goals_member")
        batch.alter_column("person_id", existing_type=sa.Integer, nullable=False)
        batch.drop_column("platform")
        batch.drop_column("member_id")
        batch.create_index("ix_checkins_goals_person", ["person_id"])
    with op.batch_alter_table("checkins_responses") as batch:
        batch.drop_index("ix_checkins_responses_member")
        batch.drop_constraint("uq_checkins_responses_round", type_="unique")
        batch.alter_column("person_id", existing_type=sa.Integer, nullable=False)
        batch.drop_column("platform")
        batch.drop_column("member_id")
        batch.create_unique_constraint(
            "uq_checkins_responses_person_round", ["checkin_id", "person_id", "round"]
        )
        batch.create_index("ix_checkins_responses_person", ["person_id", "status"])


def downgrade() -> None:
    raise NotImplementedError(
        "checkins_0002 cannot be undone: linked accounts share one person's rows, which "
        "cannot be split back into accounts. Restore a backup taken before the upgrade."
    )

"""People: every account belongs to a person; time zone and preferences move to the person.

Accounts without a person get one each; a person's time zone is the one any of their
accounts had. Adds the one-time link codes and the community's spaces.

Revision ID: core_0005_people
Revises: core_0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from salon.core.storage.types import UTCDateTime

revision = "core_0005_people"
down_revision = "core_0004"
branch_labels = None
depends_on = None

persons = sa.table(
    "salon_persons",
    sa.column("id", sa.Integer),
    sa.column("display_name", sa.String),
    sa.column("created_at", UTCDateTime()),
    sa.column("tz", sa.String),
)
members = sa.table(
    "salon_members",
    sa.column("platform", sa.String),
    sa.column("member_id", sa.String),
    sa.column("person_id", sa.Integer),
    sa.column("display_name", sa.String),
    sa.column("created_at", UTCDateTime()),
    sa.column("tz", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("salon_persons") as batch:
        batch.add_column(sa.Column("tz", sa.String(64), nullable=True))
        batch.add_column(sa.Column("dm_platform", sa.String(32), nullable=True))
        batch.add_column(sa.Column("last_platform", sa.String(32), nullable=True))
        batch.add_column(sa.Column("link_failures", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("link_locked_until", UTCDateTime(), nullable=True))
    connection = op.get_bind()
    orphans = connection.execute(
        sa.select(members.c.platform, members.c.member_id, members.c.display_name)
        .where(members.c.person_id.is_(None))
        .order_by(members.c.created_at)
    ).all()
    for platform, member_id, display_name in orphans:
        created = connection.execute(
            sa.select(members.c.created_at).where(
                members.c.platform == platform, members.c.member_id == member_id
            )
        ).scalar_one()
        person_id = connection.execute(
            persons.insert()
            .values(display_name=display_name, created_at=created)
            .returning(persons.c.id)
        ).scalar_one()
        connection.execute(
            members.update()
            .where(members.c.platform == platform, members.c.member_id == member_id)
            .values(person_id=person_id)
        )
    zoned = connection.execute(
        sa.select(members.c.person_id, members.c.tz)
        .where(members.c.tz.is_not(None))
        .order_by(members.c.created_at)
    ).all()
    for person_id, tz in zoned:
        connection.execute(
            persons.update().where(persons.c.id == person_id, persons.c.tz.is_(None)).values(tz=tz)
        )
    with op.batch_alter_table("salon_members") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer, nullable=False)
        batch.drop_column("tz")
        batch.create_index("ix_salon_members_person", ["person_id"])
    op.create_table(
        "salon_link_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("salon_persons.id"), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("member_id", sa.String(255), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )

    op.create_table(
        "salon_spaces",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("space_id", sa.String(255), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, server_default=""),
        sa.Column("is_joined", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("groups", sa.JSON, nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("salon_spaces")
    op.drop_table("salon_link_codes")
    with op.batch_alter_table("salon_members") as batch:
        batch.drop_index("ix_salon_members_person")
        batch.add_column(sa.Column("tz", sa.String(64), nullable=True))
        batch.alter_column("person_id", existing_type=sa.Integer, nullable=True)
    connection = op.get_bind()
    for person_id, tz in connection.execute(
        sa.select(persons.c.id, persons.c.tz).where(persons.c.tz.is_not(None))
    ).all():
        connection.execute(members.update().where(members.c.person_id == person_id).values(tz=tz))
    with op.batch_alter_table("salon_persons") as batch:
        for column in ("link_locked_until", "link_failures", "last_platform", "dm_platform", "tz"):
            batch.drop_column(column)

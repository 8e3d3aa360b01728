"""``salon plugin new NAME``: a ready plugin package whose tests pass right away.

The package has what most features need, each piece small enough to read in a minute: a
command with an organiser subcommand, a scheduled job, settings, a table with its migration,
and tests with the harness. Replace the example logic with your feature's.
"""

from __future__ import annotations

import re
from pathlib import Path

from salon.core.errors import SalonError

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")

PYPROJECT = """[build-system]
requires = ["setuptools>=69", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "salon-{dist}"
version = "0.1.0"
description = "{title}: a salon plugin."
requires-python = ">=3.11"
dependencies = ["salon"]

[project.optional-dependencies]
test = ["pytest>=8", "pytest-asyncio>=0.24"]

[project.entry-points.salon]
{name} = "salon_{name}"

[tool.setuptools]
packages = ["salon_{name}", "salon_{name}.migrations"]

[tool.pytest.ini_options]
testpaths = ["tests"]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
"""

PLUGIN = '''"""{title}: a salon plugin (made with `salon plugin new {name}`).

`!{command}` posts the message; an organiser's `!{command} daily 09:00` posts it in that space
every day at 09:00 (the organiser's time zone). The message is set in salon.toml:

    [plugins.{name}]
    message = "Time to write!"
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from typing import Any

import attrs

from salon.core import (
    TIME,
    Arg,
    Command,
    Context,
    Job,
    JobContext,
    JobHandler,
    Outbound,
    Role,
    SpaceRef,
    UserError,
    bold,
    hookimpl,
    md,
)
from salon.core.storage import sa

PLUGIN = "{name}"
DAILY_JOB = "{name}.daily"

metadata = sa.MetaData()
#: The spaces that get the message every day, and when (created by ``migrations/``).
daily = sa.Table(
    "{name}_daily",
    metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("space_id", sa.String(255), primary_key=True),
    sa.Column("at", sa.String(5), nullable=False),
)


@attrs.frozen
class Settings:
    """``[plugins.{name}]``: every field needs a default."""

    message: str = "Time to write!"


def message(bot: Any) -> str:
    return str(bot.plugin_config(PLUGIN).message)


def show(ctx: Context) -> None:
    ctx.reply(md(message(ctx.bot)))


async def schedule_daily(ctx: Context, at: time) -> None:
    if ctx.space.is_direct:
        raise UserError("Run this in the space that should get the message.")
    tz = ctx.person.tz
    space = ctx.space.ref
    async with ctx.transaction() as db:
        here = (daily.c.platform == space.platform) & (daily.c.space_id == space.id)
        await db.execute(daily.delete().where(here))
        await db.execute(
            daily.insert().values(platform=space.platform, space_id=space.id, at=f"{{at:%H:%M}}")
        )
        await ctx.bot.scheduler.schedule(
            f"{{PLUGIN}}:{{space.platform}}:{{space.id}}",
            DAILY_JOB,
            rrule="FREQ=DAILY",
            start=datetime.combine(ctx.now().astimezone(tz).date(), at),
            tz=tz,
            payload={{"platform": space.platform, "space": space.id}},
            connection=db,
        )
    ctx.reply(md("I'll post here every day at ", bold(f"{{at:%H:%M}}"), f" ({{tz.key}})."))


def post_daily(ctx: JobContext, job: Job) -> None:
    space = SpaceRef(job.payload["platform"], job.payload["space"])
    ctx.send(Outbound(md(message(ctx.bot)), space=space))


@hookimpl
def register_commands(register: Callable[[Command], None]) -> None:
    register(
        Command(
            "{command}",
            show,
            help="Post the {title} message.",
            subcommands=(
                Command(
                    "daily",
                    schedule_daily,
                    help="Post the message here every day.",
                    args=(Arg("at", TIME, help="time of day, e.g. 09:00"),),
                    role=Role.ORGANISER,
                ),
            ),
        )
    )


@hookimpl
def register_jobs(register: Callable[[JobHandler], None]) -> None:
    register(JobHandler(DAILY_JOB, post_daily))


@hookimpl
def register_config(register: Callable[[type[Any]], None]) -> None:
    register(Settings)


@hookimpl
def register_migrations(register: Callable[[Path], None]) -> None:
    register(Path(__file__).parent / "migrations")
'''

MIGRATION = '''"""{title}: the spaces that get the daily message.

Revision ID: {name}_0001
Revises:
"""

from __future__ import annotations

from alembic import op

from salon.core.storage import sa

revision = "{name}_0001"
down_revision = None
branch_labels = ("{name}",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "{name}_daily",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("space_id", sa.String(255), primary_key=True),
        sa.Column("at", sa.String(5), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("{name}_daily")
'''

TESTS = '''"""{title}: tests with salon's harness (the `salon_bot` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from salon.core.testing import SalonHarness


@pytest.fixture
def salon_plugins() -> list[str]:
    return ["{name}"]


@pytest.fixture
def salon_config(salon_config: dict) -> dict:
    return {{**salon_config, "plugins": {{"{name}": {{"message": "Write 100 words!"}}}}}}


async def test_the_command_posts_the_configured_message(salon_bot: SalonHarness) -> None:
    assert salon_bot.texts(await salon_bot.send("!{command}")) == ["Write 100 words!"]


async def test_an_organiser_schedules_it_daily(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send("!{command} daily 09:00", as_="olive")
    assert salon_bot.texts(replies) == ["I'll post here every day at *09:00* (UTC)."]
    await salon_bot.restart()  # scheduled jobs survive a restart
    posted = await salon_bot.advance(to=datetime(2026, 1, 6, 9, 0, tzinfo=UTC))
    assert salon_bot.texts(posted) == ["Write 100 words!"]
    assert posted[0].space == salon_bot.space("general").ref


async def test_members_cannot_schedule_and_bad_times_are_explained(
    salon_bot: SalonHarness,
) -> None:
    replies = salon_bot.texts(await salon_bot.send("!{command} daily 09:00"))
    assert replies == ["Only organisers can use `!{command} daily`."]
    replies = salon_bot.texts(await salon_bot.send("!{command} daily soon", as_="olive"))
    assert replies[0].startswith("at: 'soon' is not a time of day")
'''

README = """# salon-{dist}

{title}: a salon plugin. `!{command}` posts a message; organisers schedule it daily with
`!{command} daily 09:00`.

    pip install -e '.[test]'
    pytest

Install it next to salon and `salon plugins` lists `{name}`. Settings go under
`[plugins.{name}]` in salon.toml. See salon's docs/plugins.md and docs/api.md.
"""


def create_plugin(name: str, directory: Path) -> Path:
    """Write the package for plugin ``name`` under ``directory``; return its root.

    :raises SalonError: for a bad name or an existing directory.
    """
    if not _NAME.match(name):
        raise SalonError(
            f"{name!r} is not a plugin name: lowercase letters, digits and '_', starting with "
            "a letter (e.g. daily_prompt)"
        )
    dist = name.replace("_", "-")
    root = directory / f"salon-{dist}"
    if root.exists():
        raise SalonError(f"{root} already exists")
    values = {
        "name": name,
        "dist": dist,
        "command": dist,
        "title": name.replace("_", " ").capitalize(),
    }
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"salon_{name}/__init__.py": PLUGIN,
        f"salon_{name}/migrations/__init__.py": "",
        f"salon_{name}/migrations/{name}_0001_initial.py": MIGRATION,
        f"tests/test_{name}.py": TESTS,
    }
    for relative, template in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    return root

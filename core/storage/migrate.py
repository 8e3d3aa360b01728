"""Alembic migrations of the core and of every plugin, each plugin on its own branch.

There is no ``alembic.ini`` or ``env.py``: the revision directories come from the core and from
the plugins' ``register_migrations`` hooks, and we drive Alembic's environment directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from salon.core.storage.engine import Storage
from sqlalchemy import Connection

CORE_MIGRATIONS = Path(__file__).parent / "migrations"


def _config(locations: Sequence[Path]) -> Config:
    config = Config()
    config.set_main_option("script_location", str(CORE_MIGRATIONS))
    paths = [str(CORE_MIGRATIONS), *(str(p) for p in locations if p != CORE_MIGRATIONS)]
    config.set_main_option("version_locations", " ".join(paths))
    config.set_main_option("path_separator", "space")
    return config


def _script(locations: Sequence[Path]) -> ScriptDirectory:
    return ScriptDirectory.from_config(_config(locations))


async def pending_heads(storage: Storage, locations: Sequence[Path]) -> set[str]:
    """The revision heads not yet applied (empty when the database is up to date)."""
    script = _script(locations)

    def current(connection: Connection) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    async with storage.engine.connect() as connection:
        applied = await connection.run_sync(current)
    return set(script.get_heads()) - applied


async def upgrade(storage: Storage, locations: Sequence[Path]) -> list[str]:
    """Apply every pending revision of every branch; return the applied revision ids."""
    config = _config(locations)
    script = ScriptDirectory.from_config(config)
    applied: list[str] = []

    def run(connection: Connection) -> None:
        def revisions(rev: Any, context: Any) -> Any:
            steps = script._upgrade_revs("heads", rev)
            applied.extend(step.revision.revision for step in steps)
            return steps

        with EnvironmentContext(config, script, fn=revisions, destination_rev="heads") as env:
            env.configure(connection=connection, target_metadata=None, render_as_batch=True)
            with env.begin_transaction():
                env.run_migrations()

    async with storage.engine.connect() as connection:
        await connection.run_sync(run)
        await connection.commit()
    return applied

"""Alembic migrations of the core and of every plugin, each plugin on its own branch.

There is no ``alembic.ini`` or ``env.py``: the revision directories come from the core and from
the plugins' ``register_migrations`` hooks, and we drive Alembic's environment directly.
Checking whether anything is pending does not import Alembic (it costs ~11 MB of memory for the
life of the process); only an actual upgrade does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import Connection

from salon.core.storage.engine import Storage
from salon.core.storage.locks import advisory_key

if TYPE_CHECKING:
    from alembic.config import Config

CORE_MIGRATIONS = Path(__file__).parent / "migrations"


def _locations(locations: Sequence[Path]) -> list[Path]:
    return [CORE_MIGRATIONS, *(p for p in locations if p != CORE_MIGRATIONS)]


def _config(locations: Sequence[Path]) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(CORE_MIGRATIONS))
    config.set_main_option("version_locations", " ".join(str(p) for p in _locations(locations)))
    config.set_main_option("path_separator", "space")
    return config


def _assigned(tree: ast.Module, name: str) -> Any:
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and node.value:
                return ast.literal_eval(node.value)
    return None


def _as_set(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    return set(value)


def script_heads(locations: Sequence[Path]) -> set[str]:
    """The newest revision of every branch, read from the revision files' source."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for directory in _locations(locations):
        for path in sorted(directory.glob("*.py")):
            if path.name.startswith("__"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            revisions |= _as_set(_assigned(tree, "revision"))
            parents |= _as_set(_assigned(tree, "down_revision"))
    return revisions - parents


def _applied(connection: Connection) -> set[str]:
    if not sa.inspect(connection).has_table("alembic_version"):
        return set()
    rows = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
    return {row[0] for row in rows}


async def pending_heads(storage: Storage, locations: Sequence[Path]) -> set[str]:
    """The revision heads not yet applied (empty when the database is up to date)."""
    async with storage.engine.connect() as connection:
        applied = await connection.run_sync(_applied)
    return script_heads(locations) - applied


async def upgrade(storage: Storage, locations: Sequence[Path], target: str = "heads") -> list[str]:
    """Apply every pending revision of every branch (or up to revision ``target`` only, as
    upgrade tests do to build an older schema); return the applied revision ids.

    On PostgreSQL the upgrade holds an advisory lock to its commit: of several workers starting
    at once, one migrates and the others wait, then apply nothing."""
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    config = _config(locations)
    script = ScriptDirectory.from_config(config)
    applied: list[str] = []

    def run(connection: Connection) -> None:
        def revisions(rev: Any, context: Any) -> Iterable[Any]:
            steps = script._upgrade_revs(target, rev)
            applied.extend(step.revision.revision for step in steps)
            return steps

        with EnvironmentContext(config, script, fn=revisions, destination_rev=target) as env:
            env.configure(connection=connection, target_metadata=None, render_as_batch=True)
            with env.begin_transaction():
                env.run_migrations()

    async with storage.engine.connect() as connection:
        if storage.is_postgres:
            # One worker migrates; the others wait here, then find nothing left to apply.
            await connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key("migrations")}
            )
        await connection.run_sync(run)
        await connection.commit()
    return applied

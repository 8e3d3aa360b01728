"""``salon db backup PATH``: a consistent copy of the database while salon keeps running.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the file page by page,
consistent even while a worker writes; the copy is an ordinary SQLite file (restore: stop
salon, put it in place of the database file). PostgreSQL: ``pg_dump --format=custom``, one
consistent snapshot (restore with ``pg_restore``; see docs/deploy.md). The copy is written
next to ``PATH`` and renamed into place only once complete, so a failed backup never leaves
a half-written file under that name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa

from salon.core.errors import ConfigError, SalonError


class BackupError(SalonError):
    """The backup could not be made; the message says why and what to do."""


def backup(url: str, target: Path, *, overwrite: bool = False) -> str:
    """Copy the database at ``url`` to ``target``; return what was done, in one sentence."""
    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists; choose another name or pass --force")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory")
    partial = target.with_name(f".{target.name}.partial")
    try:
        if backend == "sqlite":
            how = _backup_sqlite(parsed, partial)
        elif backend == "postgresql":
            how = _backup_postgres(parsed, partial)
        else:
            raise ConfigError(f"database.url: cannot back up a {backend} database")
        partial.replace(target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return f"Backed up {parsed.render_as_string(hide_password=True)} to {target} ({how})."


def _backup_sqlite(url: sa.engine.URL, partial: Path) -> str:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        raise BackupError("database.url: an in-memory SQLite database cannot be backed up")
    source_path = Path(database)
    if not source_path.is_file():
        raise BackupError(f"database.url: there is no database file at {source_path}")
    # Read-only, so a backup never creates or changes the database it copies.
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination, pages=1024)  # in steps: writers are not held up long
        finally:
            destination.close()
    finally:
        source.close()
    return "SQLite online backup"


def _backup_postgres(url: sa.engine.URL, partial: Path) -> str:
    pg_dump = find_pg_dump()
    if pg_dump is None:
        raise BackupError(
            "pg_dump is not installed; install PostgreSQL's client tools "
            "(Debian/Ubuntu: `apt install postgresql-client`) at the server's version or newer"
        )
    command = [pg_dump, "--format=custom", "--no-password", f"--file={partial}"]
    result = subprocess.run(
        command, env=pg_environment(url), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip() or result.returncode}")
    return "pg_dump, custom format: restore with pg_restore"


def find_pg_dump() -> str | None:
    """``pg_dump`` on PATH, else the newest of Debian's ``/usr/lib/postgresql/<n>/bin``."""
    on_path = shutil.which("pg_dump")
    if on_path:
        return on_path
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_dump"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return str(found[-1]) if found else None


def pg_environment(url: sa.engine.URL, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """libpq's environment for ``url``: the password goes in ``PGPASSWORD``, never on a
    command line where ``ps`` shows it."""
    env = dict(os.environ if base is None else base)
    values = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password if isinstance(url.password, str) else None,
        "PGDATABASE": url.database,
    }
    sslmode = url.query.get("sslmode") or url.query.get("ssl")
    if isinstance(sslmode, str):
        values["PGSSLMODE"] = sslmode
    env.update({key: value for key, value in values.items() if value})
    return env

"""A throwaway PostgreSQL server in a temp dir on 127.0.0.1, stopped by PID afterwards."""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

from servers.processes import ServerStartError, find_free_port, stop_process, wait_until_ready

SUPERUSER = "postgres"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def find_postgres_bin() -> Path | None:
    """The directory holding initdb/postgres/psql: Debian's newest, else whatever is on PATH."""
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if debian:
        return debian[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


@attrs.define
class PostgresServer:
    """A running server: build URLs for its databases, create and drop them."""

    bin_dir: Path
    port: int
    #: The postmaster's process id (reliability tests stop it; benchmarks read its CPU time).
    pid: int
    _numbers: Iterator[int] = attrs.field(init=False, factory=lambda: itertools.count(1))

    def url_for(self, database: str) -> str:
        """The SQLAlchemy async URL of one database on this server."""
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """Create a database (`test_<n>` unless named) and return its name."""
        name = name or f"test_{next(self._numbers)}"
        self.run_sql(f'CREATE DATABASE "{_checked(name)}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection a test left open."""
        self.run_sql(f'DROP DATABASE IF EXISTS "{_checked(name)}" WITH (FORCE)')

    def run_sql(self, sql: str, database: str = "postgres") -> None:
        """Run one statement through psql, in the maintenance database unless told.

        psql rather than asyncpg, so that sync fixtures never touch an event loop.
        """
        result = subprocess.run(
            [
                str(self.bin_dir / "psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SUPERUSER,
                "-d",
                database,
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed on {sql!r}: {result.stderr.strip()}")


@contextmanager
def run_postgres(bin_dir: Path) -> Iterator[PostgresServer]:
    """Start PostgreSQL in a fresh temp dir on a free port; stop it and remove the dir on exit."""
    base = Path(tempfile.mkdtemp(prefix="salon-postgres-"))
    account = _server_account()
    as_account: dict[str, object] = {}
    if account is not None:
        os.chown(base, account.pw_uid, account.pw_gid)
        as_account = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    data_dir = base / "data"
    log_path = base / "postgres.log"
    process: subprocess.Popen[bytes] | None = None
    try:
        initdb = subprocess.run(
            [
                str(bin_dir / "initdb"),
                "--pgdata",
                str(data_dir),
                "--username",
                SUPERUSER,
                "--auth-host=trust",
                "--auth-local=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            cwd=base,
            capture_output=True,
            text=True,
            **as_account,  # type: ignore[call-overload]
        )
        if initdb.returncode != 0:
            raise ServerStartError(f"initdb failed:\n{initdb.stdout}\n{initdb.stderr}")

        port = find_free_port()
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    str(bin_dir / "postgres"),
                    "-D",
                    str(data_dir),
                    "-p",
                    str(port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    f"unix_socket_directories={base}",
                    # Durability is worthless for a server that lives one test session.
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                ],
                cwd=base,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **as_account,  # type: ignore[call-overload]
            )
        server = PostgresServer(bin_dir=bin_dir, port=port, pid=process.pid)
        wait_until_ready(
            "PostgreSQL", process, lambda: _accepts_connections(bin_dir, port), log_path, timeout=30
        )
        yield server
    finally:
        if process is not None:
            # SIGINT is PostgreSQL's "fast" shutdown: it disconnects clients instead of waiting.
            stop_process(process, signal.SIGINT)
        shutil.rmtree(base, ignore_errors=True)


def _server_account() -> pwd.struct_passwd | None:
    """The account to run the server as: PostgreSQL refuses to run as root.

    None when we are not root (the server runs as us); otherwise `postgres` if the
    system has it (Debian's package creates it), else `nobody`.
    """
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ServerStartError("running as root, and there is no postgres or nobody account")


def _accepts_connections(bin_dir: Path, port: int) -> bool:
    result = subprocess.run(
        [str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)],
        capture_output=True,
    )
    return result.returncode == 0


def _checked(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain database name: {name!r}")
    return name

"""pytest fixtures for the real servers; use them with `from servers.fixtures import *`.

A server that is not installed skips its tests locally, with the install command in the
reason, and fails them on CI (env CI set), where skipping would hide a broken setup.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NoReturn

import pytest

from servers.postgres import PostgresServer, find_postgres_bin, run_postgres
from servers.processes import is_ci
from servers.synapse import SynapseServer, find_synapse_venv, run_synapse

__all__ = ["postgres_db_url", "postgres_server", "postgres_url", "synapse"]

_INSTALL_HINT = "run scripts/install-test-servers"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session."""
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        _skip_or_fail(f"PostgreSQL server binaries (initdb) not found; {_INSTALL_HINT}")
    with run_postgres(bin_dir) as server:
        yield server


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """URL (`postgresql+asyncpg://...`) of one database shared by the whole session."""
    return postgres_server.url_for(postgres_server.create_database("salon"))


@pytest.fixture
def postgres_db_url(postgres_server: PostgresServer) -> Iterator[str]:
    """URL of a fresh, empty database for one test; dropped afterwards."""
    name = postgres_server.create_database()
    yield postgres_server.url_for(name)
    postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def synapse() -> Iterator[SynapseServer]:
    """A Synapse homeserver for the whole session: `.url`, `.server_name`, `.register_user()`."""
    venv = find_synapse_venv()
    if venv is None:
        _skip_or_fail(f"Synapse venv not found (set SALON_SYNAPSE_VENV); {_INSTALL_HINT}")
    with run_synapse(venv) as server:
        yield server


def _skip_or_fail(reason: str) -> NoReturn:
    if is_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)

"""``salon db backup PATH`` while the bot runs, then the restore docs/deploy.md describes:
SQLite (online backup API, file put in place) and a real PostgreSQL (pg_dump, pg_restore)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from salon.core.clock import ManualClock
from salon.core.storage.backup import find_pg_dump
from salon.core.testing import SalonHarness, default_config

SALON = [sys.executable, "-m", "salon.core.cli"]


def salon(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SALON, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )


def write_config(directory: Path, url: str) -> Path:
    path = directory / "salon.toml"
    path.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return path


def harness_on(url: str, tmp_path: Path) -> SalonHarness:
    config = default_config(tmp_path / "unused.db")
    config["database"] = {"url": url}
    return SalonHarness(config, ManualClock())


def partial_files(directory: Path) -> list[Path]:
    return list(directory.glob(".*.partial"))


def pg_restore(port: int, database: str, dump: Path) -> subprocess.CompletedProcess[str]:
    program = str(Path(find_pg_dump() or "pg_dump").with_name("pg_restore"))
    return subprocess.run(
        [
            program,
            "--no-owner",
            "--host=127.0.0.1",
            f"--port={port}",
            "--username=postgres",
            f"--dbname={database}",
            str(dump),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


async def zone_of(harness: SalonHarness, name: str) -> str:
    return harness.texts(await harness.send("!tz", as_=name))[0]


async def test_sqlite_backup_while_running_then_restore(tmp_path: Path) -> None:
    database = tmp_path / "salon.db"
    url = f"sqlite:///{database}"
    write_config(tmp_path, url)
    bot = harness_on(url, tmp_path)
    await bot.start()
    try:
        await bot.send("!tz Asia/Tokyo", as_="bob")
        result = salon("db", "backup", "backup.db", cwd=tmp_path)  # the bot keeps running
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == (
            f"Backed up sqlite:///{database} to backup.db (SQLite online backup)."
        )
        await bot.send("!tz Europe/Berlin", as_="bob")  # after the backup
        again = salon("db", "backup", "backup.db", cwd=tmp_path)
        assert again.returncode == 1
        assert "backup.db exists; choose another name or pass --force" in again.stderr
    finally:
        await bot.stop()
    assert not partial_files(tmp_path)
    shutil.copyfile(tmp_path / "backup.db", database)  # restore: salon stopped, file in place
    restored = harness_on(url, tmp_path)
    await restored.start()
    try:
        assert "Asia/Tokyo" in await zone_of(restored, "bob")
    finally:
        await restored.stop()


def test_sqlite_backup_of_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    write_config(tmp_path, f"sqlite:///{tmp_path / 'nothing-here.db'}")
    result = salon("db", "backup", "backup.db", cwd=tmp_path)
    assert result.returncode == 1
    assert "there is no database file at" in result.stderr
    assert not (tmp_path / "nothing-here.db").exists()  # nothing created
    assert not (tmp_path / "backup.db").exists()


async def test_postgres_backup_while_running_then_restore(
    tmp_path: Path, postgres_server, postgres_db_url: str
) -> None:  # type: ignore[no-untyped-def]
    if find_pg_dump() is None:
        pytest.skip("pg_dump is not installed")
    write_config(tmp_path, postgres_db_url)
    bot = harness_on(postgres_db_url, tmp_path)
    await bot.start()
    try:
        await bot.send("!tz Asia/Tokyo", as_="bob")
        result = salon("db", "backup", "salon.dump", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "pg_dump, custom format" in result.stdout
        assert "postgresql+asyncpg://postgres@127.0.0.1" in result.stdout
    finally:
        await bot.stop()
    # Restore into a new, empty database, as docs/deploy.md says.
    name = postgres_server.create_database()
    try:
        restore = pg_restore(postgres_server.port, name, tmp_path / "salon.dump")
        assert restore.returncode == 0, restore.stderr
        restored = harness_on(postgres_server.url_for(name), tmp_path)
        await restored.start()
        try:
            assert "Asia/Tokyo" in await zone_of(restored, "bob")
        finally:
            await restored.stop()
    finally:
        postgres_server.drop_database(name)

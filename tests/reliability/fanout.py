"""A check-in fan-out run by real ``salon run`` processes that the tests kill.

The database is prepared in-process (members, one check-in, its ask jobs due now); workers are
``salon run`` subprocesses on the console adapter, each writing what it sends to its own file,
which the tests count. Nothing of salon's own is replaced: the process is killed for real.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from salon.core import Bot
from salon.core.config import config_from_mapping
from salon.core.storage import sa
from salon.core.storage import tables as core_tables
from salon.plugins.checkins import tables
from salon.plugins.checkins.schedule import DEFAULT_QUESTIONS, sync_zones

SALON = [sys.executable, "-m", "salon.core.cli"]
ASKED = re.compile(r"^\[DM to (m\d+)\] Check-in time", re.MULTILINE)
#: Zones spread the members over many ask jobs (one per zone); all are made due at once.
ZONES = (
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Rome",
    "Europe/Madrid",
    "Europe/Vienna",
    "Europe/Oslo",
    "Europe/Prague",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "Asia/Tokyo",
    "Australia/Sydney",
)


def write_config(
    directory: Path, url: str, lease: float, adapter: str = '[adapters.console]\nmember = "o"\n'
) -> Path:
    path = directory / "salon.toml"
    path.write_text(
        "[community]\n"
        'name = "Reliability"\n'
        "[database]\n"
        f'url = "{url}"\n'
        f"outbox_lease = {lease}\n" + adapter
    )
    return path


async def prepare(
    url: str, count: int, platform: str = "console", ids: list[str] | None = None
) -> None:
    """Members (``m0``, ``m1``... or ``ids``), each a person with their zone, one check-in with
    every member, and its ask jobs due now."""
    ids = ids or [f"m{i}" for i in range(count)]
    config = config_from_mapping({"community": {"name": "Reliability"}, "database": {"url": url}})
    bot = Bot(config, env={})
    await bot.prepare_database()
    now = bot.clock.now()
    async with bot.storage.transaction() as db:
        # Each member is a person with their zone (the accounts are the person's).
        person_ids = (
            await db.execute(
                core_tables.persons.insert().returning(
                    core_tables.persons.c.id, sort_by_parameter_order=True
                ),
                [
                    {"display_name": ids[i], "tz": ZONES[i % len(ZONES)], "created_at": now}
                    for i in range(count)
                ],
            )
        ).scalars()
        members = [
            {"person_id": person_id, "member_id": ids[i], "tz": ZONES[i % len(ZONES)]}
            for i, person_id in enumerate(person_ids)
        ]
        await db.execute(
            tables.checkins.insert().values(
                space_platform=platform,
                space_id="general" if platform == "console" else "-100",
                days="MO,TU,WE,TH,FR,SA,SU",
                ask_time="09:00",
                digest_time=None,
                questions=list(DEFAULT_QUESTIONS),
                created_at=now,
            )
        )
        await db.execute(
            core_tables.members.insert(),
            [
                {
                    "platform": platform,
                    "member_id": member["member_id"],
                    "person_id": member["person_id"],
                    "display_name": member["member_id"],
                    "created_at": now,
                }
                for member in members
            ],
        )
        await db.execute(
            tables.participants.insert(),
            [
                {
                    "person_id": member["person_id"],
                    "tz": member["tz"],
                    "checkin_id": 1,
                    "joined_at": now,
                }
                for member in members
            ],
        )
        checkin = (await db.execute(sa.select(tables.checkins))).one()
        await sync_zones(bot, db, checkin)
        await db.execute(
            core_tables.jobs.update()
            .where(core_tables.jobs.c.kind == "checkins.ask")
            .values(next_run_at=datetime.now(UTC))
        )
    await bot.storage.dispose()


async def outbox_rows(url: str) -> int:
    config = config_from_mapping({"database": {"url": url}})
    bot = Bot(config, env={})
    try:
        async with bot.storage.engine.connect() as db:
            result = await db.execute(sa.select(sa.func.count()).select_from(core_tables.outbox))
            return int(result.scalar() or 0)
    finally:
        await bot.storage.dispose()


class Worker:
    """One ``salon run`` on the console, its output in ``out``; stdin stays open."""

    def __init__(
        self, directory: Path, config: Path, name: str, env: dict[str, str] | None = None
    ) -> None:
        self.out = directory / f"{name}.out"
        self.err = directory / f"{name}.err"
        self._stdout: IO[Any] = self.out.open("w")
        self._stderr: IO[Any] = self.err.open("w")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.process = subprocess.Popen(
            [*SALON, "run", "--config", str(config)],
            cwd=directory,
            stdin=subprocess.PIPE,
            stdout=self._stdout,
            stderr=self._stderr,
            env=env,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self._close()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(5)
            self._close()

    def _close(self) -> None:
        self._stdout.close()
        self._stderr.close()
        if self.process.stdin is not None:
            self.process.stdin.close()


def asked(outputs: Iterable[Path]) -> Counter[str]:
    """How often each member was asked, over every worker's output."""
    counts: Counter[str] = Counter()
    for path in outputs:
        if path.exists():
            counts.update(ASKED.findall(path.read_text(errors="replace")))
    return counts


async def wait_until_asked(
    outputs: list[Path] | Callable[[], Counter[str]], at_least: int, workers: list[Worker]
) -> int:
    """Wait until ``at_least`` asks are shown in total (in ``outputs``, or as counted by it);
    return the total."""
    count = outputs if callable(outputs) else lambda: asked(outputs)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        total = sum(count().values())
        if total >= at_least:
            return total
        for worker in workers:
            if worker.process.poll() is not None:
                raise AssertionError(f"salon run exited: {worker.err.read_text()[-2000:]}")
        await asyncio.sleep(0.005)
    raise AssertionError(f"only {sum(count().values())} asks shown, waited for {at_least}")


def last_asked(path: Path) -> str | None:
    """The member a killed worker asked last: the one message that may have been shown while
    its outbox row's delete had not yet committed (the console sends one at a time)."""
    found = ASKED.findall(path.read_text(errors="replace")) if path.exists() else []
    return found[-1] if found else None


def doubled(counts: Counter[str]) -> set[str]:
    """The members asked more than once."""
    return {member for member, times in counts.items() if times >= 2}


def figures(count: int, counts: Counter[str]) -> dict[str, int]:
    """Members asked 0, 1 and 2+ times."""
    once = sum(1 for times in counts.values() if times == 1)
    more = sum(1 for times in counts.values() if times >= 2)
    return {"0": count - len(counts), "1": once, "2+": more}

"""``salon run`` told to stop while its PostgreSQL server has stopped answering.

A database that hangs (a frozen VM, a network partition without resets) must not keep a worker
from stopping: systemd or Docker sends SIGTERM and, some seconds later, SIGKILL; a worker that
outlives the first loses the chance to log why. Each stop step waits at most
``STOP_STEP_SECONDS``, so the worker exits (status 1: it could not stop cleanly) well before
Docker's default 10 s + systemd's 90 s, and a second signal ends it at once. The server is this
test's own (stopped with SIGSTOP, every backend with it), so no other test waits on it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability.fanout import Worker, prepare, wait_until_asked, write_config
from reliability.figures import report
from servers.postgres import PostgresServer, find_postgres_bin, run_postgres

MEMBERS = 20_000
#: Stop steps (each at most 10 s, the later ones 1 s once one was late) and the process exit.
STOP_WITHIN = 25.0


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not found; run scripts/install-test-servers")
    with run_postgres(bin_dir) as server:
        try:
            yield server
        finally:
            os.killpg(server.pid, signal.SIGCONT)  # so that it can be stopped


async def exit_after(worker: Worker, *signals_at: float) -> tuple[float, int]:
    """Send SIGTERM at each of ``signals_at`` (seconds from now); return how long the worker
    took to exit after the first, and its status."""
    started = time.monotonic()
    pending = list(signals_at)
    while worker.process.poll() is None:
        elapsed = time.monotonic() - started
        if pending and elapsed >= pending[0]:
            pending.pop(0)
            worker.process.send_signal(signal.SIGTERM)
        if elapsed > STOP_WITHIN + 30:
            worker.kill()
            raise AssertionError(f"still running {elapsed:.0f} s after SIGTERM")
        await asyncio.sleep(0.02)
    return time.monotonic() - started - signals_at[0], worker.process.returncode


async def test_a_worker_stops_promptly_when_its_database_stopped_answering(
    tmp_path: Path, own_postgres: PostgresServer
) -> None:
    url = own_postgres.url_for(own_postgres.create_database("stalled"))
    await prepare(url, MEMBERS)
    config = write_config(tmp_path, url, lease=3)
    patient = Worker(tmp_path, config, "patient")
    impatient = Worker(tmp_path, config, "impatient")
    workers = [patient, impatient]
    try:
        await wait_until_asked([patient.out, impatient.out], 500, workers)
        os.killpg(own_postgres.pid, signal.SIGSTOP)  # the postmaster and every backend
        await asyncio.sleep(0.5)  # both are now waiting on the database

        two_signals, two_status = await exit_after(impatient, 0.0, 1.0)
        one_signal, one_status = await exit_after(patient, 0.0)
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.kill()
    report(
        f"\nPostgreSQL stopped (SIGSTOP) mid-fan-out: after SIGTERM the worker exited in "
        f"{one_signal:.1f} s (status {one_status}); with a second SIGTERM 1 s later, in "
        f"{two_signals:.1f} s (status {two_status})"
    )
    assert one_signal <= STOP_WITHIN and one_status == 1, patient.err.read_text()[-3000:]
    assert 1.0 <= two_signals <= 3.0 and two_status == 1, impatient.err.read_text()[-3000:]
    assert "a step of stopping did not finish" in patient.err.read_text()
    assert "a second signal while stopping" in impatient.err.read_text()

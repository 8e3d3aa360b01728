"""``salon run`` on the Telegram emulator (paced at 30 a second) killed mid-fan-out."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

from emulators.telegram.emulator import TelegramEmulator
from reliability.fanout import Worker, figures, outbox_rows, prepare, wait_until_asked, write_config
from reliability.figures import report

MEMBERS = 300
KILL_POINTS = (150,)


async def test_a_killed_telegram_worker_asks_every_member_exactly_once(tmp_path: Path) -> None:
    async with TelegramEmulator.running() as tg:
        users = [tg.add_user(f"Member{n}", started=True) for n in range(MEMBERS)]
        url = f"sqlite:///{tmp_path / 'salon.db'}"
        await prepare(url, MEMBERS, "telegram", [str(user.id) for user in users])
        adapter = (
            "[adapters.telegram]\n"
            f'base_url = "{tg.base_url}"\n'
            f'base_file_url = "{tg.base_file_url}"\n'
            "poll_timeout = 1\n"
        )
        config = write_config(tmp_path, url, lease=60, adapter=adapter)
        env = {"SALON_TELEGRAM_TOKEN": tg.token}

        def asked() -> Counter[str]:
            return Counter(
                str(call.params["chat_id"])
                for call in tg.sent_by("sendMessage")
                if "Check-in time" in str(call.params.get("text", ""))
            )

        started = time.monotonic()
        for run, point in enumerate(KILL_POINTS):
            worker = Worker(tmp_path, config, f"run{run}", env)
            await wait_until_asked(asked, point, [worker])
            worker.kill()
        last = Worker(tmp_path, config, "last", env)
        try:
            deadline = time.monotonic() + 60
            while len(asked()) < MEMBERS or await outbox_rows(url):
                assert time.monotonic() < deadline, f"{MEMBERS - len(asked())} never asked"
                assert last.process.poll() is None, last.err.read_text()[-2000:]
                await asyncio.sleep(0.1)
        finally:
            last.stop()
        elapsed = time.monotonic() - started

    result = figures(MEMBERS, asked())
    report(
        f"\nTelegram emulator at 30/s: {MEMBERS} members, SIGKILL after {KILL_POINTS} asks; "
        f"asked 0 times: {result['0']}, once: {result['1']}, 2+ times: {result['2+']} "
        f"({elapsed:.1f} s)"
    )
    assert result["0"] == 0
    # At most the sends in flight at a kill (RateLimits.in_flight) can repeat.
    assert result["2+"] <= 8 * len(KILL_POINTS), result

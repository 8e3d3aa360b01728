"""/healthz says the process is alive; /readyz says it can work: the database answers a query
and every adapter has started. Unreachable database (a real PostgreSQL behind a proxy that
closes): 503 with the reason, while /healthz still answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from servers.proxy import LateProxy

from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.memory_adapter import MemoryAdapter
from salon.core.testing import SalonHarness, default_config
from salon.core.web import WebServer


async def get(server: WebServer, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        return await client.get(path)


async def serving(bot: Bot) -> WebServer:
    server = WebServer(bot, "127.0.0.1", 0)
    await server.start()
    return server


async def test_ready_once_started(salon_bot: SalonHarness) -> None:
    server = await serving(salon_bot.bot)
    try:
        ready = await get(server, "/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "adapters": ["memory"]}
    finally:
        await server.stop()


async def test_not_ready_while_starting(tmp_path: Path) -> None:
    bot = Bot(config_from_mapping(default_config(tmp_path / "salon.db")), env={})
    bot.add_adapter(MemoryAdapter(bot))
    server = await serving(bot)
    try:
        ready = await get(server, "/readyz")
        assert ready.status_code == 503
        assert ready.json() == {"status": "unavailable", "reason": "salon is still starting"}
        assert (await get(server, "/healthz")).json()["status"] == "starting"
    finally:
        await server.stop()
        await bot.storage.dispose()


@pytest.fixture
async def proxied_postgres(postgres_db_url: str) -> AsyncIterator[tuple[str, LateProxy]]:
    """The test database's URL through a proxy that can be closed (the database gone)."""
    parts = urlsplit(postgres_db_url)
    assert parts.port is not None
    proxy = LateProxy("127.0.0.1", parts.port)
    await proxy.open()
    netloc = f"{parts.username}@127.0.0.1:{proxy.port}"
    yield parts._replace(netloc=netloc).geturl(), proxy
    await proxy.close()


async def test_not_ready_when_the_database_is_unreachable(
    tmp_path: Path, salon_clock, proxied_postgres: tuple[str, LateProxy]
) -> None:  # type: ignore[no-untyped-def]
    url, proxy = proxied_postgres
    config = default_config(tmp_path / "unused.db")
    config["database"] = {"url": url, "auto_migrate": True}
    harness = SalonHarness(config, salon_clock)
    await harness.start()
    server = await serving(harness.bot)
    try:
        await harness.send("!ping", as_="bob")
        assert (await get(server, "/readyz")).status_code == 200
        await proxy.close()  # the database is gone
        ready = await get(server, "/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"
        assert ready.json()["reason"].startswith("the database cannot be reached")
        health = await get(server, "/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        metrics = await get(server, "/metrics")  # the counters still answer
        assert metrics.status_code == 200
        assert 'salon_commands_total{command="ping",outcome="ok"} 1.0' in metrics.text
        await proxy.open()  # back: ready again
        assert (await get(server, "/readyz")).status_code == 200
    finally:
        await server.stop()
        await harness.stop()

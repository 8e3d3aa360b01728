"""The shared web server: adapters mount routes on it; /healthz answers."""

from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from salon.core.web import WebServer


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello from an adapter")


async def test_healthz_and_mounted_routes(salon_bot) -> None:  # type: ignore[no-untyped-def]
    server = WebServer(salon_bot.bot, "127.0.0.1", 0)
    server.add_routes([Route("/hooks/test", hello, methods=["POST"])])
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            health = await client.get("/healthz")
            assert health.json() == {"status": "ok", "adapters": ["memory"]}
            assert (await client.post("/hooks/test")).text == "hello from an adapter"
            assert (await client.get("/nope")).status_code == 404
    finally:
        await server.stop()


async def test_a_port_in_use_is_an_error_of_that_server_only(salon_bot) -> None:  # type: ignore[no-untyped-def]
    first = WebServer(salon_bot.bot, "127.0.0.1", 0)
    await first.start()
    try:
        second = WebServer(salon_bot.bot, "127.0.0.1", first.port)
        with pytest.raises(OSError, match=f"could not listen on 127.0.0.1:{first.port}"):
            await second.start()
        # The loop (and the bot on it) goes on: uvicorn's sys.exit did not escape.
        assert salon_bot.texts(await salon_bot.send("!ping")) == ["pong"]
    finally:
        await first.stop()

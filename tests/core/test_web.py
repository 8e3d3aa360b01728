"""The shared web server: adapters mount routes on it; /healthz answers."""

from __future__ import annotations

import httpx
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

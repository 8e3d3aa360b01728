"""Plugins' HTTP routes (``register_routes``) on salon's web server, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from salon.core import Bot, WebRequest, WebResponse, WebRoute, hookimpl
from salon.core.testing import SalonHarness
from salon.core.web import WebServer


class Routes:
    @hookimpl
    def register_routes(self, register: Callable[[WebRoute], None]) -> None:
        register(WebRoute("/hello/{name}", self.hello))
        register(WebRoute("/broken", self.broken))

    async def hello(self, request: WebRequest, bot: Bot) -> WebResponse:
        body = f"{request.path_params['name']} {request.query.get('x', '')} {bot.community.name}"
        return WebResponse(body.encode(), headers={"x-salon": "1"})

    async def broken(self, request: WebRequest, bot: Bot) -> WebResponse:
        raise RuntimeError("boom")


@pytest.fixture
def salon_plugins() -> list[Any]:
    return [("routes", Routes())]


@pytest.mark.salon_allow_errors
async def test_plugin_routes_are_served(salon_bot: SalonHarness) -> None:
    [hello, broken] = salon_bot.bot.web_routes
    assert (hello.plugin, broken.plugin) == ("routes", "routes")
    server = WebServer(salon_bot.bot, "127.0.0.1", 0)
    server.add_plugin_routes(salon_bot.bot.web_routes)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            answer = await client.get("/hello/ann?x=y")
            assert (answer.status_code, answer.text) == (200, "ann y Test group")
            assert answer.headers["x-salon"] == "1"
            assert (await client.post("/hello/ann")).status_code == 405
            failed = await client.get("/broken")
            assert (failed.status_code, failed.content) == (500, b"")
            assert (await client.get("/healthz")).status_code == 200
    finally:
        await server.stop()
    assert any("boom" in repr(error) for _, error in salon_bot.errors)

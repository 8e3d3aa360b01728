"""One ASGI app (Starlette, served by uvicorn) that adapters mount their webhooks on.

``salon run`` starts it only when an adapter has routes; ``/healthz`` answers there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

if TYPE_CHECKING:
    from salon.core.bot import Bot


class WebServer:
    """Collects routes, then serves them on ``host:port`` until stopped."""

    def __init__(self, bot: Bot, host: str, port: int) -> None:
        self.bot = bot
        self.host = host
        self.port = port
        self.routes: list[BaseRoute] = [Route("/healthz", self._healthz)]
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    def add_routes(self, routes: Sequence[BaseRoute]) -> None:
        self.routes.extend(routes)

    def app(self) -> Starlette:
        return Starlette(routes=self.routes)

    async def _healthz(self, request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "status": "ok" if self.bot.started else "starting",
                "adapters": list(self.bot.adapters),
            }
        )

    async def start(self) -> None:
        config = uvicorn.Config(
            self.app(), host=self.host, port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.get_running_loop().create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                await self._task  # raises the startup error (port in use, ...)
                raise OSError(f"web server on {self.host}:{self.port} did not start")
            await asyncio.sleep(0.02)
        sockets = self._server.servers[0].sockets if self._server.servers else []
        if sockets:
            self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        self._server = None
        self._task = None

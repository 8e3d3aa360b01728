"""One ASGI app (Starlette, served by uvicorn) that adapters mount their webhooks on.

``salon run`` starts it only when an adapter or a plugin has routes; ``/healthz`` answers
there. Plugins declare theirs with the ``register_routes`` hook as ``WebRoute``s: a handler
takes a ``WebRequest`` and the bot and returns a ``WebResponse``, so no plugin imports the web
framework.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

if TYPE_CHECKING:
    from salon.core.bot import Bot


@attrs.frozen
class WebRequest:
    """One HTTP request to a plugin's route.

    :param path_params: the values of the route's ``{placeholders}``.
    :param query: the query string's parameters (the last value of each).
    :param headers: the request headers, names lowercased.
    """

    method: str
    path: str
    path_params: Mapping[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]


@attrs.frozen
class WebResponse:
    """What a plugin's route answers: a body, its status and type."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    headers: Mapping[str, str] = attrs.field(factory=dict)


WebHandler = Callable[[WebRequest, "Bot"], Awaitable[WebResponse]]


@attrs.frozen
class WebRoute:
    """An HTTP route a plugin serves (``register_routes``).

    :param path: Starlette's path syntax: ``"/events/{token}.ics"``.
    :param handler: ``async def handler(request: WebRequest, bot: Bot) -> WebResponse``.
    :param methods: the HTTP methods it answers (``HEAD`` comes with ``GET``).
    :param plugin: filled in by the core.
    """

    path: str
    handler: WebHandler
    methods: tuple[str, ...] = ("GET",)
    plugin: str = ""


def plugin_route(route: WebRoute, bot: Bot) -> Route:
    """The Starlette route serving ``route``; an error in its handler is reported and
    answered with a bare 500."""

    async def endpoint(request: Request) -> Response:
        web_request = WebRequest(
            method=request.method,
            path=request.url.path,
            path_params={k: str(v) for k, v in request.path_params.items()},
            query=dict(request.query_params),
            headers={k.lower(): v for k, v in request.headers.items()},
        )
        try:
            answer = await route.handler(web_request, bot)
        except Exception as error:
            await bot.report_error(error, f"web route {route.path} of plugin {route.plugin}")
            return Response(b"", status_code=500)
        return Response(
            answer.body,
            status_code=answer.status,
            media_type=answer.content_type,
            headers=dict(answer.headers),
        )

    return Route(route.path, endpoint, methods=list(route.methods))


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

    def add_plugin_routes(self, routes: Sequence[WebRoute]) -> None:
        """Serve the routes plugins registered (``register_routes``)."""
        self.routes.extend(plugin_route(route, self.bot) for route in routes)

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

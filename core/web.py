"""One ASGI app (Starlette, served by uvicorn) that adapters mount their webhooks on.

``salon run`` starts it when an adapter or a plugin has routes, or always with ``[web] enabled =
true``. It answers ``/healthz`` (the process is alive), ``/readyz`` (the database answers a
query and every adapter has started: 503 with the reason otherwise) and ``/metrics``
(Prometheus). Plugins declare routes with the ``register_routes`` hook as ``WebRoute``s: a
handler takes a ``WebRequest`` and the bot and returns a ``WebResponse``, so no plugin imports
the web framework.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from salon.core.metrics import CONTENT_TYPE

if TYPE_CHECKING:
    from salon.core.bot import Bot

log = logging.getLogger(__name__)
#: How long ``/readyz`` waits for the database before calling it unreachable.
READY_TIMEOUT = 5.0


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


class _EmbeddedServer(uvicorn.Server):
    """uvicorn inside salon's event loop: the signals are ``salon run``'s. uvicorn's own
    handlers would stop the web server alone on SIGTERM and raise the signal again afterwards,
    which salon would take for a second one."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebServer:
    """Collects routes, then serves them on ``host:port`` until stopped."""

    def __init__(self, bot: Bot, host: str, port: int) -> None:
        self.bot = bot
        self.host = host
        self.port = port
        self.routes: list[BaseRoute] = [
            Route("/healthz", self._healthz),
            Route("/readyz", self._readyz),
            Route("/metrics", self._metrics),
        ]
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

    async def _readyz(self, request: Request) -> JSONResponse:
        problem = await self.not_ready()
        if problem is not None:
            return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
        return JSONResponse({"status": "ready", "adapters": sorted(self.bot.connected)})

    async def not_ready(self) -> str | None:
        """Why this worker should not get traffic yet (``None``: it should)."""
        bot = self.bot
        if not bot.started:
            return "salon is still starting"
        try:
            await asyncio.wait_for(bot.storage.ping(), READY_TIMEOUT)
        except TimeoutError:
            return f"the database did not answer within {READY_TIMEOUT:g}s"
        except Exception as error:
            log.warning("readiness: the database cannot be reached: %s", error)
            return f"the database cannot be reached ({type(error).__name__})"
        down = sorted(set(bot.adapters) - bot.connected)
        if down:
            return "adapters not connected: " + ", ".join(down)
        return None

    async def _metrics(self, request: Request) -> Response:
        try:
            await self.bot.metrics.refresh(self.bot)
        except Exception as error:  # the counters still tell; the outbox size is stale
            log.warning("metrics: could not read the outbox size: %s", error)
        return Response(self.bot.metrics.render(), media_type=CONTENT_TYPE)

    async def start(self) -> None:
        config = uvicorn.Config(
            self.app(),
            host=self.host,
            port=self.port,
            log_level="warning",
            lifespan="off",
            log_config=None,  # uvicorn's records go through salon's handler (format, redaction)
        )
        listening = self._listen()
        self._server = _EmbeddedServer(config)
        self._task = asyncio.get_running_loop().create_task(self._serve(self._server, listening))
        while not self._server.started:
            if self._task.done():
                await self._task  # raises the startup error (port in use, ...)
                raise OSError(f"web server on {self.host}:{self.port} did not start")
            await asyncio.sleep(0.02)
        sockets = self._server.servers[0].sockets if self._server.servers else []
        if sockets:
            self.port = sockets[0].getsockname()[1]

    def _listen(self) -> socket.socket:
        """Bind here, not in uvicorn: a port in use is then an ``OSError`` saying so, not an
        error line from uvicorn followed by ``sys.exit``."""
        try:
            family = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)[0][0]
            return socket.create_server((self.host, self.port), family=family)
        except OSError as error:
            reason = error.strerror or str(error)
            raise OSError(f"could not listen on {self.host}:{self.port}: {reason}") from None

    async def _serve(self, server: uvicorn.Server, listening: socket.socket) -> None:
        # uvicorn ends a failed startup with sys.exit(3); raised in a task, a SystemExit
        # would stop the whole event loop, not just this server.
        try:
            await server.serve(sockets=[listening])
        except SystemExit as error:
            raise OSError(
                f"could not listen on {self.host}:{self.port} (uvicorn exit {error.code})"
            ) from None

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        self._server = None
        self._task = None

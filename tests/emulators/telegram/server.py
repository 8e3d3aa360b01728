"""HTTP side of the emulator: the Starlette app for ``/bot<token>/<method>`` and a uvicorn runner.

Telegram answers a malformed token path with 404 ``Not Found`` and a well-formed but wrong
token with 401 ``Unauthorized``; python-telegram-bot turns both into ``InvalidToken``.
Unknown methods are 404 ``Not Found`` as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from .api import BotApi
from .errors import ApiError
from .params import coerce_params, parse_body

__all__ = ["build_app", "serve"]

_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")


def _error(error: ApiError) -> JSONResponse:
    return JSONResponse(error.to_api(), status_code=error.error_code)


def build_app(token: str, api: BotApi) -> Starlette:
    """The ASGI app serving the Bot API for one bot ``token``."""

    def check_token(candidate: str) -> None:
        if candidate == token:
            return
        if _TOKEN_SHAPE.match(candidate):
            raise ApiError(401, "Unauthorized")
        raise ApiError(404, "Not Found")

    async def method_endpoint(request: Request) -> Response:
        method = request.path_params["method"]
        try:
            check_token(request.path_params["token"])
            if api.take_outage(method):
                return Response("<html><h1>502 Bad Gateway</h1></html>", status_code=502)
            if not api.knows(method):
                raise ApiError(404, "Not Found")
            raw, files = parse_body(
                dict(request.query_params),
                await request.body(),
                request.headers.get("content-type", ""),
            )
            result, description = await api.call(method, coerce_params(raw), files)
        except ApiError as error:
            return _error(error)
        body: dict[str, Any] = {"ok": True, "result": result}
        if description:
            body["description"] = description
        return JSONResponse(body)

    async def file_endpoint(request: Request) -> Response:
        try:
            check_token(request.path_params["token"])
        except ApiError as error:
            return _error(error)
        path = request.path_params["path"]
        stored = next((f for f in api.world.files.values() if f.file_path == path), None)
        if stored is None:
            return _error(ApiError(404, "Not Found"))
        return Response(stored.data, media_type=stored.content_type or "application/octet-stream")

    async def not_found(request: Request) -> Response:
        return _error(ApiError(404, "Not Found"))

    return Starlette(
        routes=[
            Route("/bot{token}/{method}", method_endpoint, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", file_endpoint, methods=["GET"]),
            Route("/{path:path}", not_found, methods=["GET", "POST"]),
        ]
    )


class _Server(uvicorn.Server):
    """uvicorn with a readiness event and without taking over the test runner's signals."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serve(app: ASGIApp, host: str = "127.0.0.1") -> AsyncIterator[int]:
    """Serve ``app`` with uvicorn on a free port of ``host`` in this loop; yields the port."""
    config = uvicorn.Config(
        app, host=host, port=0, log_level="warning", lifespan="off", timeout_graceful_shutdown=2
    )
    server = _Server(config)
    serving = asyncio.create_task(server.serve(), name=f"uvicorn {host}")
    ready = asyncio.create_task(server.ready.wait())
    await asyncio.wait({serving, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if not ready.done():
        ready.cancel()
        server.should_exit = True
        if serving.done():
            serving.result()  # re-raise why uvicorn could not start
        raise RuntimeError("uvicorn did not start within 10s")
    port: int = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        server.should_exit = True
        await serving

"""Serve an ASGI app with uvicorn on 127.0.0.1, on a free port, inside the test's event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import uvicorn
from starlette.types import ASGIApp

STARTUP_TIMEOUT = 10.0


@contextlib.asynccontextmanager
async def serve_asgi(app: ASGIApp, *, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Run ``app`` under uvicorn until the block exits; yields its base URL ``http://host:port``.

    The socket is bound before uvicorn starts, so the port is known and free of races. The
    server runs as a task of the current loop: no thread, no subprocess, nothing to leak.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="off",
        # The sans-I/O implementation avoids the deprecated websockets.legacy API.
        ws="websockets-sansio",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"uvicorn:{port}")
    try:
        await _wait_started(server, task)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(task, timeout=STARTUP_TIMEOUT)
        except TimeoutError:
            server.force_exit = True
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        sock.close()


async def _wait_started(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    """Wait until uvicorn accepts connections; surface its exception if it died instead."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_TIMEOUT
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("uvicorn exited before it started")
        if loop.time() > deadline:
            raise TimeoutError("uvicorn did not start in time")
        # uvicorn exposes no "started" event to await; its own main loop ticks at 0.1 s too.
        await asyncio.sleep(0.01)

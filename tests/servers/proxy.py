"""A TCP forwarder on 127.0.0.1 that starts closed: a server that is down, then comes up.

Point an adapter at ``LateProxy.url`` (connections are refused while it is closed), then
``await proxy.open()`` to forward every connection to the real server or emulator behind it.
``await proxy.open(bad_gateway=True)`` first answers every request ``502``, as a reverse proxy
in front of a server that is down does.
"""

from __future__ import annotations

import asyncio
import contextlib

from servers.processes import find_free_port


class LateProxy:
    """Forwards ``127.0.0.1:port`` to ``target_host:target_port`` once opened."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = find_free_port()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self.bad_gateway = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def open(self, *, bad_gateway: bool = False) -> None:
        """Start listening (or, if listening, switch): forward, or answer 502 to everything."""
        self.bad_gateway = bad_gateway
        if self._server is None:
            self._server = await asyncio.start_server(self._connected, "127.0.0.1", self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.bad_gateway:
            await reader.readuntil(b"\r\n\r\n")
            body = b"<html><h1>502 Bad Gateway</h1></html>"
            head = f"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: {len(body)}"
            writer.write(head.encode() + b"\r\nConnection: close\r\n\r\n" + body)
            await writer.drain()
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.get_running_loop().create_task(_pipe(source, sink))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()

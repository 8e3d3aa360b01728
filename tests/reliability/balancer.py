"""A round-robin TCP load balancer in front of several ``salon run`` web servers.

As HAProxy in TCP mode does: each new connection goes to the next backend that accepts it (one
that refuses is skipped), and is piped both ways until either side closes. Telegram (the
emulator) keeps its connections open and posts over several at once, so the updates spread
over the workers; when a worker dies, the requests on its connections fail, Telegram delivers
them again on new connections, and those reach a live worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter

from servers.processes import find_free_port


class Balancer:
    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.port = find_free_port()
        self._next = itertools.cycle(range(len(backends)))
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        #: Connections given to each backend (by index), and those no backend accepted.
        self.connections: Counter[int] = Counter()
        self.refused = 0

    async def __aenter__(self) -> Balancer:
        self._server = await asyncio.start_server(self._connected, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._server is not None:
            self._server.close()
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(len(self.backends)):
            index = next(self._next)
            try:
                up_reader, up_writer = await asyncio.open_connection(
                    "127.0.0.1", self.backends[index]
                )
            except OSError:
                continue
            self.connections[index] += 1
            for source, sink in ((reader, up_writer), (up_reader, writer)):
                task = asyncio.get_running_loop().create_task(_pipe(source, sink))
                self._pipes.add(task)
                task.add_done_callback(self._pipes.discard)
            return
        self.refused += 1
        writer.close()


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

"""Socket Mode: the WebSocket a bot opens with ``apps.connections.open``, envelopes and acks.

Protocol, as in https://api.slack.com/apis/socket-mode: the server greets with ``hello``;
each request arrives in an envelope ``{"envelope_id", "type", "payload",
"accepts_response_payload"}`` (events add ``retry_attempt``/``retry_reason``); the client
acknowledges with ``{"envelope_id", "payload"?}``; the server may ask it to reconnect with
``{"type": "disconnect", "reason": …}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from .recorder import Recorder
from .workspace import Workspace

# Close code for a refused ticket: "policy violation".
REFUSED = 1008
# How long an envelope waits for a client to be connected before the send fails.
CONNECT_TIMEOUT = 5.0


class SocketModeHub:
    """Issues WebSocket URLs, keeps the live connections, sends envelopes, records acks."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.base_ws_url = ""
        self.connections: list[WebSocket] = []
        self.connections_opened = 0
        self.envelopes: Recorder[dict[str, Any]] = Recorder()
        self.ack_log: Recorder[dict[str, Any]] = Recorder()
        self._tickets: set[str] = set()
        self._connections_changed = asyncio.Condition()

    @property
    def routes(self) -> list[WebSocketRoute]:
        """The Starlette routes this part serves."""
        return [WebSocketRoute("/link/", self.handle)]

    def issue_url(self) -> str:
        """A one-time URL like Slack's ``wss://wss-primary.slack.com/link/?ticket=…&app_id=…``."""
        ticket = str(uuid.uuid4())
        self._tickets.add(ticket)
        return f"{self.base_ws_url}/link/?ticket={ticket}&app_id={self.workspace.app_id}"

    @property
    def acks(self) -> dict[str, dict[str, Any]]:
        """The last ack received per ``envelope_id``."""
        return {ack["envelope_id"]: ack for ack in self.ack_log}

    async def handle(self, websocket: WebSocket) -> None:
        """One client connection: check the ticket, say hello, record acks until it closes."""
        ticket = websocket.query_params.get("ticket", "")
        if ticket not in self._tickets:
            await websocket.close(code=REFUSED)
            return
        self._tickets.discard(ticket)
        await websocket.accept()
        await websocket.send_text(json.dumps(self._hello(len(self.connections) + 1)))
        await self._set_connected(websocket, connected=True)
        try:
            while True:
                message = _parse(await websocket.receive_text())
                if "envelope_id" in message:
                    await self.ack_log.record(message)
        except WebSocketDisconnect:
            pass
        finally:
            await self._set_connected(websocket, connected=False)

    async def wait_for_connections(self, count: int = 1) -> None:
        """Wait until at least ``count`` connections were ever opened and one is live."""
        async with self._connections_changed:
            while not (self.connections_opened >= count and self.connections):
                await self._connections_changed.wait()

    async def send(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> dict[str, Any]:
        """Send a new envelope to the newest live connection (waiting for one); return it."""
        envelope: dict[str, Any] = {
            "envelope_id": str(uuid.uuid4()),
            "payload": payload,
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
        }
        if retry_attempt is not None:
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason or ""
        await self._send_json(envelope)
        await self.envelopes.record(envelope)
        return envelope

    async def redeliver(self, envelope_id: str, *, retry_reason: str = "timeout") -> dict[str, Any]:
        """Send an envelope's payload again as Slack's retry: a new ``envelope_id``,
        ``retry_attempt`` one higher and ``retry_reason``; the event's ``event_id`` is unchanged.
        """
        original = next(e for e in self.envelopes if e["envelope_id"] == envelope_id)
        return await self.send(
            original["type"],
            original["payload"],
            accepts_response_payload=original["accepts_response_payload"],
            retry_attempt=int(original.get("retry_attempt") or 0) + 1,
            retry_reason=retry_reason,
        )

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The client's ack of ``envelope_id`` (``{"envelope_id", "payload"?}``)."""
        return await self.ack_log.wait_for(lambda a: a["envelope_id"] == envelope_id, timeout)

    async def request_reconnect(self, reason: str = "refresh_requested") -> None:
        """Send ``disconnect`` to every live connection; Slack does this before recycling."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "emulator"}}
        for websocket in list(self.connections):
            with contextlib.suppress(Exception):
                await websocket.send_text(json.dumps(message))

    async def close(self) -> None:
        """Close every live connection with 1001 (going away)."""
        for websocket in list(self.connections):
            with contextlib.suppress(Exception):
                await websocket.close(code=1001)

    def _hello(self, num_connections: int) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": num_connections,
            "debug_info": {
                "host": "applink-emulator",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.workspace.app_id},
        }

    async def _set_connected(self, websocket: WebSocket, *, connected: bool) -> None:
        async with self._connections_changed:
            if connected:
                self.connections.append(websocket)
                self.connections_opened += 1
            elif websocket in self.connections:
                self.connections.remove(websocket)
            self._connections_changed.notify_all()

    async def _send_json(self, message: dict[str, Any]) -> None:
        text = json.dumps(message)
        while True:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                await self.wait_for_connections()
            websocket = self.connections[-1]
            try:
                await websocket.send_text(text)
                return
            except Exception:
                # Closed under our feet: forget it and try the next live one.
                await self._set_connected(websocket, connected=False)


def _parse(text: str) -> dict[str, Any]:
    """A client message as a dict; anything that is not a JSON object is ignored, as Slack does."""
    try:
        message = json.loads(text)
    except ValueError:
        return {}
    return message if isinstance(message, dict) else {}

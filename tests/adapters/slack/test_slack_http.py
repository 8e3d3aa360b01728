"""The Events API route against hostile requests: who sent it is checked before what it says."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
import pytest
from emulators.slack import SlackEmulator

from salon.core import Bot

from .conftest import dm_event, posts, read_count

GARBAGE = {
    "list": b"[1,2,3]",
    "truncated": b'{"type": "event_callback", "event": {"type": "mess',
    "deep": b"[" * 50_000 + b"]" * 50_000,
    "string": b'"hello"',
    "not-utf8": b'{"type": "\xff\xfe"}',
    "empty": b"",
}


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log lines that should never come from a request: errors and tracebacks."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR or r.exc_info or "Traceback" in r.getMessage()
    ]


@pytest.mark.parametrize("body", GARBAGE.values(), ids=GARBAGE.keys())
async def test_unsigned_garbage_gets_401_and_no_traceback(
    slack: SlackEmulator,
    http_bot: tuple[Bot, str],
    caplog: pytest.LogCaptureFixture,
    body: bytes,
) -> None:
    _, url = http_bot
    caplog.set_level(logging.DEBUG)
    odd_headers: list[dict[str, Any]] = [
        {},
        {"X-Slack-Request-Timestamp": "not a number", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": b"v0=\xc3\xa9"},
    ]
    async with httpx.AsyncClient() as client:
        for headers in odd_headers:
            response = await client.post(
                url, content=body, headers={"Content-Type": "application/json", **headers}
            )
            assert response.status_code == 401
    forged = await slack.sender.post(
        url, body.decode("utf-8", "replace"), content_type="application/json", forge=True
    )
    assert forged.status_code == 401
    assert problems(caplog) == []


async def test_an_oversized_body_is_refused_before_it_is_read(
    http_bot: tuple[Bot, str], caplog: pytest.LogCaptureFixture
) -> None:
    _, url = http_bot
    caplog.set_level(logging.WARNING)

    async def huge() -> Any:
        yield b"[" * (2 * 1024 * 1024)

    async with httpx.AsyncClient() as client:
        streamed = await client.post(url, content=huge(), headers={"Content-Type": "text/plain"})
    assert streamed.status_code == 413
    # Declares 50 MB and sends 2 bytes: the answer comes without waiting for the rest.
    address = httpx.URL(url)
    reader, writer = await asyncio.open_connection(address.host, address.port)
    writer.write(
        f"POST {address.path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {50 * 1024 * 1024}\r\n\r\n{{}}".encode()
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    assert status_line.split()[1] == b"413"
    assert problems(caplog) == []


SIGNED_BAD = {
    "list": "[1,2,3]",
    "truncated": '{"type": "event_callback", "event": {"type": "mess',
    "deep": "[" * 50_000 + "]" * 50_000,
    "event-is-a-list": '{"type": "event_callback", "event": [1]}',
    "authorizations-of-numbers": '{"type": "event_callback", "authorizations": [1]}',
    "form-payload": "payload=%7B%22type",
}


@pytest.mark.parametrize("body", SIGNED_BAD.values(), ids=SIGNED_BAD.keys())
async def test_a_signed_unreadable_payload_is_not_retried_and_logged_once(
    slack: SlackEmulator,
    http_bot: tuple[Bot, str],
    caplog: pytest.LogCaptureFixture,
    body: str,
) -> None:
    bot, url = http_bot
    caplog.set_level(logging.WARNING)
    content_type = (
        "application/x-www-form-urlencoded" if body.startswith("payload=") else "application/json"
    )

    response = await slack.sender.post(url, body, content_type=content_type)

    assert response.status_code == 400
    assert response.headers["x-slack-no-retry"] == "1"  # Slack does not send it again
    assert problems(caplog) == []
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(lines) == 1 and "could not be read" in lines[0], lines
    # Still serving: a genuine request right after is handled.
    await slack.post_event_http(url, dm_event(slack, "count"))
    await slack.wait_for_post(lambda p: p["args"].get("text") == "count is 1")
    assert await read_count(bot) == 1
    assert len(posts(slack)) == 1

"""Slack inbound → outbound throughput: salon's Slack adapter against a bare slack-bolt app.

Each message is an Events API body (a member's DM saying ``ping``), signed as Slack signs it,
dispatched in-process to bolt (``AsyncApp.async_dispatch``); the answer's ``chat.postMessage``
request body is captured by a Web API client that never touches the network. Sequential: the
next message goes in once the previous answer was captured. Both apps share that client, so
the difference is salon (adapter, router, command, send queue, Block Kit rendering). A third
run gives the bare app the Web API client salon builds (an explicitly levelled logger, which
spares slack_sdk formatting debug lines nobody reads), to show what is left on equal terms.

The adapter's send-queue pacing (1 message/s per channel, as Slack asks) is switched off here:
it would measure the sleep, not the path.

Run: python benchmarks/slack_path.py [--messages 20000] [--warmup 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from salon.adapters.slack.adapter import SlackAdapter, build_web_client
from salon.adapters.slack.config import SlackConfig
from salon.core import Bot, RateLimits
from salon.core.config import config_from_mapping

SIGNING_SECRET = "benchmark-signing-secret"
BOT_TOKEN = "xoxb-benchmark-token"
BOT_USER, USER, DM = "U0BOT", "U0ALICE", "D0ALICE"
API_URL = "http://slack.invalid/api/"
FAKE_DATA: dict[str, dict[str, Any]] = {
    "auth.test": {
        "ok": True,
        "user_id": BOT_USER,
        "bot_id": "B0BOT",
        "team_id": "T0",
        "user": "salon",
    },
    "users.info": {
        "ok": True,
        "user": {"id": USER, "name": "alice", "profile": {"display_name": "Alice"}},
    },
}


class CapturedResponse:
    """Enough of an aiohttp response for slack_sdk: JSON, status 200."""

    content_type = "application/json"
    status = 200

    def __init__(self, data: dict[str, Any]) -> None:
        self.headers: dict[str, str] = {}
        self._data = data

    async def json(self) -> dict[str, Any]:
        return self._data

    async def __aenter__(self) -> CapturedResponse:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None


class CapturingSession:
    """Stands in for the aiohttp session under slack_sdk: every Web API request is serialised
    as aiohttp would (``json=`` → bytes) and kept; no network. Bolt hands the session to the
    per-request clients it builds, so both apps go through the whole SDK."""

    closed = False

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.waiter: asyncio.Future[bytes] | None = None
        self._ts = 0

    def request(self, http_verb: str, api_url: str, **req_args: Any) -> CapturedResponse:
        method = api_url.rsplit("/", 1)[-1]
        if method != "chat.postMessage":
            return CapturedResponse(FAKE_DATA[method])
        body = json.dumps(req_args["json"]).encode()
        self.bodies.append(body)
        self._ts += 1
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(body)
        channel = req_args["json"]["channel"]
        return CapturedResponse({"ok": True, "channel": channel, "ts": f"1.{self._ts:06d}"})


def capturing_client(*, salon: bool) -> tuple[AsyncWebClient, CapturingSession]:
    """A Web API client on a capturing session: built as salon builds its own, or with
    slack_sdk's defaults for the bare app."""
    session = CapturingSession()
    options: dict[str, Any] = {"session": session}
    if salon:
        return build_web_client(BOT_TOKEN, API_URL, **options), session
    return AsyncWebClient(token=BOT_TOKEN, base_url=API_URL, **options), session


def signed_requests(count: int, start: int) -> list[tuple[str, dict[str, str]]]:
    """``count`` signed DM ``message`` events, each with its own ``event_id``."""
    timestamp = str(int(time.time()))
    requests = []
    for n in range(start, start + count):
        body = json.dumps(
            {
                "token": "x",
                "team_id": "T0",
                "api_app_id": "A0",
                "type": "event_callback",
                "event_id": f"Ev{n:010d}",
                "event_time": int(timestamp),
                "authorizations": [{"team_id": "T0", "user_id": BOT_USER, "is_bot": True}],
                "event": {
                    "type": "message",
                    "channel": DM,
                    "channel_type": "im",
                    "user": USER,
                    "text": "ping",
                    "ts": f"1700000000.{n:06d}",
                    "event_ts": f"1700000000.{n:06d}",
                },
            }
        )
        base = f"v0:{timestamp}:{body}".encode()
        signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
        headers = {
            "content-type": "application/json",
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": signature,
        }
        requests.append((body, headers))
    return requests


async def drive(
    app: AsyncApp, session: CapturingSession, requests: list[tuple[str, dict[str, str]]]
) -> float:
    """Send each request and wait for its answer; return the seconds it took."""
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    for body, headers in requests:
        session.waiter = waiter = loop.create_future()
        response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
        if response.status != 200:
            raise RuntimeError(f"bolt answered {response.status}: {response.body}")
        await waiter
    return time.perf_counter() - started


def bare_bolt(client: AsyncWebClient) -> AsyncApp:
    """What one would write with slack-bolt alone: answer ``ping`` in the DM."""
    app = AsyncApp(client=client, signing_secret=SIGNING_SECRET)

    @app.event("message")
    async def answer(body: dict[str, Any], client: AsyncWebClient) -> None:
        event = body["event"]
        if event.get("text") == "ping":
            await client.chat_postMessage(channel=event["channel"], text="pong")

    return app


class UnpacedSlackAdapter(SlackAdapter):
    rate_limits = RateLimits()


async def salon_bot(client: AsyncWebClient, database: Path) -> tuple[Bot, AsyncApp]:
    config = config_from_mapping(
        {"database": {"url": f"sqlite:///{database}"}, "adapters": {"slack": {"mode": "http"}}}
    )
    env = {"SALON_SLACK_BOT_TOKEN": BOT_TOKEN, "SALON_SLACK_SIGNING_SECRET": SIGNING_SECRET}
    bot = Bot(config, env=env)
    adapter = UnpacedSlackAdapter(bot, SlackConfig(mode="http"), env, client=client)
    bot.add_adapter(adapter)
    await bot.start(run_scheduler=False)
    return bot, adapter.app


async def main(messages: int, warmup: int, rounds: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        salon_client, salon_session = capturing_client(salon=True)
        bare_client, bare_session = capturing_client(salon=False)
        tuned_client, tuned_session = capturing_client(salon=True)
        bot, salon_app = await salon_bot(salon_client, Path(tmp) / "salon.db")
        runs = [
            ("bare", bare_bolt(bare_client), bare_session),
            ("tuned", bare_bolt(tuned_client), tuned_session),
            ("salon", salon_app, salon_session),
        ]
        try:
            offset = 0
            for _, app, session in runs:
                await drive(app, session, signed_requests(warmup, offset))
            offset += warmup
            best = dict.fromkeys(("bare", "tuned", "salon"), 0.0)
            for _ in range(rounds):
                for name, app, session in runs:
                    requests = signed_requests(messages, offset)
                    seconds = await drive(app, session, requests)
                    best[name] = max(best[name], messages / seconds)
                offset += messages
        finally:
            await bot.stop()
    sample = json.loads(salon_session.bodies[-1])
    assert sample["text"] == "pong" and sample["channel"] == DM, sample
    ratio = best["salon"] / best["bare"]
    print(f"messages: {messages} (after {warmup} warm-up), best of {rounds} round(s), sequential")
    print(f"bare slack-bolt: {best['bare']:8,.0f} msgs/s")
    print(f"salon (slack):   {best['salon']:8,.0f} msgs/s")
    print(f"ratio:           {ratio:8.2f}x  (target >= 0.85x)")
    print(
        f"(bare slack-bolt on salon's Web API client, explicit logger level: "
        f"{best['tuned']:,.0f} msgs/s; salon / that = {best['salon'] / best['tuned']:.2f}x)"
    )
    print(f"captured chat.postMessage body: {salon_session.bodies[-1].decode()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=1)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.messages, arguments.warmup, arguments.rounds))

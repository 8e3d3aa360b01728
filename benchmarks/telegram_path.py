"""Telegram path: Update JSON → python-telegram-bot → salon → the ``sendMessage`` request body.

Both sides parse the same update JSON with ``Update.de_json`` and reply through PTB's real
request code, down to a ``BaseRequest`` whose ``do_request`` captures the body and answers a
fake ``ok`` (no network). salon's side goes adapter → router → command → neutral markup → HTML
renderer → send queue → ``Bot.send_message``; the bare side is a PTB ``Application`` with a
``CommandHandler`` that escapes the text and replies with ``reply_text``. Seq mode (one message
in flight), 1,000 warm-up then 20,000 messages each, side by side in one process. Rate limits
are off on both sides: this measures the code path, not Telegram's pacing.

    python benchmarks/telegram_path.py [--messages 20000] [--warmup 1000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import html
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes
from telegram.request import BaseRequest, RequestData

from salon.adapters.telegram import TelegramAdapter, TelegramConfig
from salon.core import Arg, Command, Context, RateLimits, bold, hookimpl, md
from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.plugins import create_plugin_manager

TOKEN = "7000000001:AAEmulatorTokenForSalonTests_0123456"
BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "Salon", "username": "salon_bench_bot"}
USER = {"id": 10001, "is_bot": False, "first_name": "Ana", "username": "ana"}
CHAT = {"id": 10001, "type": "private", "first_name": "Ana"}
TRUE = b'{"ok":true,"result":true}'


class CaptureRequest(BaseRequest):
    """PTB's request interface with the network cut: bodies are kept, answers are fake."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, str]] = []
        self.waiter: asyncio.Future[None] | None = None
        self._message_id = 0

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if name == "sendMessage":
            assert request_data is not None
            self.bodies.append(request_data.json_parameters)
            self._message_id += 1
            result = {
                "message_id": self._message_id,
                "date": 1_700_000_000,
                "chat": CHAT,
                "from": BOT_USER,
                "text": "ok",
            }
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_result(None)
            return 200, json.dumps({"ok": True, "result": result}).encode()
        if name == "getMe":
            return 200, json.dumps({"ok": True, "result": BOT_USER}).encode()
        return 200, TRUE


def update_json(update_id: int, n: int) -> bytes:
    text = f"/echo draft {n} @everyone <b>"
    message = {
        "message_id": update_id,
        "date": 1_700_000_000,
        "chat": CHAT,
        "from": USER,
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


# --- salon ---------------------------------------------------------------------------------


class EchoPlugin:
    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(Command("echo", self.echo, help="Echo.", args=(Arg("text", rest=True),)))

    def echo(self, ctx: Context, text: str) -> None:
        ctx.reply(md("You wrote ", bold(text), "."))


async def salon_side(tmp: Path) -> tuple[Any, Any, CaptureRequest]:
    config = config_from_mapping({"database": {"url": f"sqlite:///{tmp / 'b.db'}"}})
    pm = create_plugin_manager(extra=[("echo", EchoPlugin())])
    env = {"SALON_TELEGRAM_TOKEN": TOKEN, "SALON_TELEGRAM_WEBHOOK_SECRET": "bench"}
    bot = Bot(config, pm=pm, env=env)
    request = CaptureRequest()
    adapter = TelegramAdapter(
        bot, TelegramConfig(mode="webhook"), env, request=request, get_updates_request=request
    )
    adapter.rate_limits = RateLimits()  # type: ignore[misc]  # measure code, not pacing
    bot.add_adapter(adapter)
    await bot.start(run_scheduler=False)

    async def handle(raw: bytes) -> None:
        await adapter.handle_update(Update.de_json(json.loads(raw), adapter.ptb))

    async def stop() -> None:
        await bot.stop()

    return handle, stop, request


# --- bare python-telegram-bot --------------------------------------------------------------


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    text = " ".join(context.args or ())
    await update.effective_message.reply_text(
        f"You wrote <b>{html.escape(text)}</b>.", parse_mode="HTML"
    )


async def ptb_side() -> tuple[Any, Any, CaptureRequest]:
    request = CaptureRequest()
    app: Application[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(request)
        .get_updates_request(request)
        .updater(None)
        .build()
    )
    app.add_handler(CommandHandler("echo", echo))
    await app.initialize()

    async def handle(raw: bytes) -> None:
        await app.process_update(Update.de_json(json.loads(raw), app.bot))

    async def stop() -> None:
        await app.shutdown()

    return handle, stop, request


# --- measuring -----------------------------------------------------------------------------


async def measure(handle: Any, request: CaptureRequest, raws: list[bytes]) -> float:
    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    for raw in raws:
        request.waiter = loop.create_future()
        await handle(raw)
        await request.waiter
    return time.perf_counter() - start


def check(name: str, request: CaptureRequest, first: int, count: int, marker: str) -> None:
    texts = [body["text"] for body in request.bodies[-count:]]
    want = [
        f"You wrote <b>draft {n} {marker}everyone &lt;b&gt;</b>."
        for n in range(first, first + count)
    ]
    if texts != want:
        bad = next(i for i, (a, b) in enumerate(zip(texts, want, strict=False)) if a != b)
        sys.exit(f"{name}: reply {bad} was {texts[bad]!r}, expected {want[bad]!r}")


async def run(messages: int, warmup: int, rounds: int) -> None:
    logging.disable(logging.WARNING)
    total = warmup + messages
    with tempfile.TemporaryDirectory() as tmp:
        salon_handle, salon_stop, salon_request = await salon_side(Path(tmp))
        ptb_handle, ptb_stop, ptb_request = await ptb_side()
        best = {"salon": 0.0, "ptb": 0.0}
        next_id = 1
        for _ in range(rounds):
            for name, handle, request in (
                ("ptb", ptb_handle, ptb_request),
                ("salon", salon_handle, salon_request),
            ):
                raws = [update_json(next_id + n, n) for n in range(total)]
                next_id += total
                await measure(handle, request, raws[:warmup])
                gc.collect()
                seconds = await measure(handle, request, raws[warmup:])
                marker = "@\u2060" if name == "salon" else "@"
                check(name, request, warmup, messages, marker)
                best[name] = max(best[name], messages / seconds)
        await salon_stop()
        await ptb_stop()
    ratio = best["salon"] / best["ptb"]
    print(f"bare PTB : {best['ptb']:,.0f} msgs/s")
    print(f"salon    : {best['salon']:,.0f} msgs/s")
    print(f"ratio    : {ratio:.2f}x bare PTB (target >= 0.85x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(run(args.messages, args.warmup, args.rounds))


if __name__ == "__main__":
    main()

"""salon with its Telegram adapter, running against the local Bot API emulator."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from emulators.telegram import TelegramEmulator
from emulators.telegram.fixtures import telegram_emulator  # noqa: F401

from salon.adapters.telegram import TelegramAdapter
from salon.core import (
    TEXT,
    WORD,
    Action,
    Arg,
    Button,
    ButtonPress,
    Clock,
    Command,
    Context,
    MemberRef,
    bold,
    code,
    hookimpl,
    italic,
    link,
    md,
    quote,
)
from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.plugins import create_plugin_manager
from salon.core.runtime import build_adapters
from salon.core.web import WebServer

SECRET = "webhook-secret_123"
LONG_VALUE = "v" * 80  # too long for callback_data together with its action


class ProbePlugin:
    """Commands the tests drive: echo, a choice with buttons, a long reply, a direct message."""

    @hookimpl
    def register_commands(self, register: Callable[[Command], None]) -> None:
        register(
            Command("echo", self.echo, help="Say it back.", args=(Arg("text", TEXT, rest=True),))
        )
        register(Command("choose", self.choose, help="Pick one of three buttons."))
        register(Command("essay", self.essay, help="A very long answer."))
        register(Command("nudge", self.nudge, help="DM a member.", args=(Arg("member_id", WORD),)))

    @hookimpl
    def register_actions(self, register: Callable[[Action], None]) -> None:
        register(Action("t.choose", self.chosen))

    def echo(self, ctx: Context, text: str) -> None:
        ctx.reply(md("echo: ", text))

    def choose(self, ctx: Context) -> None:
        ctx.reply(
            "Join the sprint?",
            buttons=(
                Button("Join", "t.choose", "yes"),
                Button("Skip", "t.choose", "no"),
                Button("Later", "t.choose", LONG_VALUE),
            ),
        )

    def chosen(self, ctx: Context, press: ButtonPress) -> None:
        assert press.message_id is not None
        answer = "later" if press.value == LONG_VALUE else press.value
        ctx.edit(press.message_id, md("You chose ", bold(answer), "."))

    def essay(self, ctx: Context) -> None:
        ctx.reply(essay_body())

    def nudge(self, ctx: Context, member_id: str) -> None:
        ctx.send_direct(MemberRef("telegram", member_id), "Your sprint starts in 5 minutes.")
        ctx.reply("Nudged.")


def essay_body() -> Any:
    """~12,000 characters mixing every node type, with user-looking text that needs escaping."""
    parts: list[Any] = []
    for n in range(60):
        parts += [
            bold(f"Section {n}"),
            " — ",
            italic("a <draft> & notes " * 3),
            code(f"wc {n} < 500 && done"),
            " see ",
            link(f"https://example.org/{n}?a=1&b=2", "the ", bold("link")),
            "\n",
            quote(f"quoted line {n} " * 4),
            "word " * 20,
            "\n",
        ]
    return md(*parts)


@pytest.fixture
def tg(telegram_emulator: TelegramEmulator) -> TelegramEmulator:  # noqa: F811
    return telegram_emulator


def adapter_of(bot: Bot) -> TelegramAdapter:
    adapter = bot.adapters["telegram"]
    assert isinstance(adapter, TelegramAdapter)
    return adapter


class TelegramSalon:
    """Starts salon (Telegram adapter + probe plugin) on one database, as often as a test needs."""

    secret = SECRET
    long_value = LONG_VALUE
    essay = staticmethod(essay_body)
    adapter = staticmethod(adapter_of)

    def __init__(self, tg: TelegramEmulator, database: Path) -> None:
        self.tg = tg
        self.database = database

    @contextlib.asynccontextmanager
    async def running(
        self,
        *,
        telegram: Mapping[str, Any] | None = None,
        organisers: Iterable[str] = (),
        env: Mapping[str, str] | None = None,
        plugins: Iterable[tuple[str, object]] = (),
        clock: Clock | None = None,
    ) -> AsyncIterator[Bot]:
        """A started bot with the Telegram adapter (polling unless told) and the probe plugin."""
        config = config_from_mapping(
            {
                "community": {"name": "Night Owls", "organisers": list(organisers)},
                "database": {"url": f"sqlite:///{self.database}"},
                "adapters": {
                    "telegram": {
                        "base_url": self.tg.base_url,
                        "base_file_url": self.tg.base_file_url,
                        "poll_timeout": 2,
                        **(telegram or {}),
                    }
                },
            }
        )
        environment = {"SALON_TELEGRAM_TOKEN": self.tg.token, **(env or {})}
        pm = create_plugin_manager(extra=[("t", ProbePlugin()), *plugins])
        bot = Bot(config, pm=pm, env=environment, clock=clock)
        for adapter in build_adapters(bot, environment):
            bot.add_adapter(adapter)
        await bot.start(run_scheduler=False)
        try:
            yield bot
        finally:
            await bot.stop()

    @contextlib.asynccontextmanager
    async def webhook_running(self) -> AsyncIterator[tuple[Bot, str]]:
        """A started bot in webhook mode, its route served by salon's web server: (bot, url)."""
        options = {
            "telegram": {"mode": "webhook"},
            "env": {"SALON_TELEGRAM_WEBHOOK_SECRET": SECRET},
        }
        async with self.running(**options) as bot:  # type: ignore[arg-type]
            web = WebServer(bot, "127.0.0.1", 0)
            web.add_routes(adapter_of(bot).routes())
            await web.start()
            try:
                yield bot, f"http://127.0.0.1:{web.port}/telegram/webhook"
            finally:
                await web.stop()


@pytest.fixture
def salon(tg: TelegramEmulator, tmp_path: Path) -> TelegramSalon:
    return TelegramSalon(tg, tmp_path / "salon.db")

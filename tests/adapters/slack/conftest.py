"""A salon bot on the Slack adapter, talking to the local Slack emulator with the real SDKs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from emulators.slack import SlackEmulator
from emulators.slack.fixtures import slack_emulator  # noqa: F401

from salon.core import (
    TEXT,
    Action,
    Arg,
    Bot,
    Button,
    ButtonPress,
    Clock,
    Command,
    Context,
    Form,
    FormField,
    bold,
    hookimpl,
    md,
)
from salon.core.config import config_from_mapping
from salon.core.plugins import create_plugin_manager
from salon.core.runtime import build_adapters
from salon.core.storage import sa
from salon.core.storage.tables import state
from salon.core.web import WebServer

COUNT_KEY = "slack-test-count"
#: A form whose title and labels are user text that tries to ping and format.
SURVEY = Form(
    title="<!channel> *Weekly* survey for the writers",
    fields=(
        FormField("words", "Words written", multiline=False),
        FormField("notes", "<@U0BOB> @everyone _notes_ &amp;", optional=True),
    ),
    action="t.survey",
    submit_label="Send it",
)


class SlackTestPlugin:
    """Commands that exercise the adapter: state changes, buttons, echo, a slow handler."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.slow_started = asyncio.Event()
        self.submissions: list[ButtonPress] = []

    @hookimpl
    def register_commands(self, register: Callable[[Command], None]) -> None:
        register(Command("count", self.count, help="Add one to a counter in the database."))
        register(
            Command("echo", self.echo, help="Say it back.", args=(Arg("text", TEXT, rest=True),))
        )
        register(Command("choose", self.choose, help="Offer two buttons."))
        register(Command("slow", self.slow, help="Answer once the test lets go."))
        register(Command("slowcount", self.slowcount, help="Count once the test lets go."))
        register(Command("survey", self.survey, help="Offer a form."))

    @hookimpl
    def register_actions(self, register: Callable[[Action], None]) -> None:
        register(Action("t.pick", self.pick))
        register(Action("t.survey", self.surveyed))

    async def count(self, ctx: Context) -> None:
        async with ctx.transaction() as db:
            row = (
                await db.execute(sa.select(state.c.value).where(state.c.key == COUNT_KEY))
            ).first()
            value = (row[0] if row else 0) + 1
            await ctx.bot.storage.set_state(COUNT_KEY, value, db)
        ctx.reply(f"count is {value}")

    def echo(self, ctx: Context, text: str) -> None:
        ctx.reply(text)

    def choose(self, ctx: Context) -> None:
        ctx.reply(
            "Pick a colour",
            buttons=(Button("Red", "t.pick", "red"), Button("Blue", "t.pick", "blue")),
        )

    def pick(self, ctx: Context, press: ButtonPress) -> None:
        assert press.message_id is not None
        ctx.edit(press.message_id, md(press.member.display_name, " picked ", bold(press.value)))

    def survey(self, ctx: Context) -> None:
        ctx.reply("Tell me about your week", form=SURVEY)

    def surveyed(self, ctx: Context, press: ButtonPress) -> None:
        self.submissions.append(press)
        ctx.reply(f"thanks, {press.values['words']} words")

    async def slowcount(self, ctx: Context) -> None:
        self.slow_started.set()
        await self.release.wait()
        await self.count(ctx)

    async def slow(self, ctx: Context) -> None:
        self.slow_started.set()
        await self.release.wait()
        ctx.reply("finally")


async def crash(bot: Bot) -> None:
    """Stop ``bot`` as ``kill -9`` would, as far as the database can tell: the work under way
    is abandoned and nothing more is written (the connections are closed only so the test
    process does not leak them)."""
    await bot.tasks.close()
    await bot.loops.close()
    await bot.outbound.stop()
    for adapter in bot.adapters.values():
        await adapter.stop()
    await bot.storage.dispose()
    bot.started = False


async def read_count(bot: Bot) -> int:
    return int(await bot.storage.get_state(COUNT_KEY, 0))


StartBot = Callable[..., Awaitable[Bot]]


@pytest.fixture
def slack(slack_emulator: SlackEmulator) -> SlackEmulator:  # noqa: F811
    return slack_emulator


@pytest.fixture
def plugin() -> SlackTestPlugin:
    return SlackTestPlugin()


def slack_config(tmp_path: Path, slack: SlackEmulator, **settings: Any) -> dict[str, Any]:
    return {
        "community": {"name": "Test group"},
        "database": {"url": f"sqlite:///{tmp_path / 'salon.db'}"},
        "adapters": {"slack": {"api_url": slack.api_url, **settings}},
    }


def slack_env(slack: SlackEmulator) -> dict[str, str]:
    return {
        "SALON_SLACK_BOT_TOKEN": slack.bot_token,
        "SALON_SLACK_APP_TOKEN": slack.app_token,
        "SALON_SLACK_SIGNING_SECRET": slack.signing_secret,
    }


@pytest.fixture
def extra_plugins() -> list[tuple[str, object]]:
    """More plugins for the bot (a test module overrides this)."""
    return []


@pytest.fixture
def bot_clock() -> Clock | None:
    """The bot's clock (a test module passes a ManualClock to move time)."""
    return None


@pytest_asyncio.fixture
async def start_bot(
    slack: SlackEmulator,
    plugin: SlackTestPlugin,
    tmp_path: Path,
    extra_plugins: list[tuple[str, object]],
    bot_clock: Clock | None,
) -> AsyncIterator[StartBot]:
    """``await start_bot(mode="socket")``: a started bot (stopped after the test); several
    calls give restarts on the same database."""
    bots: list[Bot] = []

    async def start(**settings: Any) -> Bot:
        config = config_from_mapping(slack_config(tmp_path, slack, **settings), source="test")
        extra = [("slacktest", plugin), *extra_plugins]
        pm = create_plugin_manager(config.disabled_plugins, extra=extra)
        env = slack_env(slack)
        bot = Bot(config, pm=pm, env=env, clock=bot_clock)
        for adapter in build_adapters(bot, env):
            bot.add_adapter(adapter)
        await bot.start(run_scheduler=False)
        bots.append(bot)
        return bot

    try:
        yield start
    finally:
        plugin.release.set()
        for bot in reversed(bots):
            if bot.started:
                await bot.stop()


@pytest_asyncio.fixture
async def http_bot(start_bot: StartBot) -> AsyncIterator[tuple[Bot, str]]:
    """A bot in "http" mode behind salon's own web server; yields it and its events URL."""
    bot = await start_bot(mode="http")
    web = WebServer(bot, "127.0.0.1", 0)
    web.add_routes(bot.adapters["slack"].routes())
    await web.start()
    try:
        yield bot, f"http://127.0.0.1:{web.port}/slack/events"
    finally:
        await web.stop()


def dm_event(slack: SlackEmulator, text: str, *, user: str = "U0ALICE") -> dict[str, Any]:
    """A member's message in their DM with the bot."""
    channel = slack.workspace.open_dm(user).id
    return {"type": "message", "channel": channel, "user": user, "text": text, "channel_type": "im"}


def channel_event(
    text: str, *, user: str = "U0ALICE", channel: str = "C0GENERAL"
) -> dict[str, Any]:
    return {"type": "message", "channel": channel, "user": user, "text": text}


def posts(slack: SlackEmulator, method: str = "chat.postMessage") -> list[dict[str, Any]]:
    return [p for p in slack.posted if p["method"] == method]

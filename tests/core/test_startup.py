"""Startup order and failing plugins: nothing is received before every plugin has started; a
plugin whose ``startup`` raises is disabled with its commands, actions and jobs; its jobs wait,
untouched, until it is back."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from salon.core import Action, Bot, Command, Context, JobHandler, hookimpl
from salon.core.testing import SalonHarness


class SlowStart:
    """Its startup waits on a gate; its command needs what startup prepares."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.greeting: str | None = None

    @hookimpl
    async def startup(self) -> None:
        await self.gate.wait()
        self.greeting = "ready"

    @hookimpl
    def register_commands(self, register: Any) -> None:
        register(Command("greet", self.greet, help="Greet."))

    def greet(self, ctx: Context) -> None:
        assert self.greeting is not None, "received before startup finished"
        ctx.reply(self.greeting)


async def test_no_event_is_handled_before_every_plugin_has_started(salon_clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plugin = SlowStart()
    harness = SalonHarness(
        {"database": {"url": f"sqlite:///{tmp_path}/s.db"}}, salon_clock, [("slow", plugin)]
    )
    starting = asyncio.create_task(harness.start())
    member = harness.member("alice")
    message = harness.adapter.message(member, harness.adapter.space("general"), "!greet")
    receiving = asyncio.create_task(harness.bot.receive(message))
    await asyncio.sleep(0.05)  # the adapter delivered while startup is still running
    assert not receiving.done() and harness.replies == []
    plugin.gate.set()
    await starting
    await receiving
    await harness.bot.outbound.drain()
    assert harness.texts() == ["ready"]
    await harness.stop()


class Broken:
    """Registers a command, an action and a job kind; its startup raises."""

    def __init__(self, *, broken: bool) -> None:
        self.broken = broken
        self.runs: list[str] = []

    @hookimpl
    def startup(self, bot: Bot) -> None:
        if self.broken:
            raise RuntimeError("the API key was refused")

    @hookimpl
    def register_commands(self, register: Any) -> None:
        register(Command("nudge", self.nudge, help="Schedule a nudge."))

    @hookimpl
    def register_actions(self, register: Any) -> None:
        register(Action("broken.press", lambda ctx: ctx.reply("pressed")))

    @hookimpl
    def register_jobs(self, register: Any) -> None:
        register(JobHandler("broken.nudge", self.run))

    @hookimpl
    def member_joined(self) -> None:
        self.runs.append("joined")

    async def nudge(self, ctx: Context) -> None:
        async with ctx.transaction() as db:
            await ctx.bot.scheduler.schedule(
                "nudge", "broken.nudge", at=ctx.now() + timedelta(hours=1), connection=db
            )
        ctx.reply("scheduled")

    def run(self, ctx: Any, job: Any) -> None:
        self.runs.append("nudge")


async def test_a_plugin_whose_startup_fails_is_disabled_with_everything_and_its_jobs_wait(
    salon_clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    config = {"database": {"url": f"sqlite:///{tmp_path}/s.db"}}
    working = Broken(broken=False)
    harness = SalonHarness(config, salon_clock, [("broken", working)])
    await harness.start()
    assert harness.texts(await harness.send("!nudge")) == ["scheduled"]
    await harness.stop()

    failing = Broken(broken=True)
    harness = SalonHarness(config, salon_clock, [("broken", failing)], allow_errors=True)
    await harness.start()
    try:
        assert "startup failed" in harness.bot.disabled["broken"]
        assert harness.bot.commands.get("nudge") is None
        assert "broken.press" not in harness.bot.commands.actions
        replies = harness.texts(await harness.send("!nudge"))
        assert "I don't know the command" in replies[0]
        await harness.bot.receive_join(harness.member("bob"), harness.adapter.space("general"))
        await harness.advance(timedelta(hours=2))  # the nudge is due, but its plugin is out
        assert failing.runs == []
        assert await harness.bot.scheduler.next_run("nudge") is not None  # kept, not advanced
    finally:
        await harness.stop()

    harness = SalonHarness(config, salon_clock, [("broken", working)])
    await harness.start()
    try:
        await harness.advance(timedelta(minutes=1))
        assert working.runs == ["nudge"]  # back: the job that waited runs
    finally:
        await harness.stop()


def test_salon_plugins_shows_a_plugin_disabled_at_startup_and_why(tmp_path: Path) -> None:
    package = tmp_path / "failing_plugin.py"
    package.write_text(
        "from salon.core import hookimpl\n"
        "@hookimpl\n"
        "def startup(bot):\n"
        "    raise RuntimeError('no API key')\n"
    )
    # The bot starts (recording the failure), then `salon plugins` reads it back.
    script = (
        "import asyncio, failing_plugin\n"
        "from salon.core.bot import Bot\n"
        "from salon.core.config import load_config\n"
        "from salon.core.plugins import create_plugin_manager\n"
        "config = load_config(None)\n"
        "pm = create_plugin_manager(extra=[('failing', failing_plugin)])\n"
        "async def main():\n"
        "    bot = Bot(config, pm=pm)\n"
        "    await bot.start(run_scheduler=False)\n"
        "    await bot.stop()\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "salon.core.cli", "plugins"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, listed.stderr
    assert (
        "failing\n  disabled when salon last started: its startup failed: "
        "RuntimeError('no API key')"
    ) in listed.stdout

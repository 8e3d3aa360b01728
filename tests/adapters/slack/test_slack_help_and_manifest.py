"""The same commands as everywhere else: ``help`` matches the console, the manifest lists them."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from emulators.slack import SlackEmulator

from salon.core import Bot, ManualClock
from salon.core.cli import main
from salon.core.config import load_config
from salon.core.testing import SalonHarness, default_config

from .conftest import SlackTestPlugin, StartBot, dm_event


def normalised(text: str) -> list[str]:
    """Lines without formatting marks, entities or word joiners, for comparing renderings."""
    text = html.unescape(text).replace("\u2060", "")
    return [re.sub(r"[*_`]", "", line).strip() for line in text.splitlines() if line.strip()]


async def test_help_is_the_same_list_as_on_the_console(
    slack: SlackEmulator, start_bot: StartBot, plugin: SlackTestPlugin, tmp_path: Path
) -> None:
    await start_bot()
    harness = SalonHarness(
        default_config(tmp_path / "memory.db"),
        ManualClock(),
        [("slacktest", plugin)],
        load_entrypoints=True,  # the same plugins as the Slack bot: every installed one
    )
    await harness.start()
    try:
        (console,) = await harness.send("help", dm=True)
    finally:
        await harness.stop()

    await slack.send_event(dm_event(slack, "help"))
    post = await slack.wait_for_post()

    sections = "\n".join(b["text"]["text"] for b in post["args"]["blocks"])
    assert normalised(post["args"]["text"]) == normalised(console.text)
    assert normalised(sections) == normalised(console.text)
    assert "• *help* — List the commands" in sections  # mrkdwn, not plain text


def test_manifest_lists_every_command(tmp_path: Path) -> None:
    config = tmp_path / "salon.toml"
    config.write_text(
        '[database]\nurl = "sqlite:///' + str(tmp_path / "s.db") + '"\n'
        '[adapters.slack]\nmode = "http"\nslash_command = "/writers"\n',
        encoding="utf-8",
    )

    result = CliRunner().invoke(
        main, ["slack", "manifest", "--config", str(config), "--url", "https://w.example"]
    )

    assert result.exit_code == 0, result.output
    manifest = json.loads(result.stdout)
    (command,) = manifest["features"]["slash_commands"]
    hint = command["usage_hint"].split(" | ")
    registered = {c.name for c in Bot(load_config(config), env={}).commands.commands}
    assert registered and set(hint) == registered
    assert command["command"] == "/writers"
    assert command["url"] == "https://w.example/slack/events"
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["interactivity"] == {
        "is_enabled": True,
        "request_url": "https://w.example/slack/events",
    }
    assert {"app_mention", "message.im"} <= set(settings["event_subscriptions"]["bot_events"])
    assert {"chat:write", "commands", "users:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )


def test_manifest_defaults_to_socket_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["slack", "manifest", "--config", "/nonexistent.toml"])
    assert result.exit_code != 0 and "no such file" in result.output

    monkeypatch.chdir(tmp_path)  # no salon.toml here: the defaults
    result = CliRunner().invoke(main, ["slack", "manifest"])
    manifest = json.loads(result.stdout)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in manifest["features"]["slash_commands"][0]

"""``salon slack …``: Slack-only commands, contributed through the ``salon.cli`` entry point."""

from __future__ import annotations

import json
from pathlib import Path

import click

from salon.adapters.slack.config import SlackConfig
from salon.adapters.slack.manifest import build_manifest
from salon.core.config import load_config, structure
from salon.core.errors import SalonError


@click.group()
def slack() -> None:
    """Slack: the app manifest."""


@slack.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Configuration file (default: ./salon.toml if present, else built-in defaults).",
)
@click.option(
    "--url",
    "public_url",
    default=None,
    help='Public base URL of salon\'s web server (mode "http"), e.g. https://salon.example.org.',
)
def manifest(config_path: Path | None, public_url: str | None) -> None:
    """Print the Slack app manifest (JSON) for the enabled plugins' commands.

    Paste it at https://api.slack.com/apps → Create New App → From an app manifest.
    """
    from salon.core.bot import Bot

    try:
        config = load_config(config_path)
        table = {k: v for k, v in config.adapters.get("slack", {}).items() if k != "enabled"}
        slack_config = structure(table, SlackConfig, "adapters.slack")
        slack_config.check()
        commands = Bot(config, env={}).commands.commands
    except SalonError as error:
        raise click.ClickException(str(error)) from None
    document = build_manifest(
        commands, slack_config, app_name=config.community.name, public_url=public_url
    )
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    if slack_config.mode == "http" and public_url is None:
        click.echo("note: pass --url so the request URLs point at your server", err=True)

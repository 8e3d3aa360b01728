"""The ``salon`` command line: run, init, check, plugins, hooks, api, plugin new, db upgrade,
db backup, jobs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path

import click

from salon.core.cli_jobs import jobs
from salon.core.config import SalonConfig, env_secrets, load_config
from salon.core.errors import SalonError
from salon.core.logformat import FORMATS, setup_logging

CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Configuration file (default: ./salon.toml if present, else built-in defaults).",
)


def _load(config_path: Path | None) -> SalonConfig:
    try:
        return load_config(config_path)
    except SalonError as error:
        raise click.ClickException(str(error)) from None


def _run_async(coroutine: object) -> object:
    try:
        return asyncio.run(coroutine)  # type: ignore[arg-type]
    except SalonError as error:
        raise click.ClickException(str(error)) from None


@click.group()
@click.version_option(package_name="salon")
def main() -> None:
    """salon: run a writing community across Slack, Telegram and Matrix."""


@main.command()
@CONFIG_OPTION
@click.option(
    "--log-level", default=None, help="debug, info, warning (default: warning on the console)."
)
@click.option(
    "--log-format",
    type=click.Choice(FORMATS),
    default="text",
    envvar="SALON_LOG_FORMAT",
    show_default=True,
    help="text lines, or one JSON object a line (for a log collector).",
)
def run(config_path: Path | None, log_level: str | None, log_format: str) -> None:
    """Run the bot (with no config: the console and ./salon.db)."""
    from salon.core.runtime import enabled_adapters
    from salon.core.runtime import run as run_bot

    config = _load(config_path)
    console_only = set(enabled_adapters(config)) == {"console"}
    setup_logging(log_level or ("warning" if console_only else "info"), log_format)
    with contextlib.suppress(KeyboardInterrupt):
        _run_async(run_bot(config))


@main.command()
@click.option("--path", type=click.Path(path_type=Path, dir_okay=False), default=Path("salon.toml"))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented starter salon.toml."""
    from salon.core.starter import STARTER

    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; use --force to overwrite it")
    path.write_text(STARTER, encoding="utf-8")
    click.echo(f"Wrote {path}. Edit it, then run `salon check` and `salon run`.")


@main.command()
@CONFIG_OPTION
def check(config_path: Path | None) -> None:
    """Validate the configuration and that every needed secret is set."""
    from salon.core.bot import Bot
    from salon.core.plugins import unknown_disabled
    from salon.core.runtime import adapter_class, enabled_adapters, missing_secrets

    config = _load(config_path)
    problems: list[str] = []
    try:
        Bot(config, env=env_secrets())
    except SalonError as error:
        problems.append(str(error))
    for name in enabled_adapters(config):
        try:
            cls = adapter_class(name)
        except SalonError as error:
            problems.append(str(error))
            continue
        missing = missing_secrets(cls, os.environ)
        problems.extend(f"adapters.{name}: environment variable {v} is not set" for v in missing)
        click.echo(f"adapter {name}: " + ("missing secrets" if missing else "ok"))
    for warning in unknown_disabled(config.disabled_plugins):
        click.echo(f"warning: {warning}", err=True)
    if problems:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(1)
    if config.source == "defaults":
        click.echo("no salon.toml here: the built-in defaults are ok (`salon init` writes one)")
    else:
        click.echo(f"{config.source}: ok")


@main.command()
@CONFIG_OPTION
def plugins(config_path: Path | None) -> None:
    """List the enabled plugins with their versions and hooks."""
    from salon.core.plugins import create_plugin_manager, describe_plugins

    config = _load(config_path)
    try:
        pm = create_plugin_manager(config.disabled_plugins)
    except SalonError as error:
        raise click.ClickException(str(error)) from None
    failures = asyncio.run(_startup_failures(config.database.url))
    for name, version, hooks in describe_plugins(pm):
        click.echo(f"{name} {version}".rstrip())
        click.echo(f"  hooks: {', '.join(hooks) or '-'}")
        if name in failures:
            click.echo(f"  disabled when salon last started: {failures.pop(name)}")
    for name, reason in sorted(failures.items()):
        click.echo(f"{name}\n  disabled when salon last started: {reason}")
    for name in config.disabled_plugins:
        click.echo(f"{name}\n  disabled in the config (plugins.disabled)")


async def _startup_failures(url: str) -> dict[str, str]:
    """Plugins the running bot disabled at its last start, with why (none if no database)."""
    from salon.core.bot import STARTUP_FAILURES
    from salon.core.storage.engine import Storage

    storage = Storage(url)
    try:
        return dict(await storage.get_state(STARTUP_FAILURES, {}) or {})
    except Exception:  # no database yet, or not migrated: nothing was recorded
        return {}
    finally:
        await storage.dispose()


@main.command()
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file instead of stdout (e.g. docs/hooks.md).",
)
@click.option("--check", "check_only", is_flag=True, help="Fail if --output is out of date.")
@click.option(
    "--core-only",
    is_flag=True,
    help="Only the core's families (what docs/hooks.md holds); implied by --output.",
)
def hooks(output: Path | None, check_only: bool, core_only: bool) -> None:
    """Print the hook reference: the core's hook families, then any installed plugin's own."""
    from salon.core.hooks_doc import render_hooks_markdown

    published: list[tuple[str, object]] = []
    if output is None and not core_only:
        from salon.core.plugins import create_plugin_manager, published_hookspecs

        published = published_hookspecs(create_plugin_manager())
    _write_or_check(render_hooks_markdown(published), output, check_only, "salon hooks")


@main.command("api")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file instead of stdout (e.g. docs/api.md).",
)
@click.option("--check", "check_only", is_flag=True, help="Fail if --output is out of date.")
def api(output: Path | None, check_only: bool) -> None:
    """Print the public API reference generated from the docstrings."""
    from salon.core.api_doc import render_api_markdown

    _write_or_check(render_api_markdown(), output, check_only, "salon api")


def _write_or_check(text: str, output: Path | None, check_only: bool, command: str) -> None:
    if output is None:
        click.echo(text, nl=False)
    elif check_only:
        if not output.exists() or output.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{output} is stale; run `{command} --output {output}`")
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")


@main.group()
def plugin() -> None:
    """Plugin authoring."""


@plugin.command("new")
@click.argument("name")
@click.option(
    "--directory",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    help="Where to create salon-<name>/ (default: here).",
)
def plugin_new(name: str, directory: Path) -> None:
    """Create a ready plugin package NAME (command, job, settings, migration, tests)."""
    from salon.core.scaffold import create_plugin

    try:
        root = create_plugin(name, directory)
    except SalonError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {root}. Next:\n  cd {root}\n  pip install -e '.[test]'\n  pytest")


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@CONFIG_OPTION
def db_upgrade(config_path: Path | None) -> None:
    """Apply pending migrations of the core and of every enabled plugin."""
    from salon.core.bot import Bot
    from salon.core.storage import migrate

    config = _load(config_path)

    async def upgrade() -> list[str]:
        bot = Bot(config, env={})
        try:
            return await migrate.upgrade(bot.storage, bot.migration_locations)
        finally:
            await bot.storage.dispose()

    applied = _run_async(upgrade())
    assert isinstance(applied, list)
    click.echo(f"Applied: {', '.join(applied)}" if applied else "Already up to date.")


@db.command("backup")
@CONFIG_OPTION
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def db_backup(config_path: Path | None, path: Path, force: bool) -> None:
    """Copy the database to PATH while salon runs (SQLite: online backup; PostgreSQL:
    pg_dump). docs/deploy.md says how to restore it."""
    from salon.core.storage.backup import backup

    config = _load(config_path)
    try:
        click.echo(backup(config.database.url, path, overwrite=force))
    except SalonError as error:
        raise click.ClickException(str(error)) from None


main.add_command(jobs)


# --- commands contributed by installed packages (e.g. ``salon slack manifest``) ---------------
CLI_GROUP = "salon.cli"


def _add_contributed_commands() -> None:
    """Add the click commands declared in the ``salon.cli`` entry-point group."""
    import importlib.metadata

    for entry in importlib.metadata.entry_points(group=CLI_GROUP):
        if entry.name in main.commands:
            continue
        try:
            command = entry.load()
        except Exception as error:  # a broken extension must not take `salon` down with it
            logging.getLogger("salon").warning("cannot load `salon %s`: %r", entry.name, error)
            continue
        if isinstance(command, click.Command):
            main.add_command(command, entry.name)


_add_contributed_commands()


if __name__ == "__main__":
    main()

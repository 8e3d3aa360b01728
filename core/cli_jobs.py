"""``salon jobs``: the scheduled jobs in the database, and ``salon jobs cancel ID``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import click

from salon.core.config import SalonConfig, env_secrets
from salon.core.errors import SalonError
from salon.core.markup import shorten
from salon.core.zones import find_zone

if TYPE_CHECKING:
    from salon.core.scheduler import ScheduledJob

T = TypeVar("T")
_DAYS = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat", "SU": "Sun"}


def _with_bot(config: SalonConfig, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``work(bot)`` on a bot that is built (plugins loaded) but not started."""
    from salon.core.bot import Bot

    async def run() -> T:
        bot = Bot(config, env=env_secrets())
        try:
            return await work(bot)
        finally:
            await bot.storage.dispose()

    try:
        return asyncio.run(run())
    except SalonError as error:
        raise click.ClickException(str(error)) from None


def _no_database(config: SalonConfig) -> str | None:
    """Why there can be no jobs yet (a SQLite file that does not exist), else ``None``."""
    url = config.database.url
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    return None if path.exists() else f"No jobs: there is no database at {path} yet."


def describe_rule(rule: str) -> str:
    """``FREQ=WEEKLY;BYDAY=MO,TH`` → ``weekly on Mon, Thu``; other rules as written."""
    parts = dict(part.partition("=")[::2] for part in rule.split(";"))
    if set(parts) - {"FREQ", "BYDAY", "INTERVAL"} or parts.get("INTERVAL", "1") != "1":
        return rule
    frequency = {
        "HOURLY": "hourly",
        "DAILY": "daily",
        "WEEKLY": "weekly",
        "MONTHLY": "monthly",
    }.get(parts["FREQ"])
    if frequency is None:
        return rule
    days = parts.get("BYDAY")
    if not days:
        return frequency
    if not all(day in _DAYS for day in days.split(",")):
        return rule
    if frequency == "weekly" and set(days.split(",")) == set(_DAYS):
        return "daily"
    return f"{frequency} on {', '.join(_DAYS[day] for day in days.split(','))}"


def describe_delay(delta: timedelta) -> str:
    """A rough, readable length of time: ``2 days 3 h``, ``45 min``, ``under a minute``."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        parts = [f"{days} day{'s' if days != 1 else ''}", f"{hours} h" if hours else ""]
    elif hours:
        parts = [f"{hours} h", f"{minutes} min" if minutes else ""]
    elif minutes:
        parts = [f"{minutes} min"]
    else:
        return "under a minute"
    return " ".join(part for part in parts if part)


def describe_next_run(job: ScheduledJob, now: datetime) -> str:
    """``Thu 03 Dec 2026 09:00 Europe/Berlin (in 2 days 3 h), weekly on Mon, Thu``."""
    if job.next_run_at is None:
        return "not again"
    moment = job.next_run_at.astimezone(UTC)
    try:
        zone = find_zone(job.tz)
    except ValueError:
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    text = f"{local:%a %d %b %Y %H:%M} {zone.key}"
    delta = moment - now
    text += (
        f" (in {describe_delay(delta)})"
        if delta >= timedelta(0)
        else (f" (due {describe_delay(delta)} ago)")
    )
    if job.rrule:
        text += f", {describe_rule(job.rrule)}"
    return text


def describe_payload(payload: Mapping[str, Any], limit: int = 60) -> str:
    """``checkin_id=1 zone="Europe/Berlin"``, cut to ``limit`` characters."""
    if not payload:
        return "-"
    text = " ".join(
        f"{key}={json.dumps(value, ensure_ascii=False, default=str)}"
        for key, value in payload.items()
    )
    return shorten(text, limit)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    ]


@click.group(invoke_without_command=True)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Configuration file (default: ./salon.toml if present, else built-in defaults).",
)
@click.pass_context
def jobs(context: click.Context, config_path: Path | None) -> None:
    """List the scheduled jobs: plugin, kind, next run, payload (cancel one: jobs cancel ID)."""
    from salon.core.cli import _load

    config = _load(config_path)
    context.obj = config
    if context.invoked_subcommand is not None:
        return
    missing = _no_database(config)
    if missing:
        click.echo(missing)
        return

    async def listing(bot: Any) -> list[tuple[str, ...]] | None:
        found = await bot.scheduler.scheduled()
        if found is None:
            return None
        now = bot.clock.now()
        rows: list[tuple[str, ...]] = []
        for job in found:
            handler = bot.scheduler.handlers.get(job.kind)
            plugin = handler.plugin if handler else "(none: disabled or uninstalled?)"
            rows.append(
                (
                    str(job.id),
                    plugin,
                    job.kind,
                    describe_next_run(job, now),
                    describe_payload(job.payload),
                )
            )
        return rows

    rows = _with_bot(config, listing)
    if rows is None:
        click.echo("No jobs: the database has no salon tables yet (run `salon db upgrade`).")
        return
    if not rows:
        click.echo("No jobs are scheduled.")
        return
    for line in _table([("ID", "PLUGIN", "KIND", "NEXT RUN", "PAYLOAD"), *rows]):
        click.echo(line.rstrip())


@jobs.command("cancel")
@click.argument("job_id", metavar="ID", type=int)
@click.pass_obj
def cancel(config: SalonConfig, job_id: int) -> None:
    """Delete the scheduled job ID (as `salon jobs` lists it); it will not run again."""
    if _no_database(config):
        raise click.ClickException(f"no scheduled job has id {job_id} (there is no database yet)")

    async def delete(bot: Any) -> ScheduledJob | None:
        if await bot.scheduler.scheduled() is None:
            return None
        cancelled: ScheduledJob | None = await bot.scheduler.cancel_id(job_id)
        return cancelled

    cancelled = _with_bot(config, delete)
    if cancelled is None:
        raise click.ClickException(
            f"no scheduled job has id {job_id}; `salon jobs` lists them with their ids"
        )
    click.echo(f"Cancelled job {cancelled.id} ({cancelled.kind}, key {cancelled.key}).")

"""Daily prompt: a writing prompt on demand or every day, and a badge when a goal is reached."""

from datetime import date, datetime, time
from typing import Any

import attrs

from salon.core import TIME, Arg, Command, Context, JobHandler, Role, SpaceRef, hookimpl


@attrs.frozen
class Settings:
    prompts: tuple[str, ...] = ("Write about a door.", "A letter never sent.", "Rain, at night.")


def prompt_of(bot: Any, day: date) -> str:
    prompts = bot.plugin_config("daily_prompt").prompts
    return f"Today's prompt: {prompts[day.toordinal() % len(prompts)]}"


def show(ctx: Context) -> None:
    ctx.reply(prompt_of(ctx.bot, ctx.now().date()))


async def schedule(ctx: Context, at: time) -> None:
    tz, space = ctx.person.tz, ctx.space.ref
    start = datetime.combine(ctx.now().astimezone(tz).date(), at)
    rule = {"rrule": "FREQ=DAILY", "start": start, "tz": tz, "payload": attrs.asdict(space)}
    await ctx.bot.scheduler.schedule(f"daily_prompt:{space}", "daily_prompt.post", **rule)
    ctx.reply(f"A prompt will appear here every day at {at:%H:%M} ({tz.key}).")


def post(ctx: Any, job: Any) -> None:
    ctx.send_to_space(SpaceRef(**job.payload), prompt_of(ctx.bot, job.due_at.date()))


@hookimpl
def register_commands(register: Any) -> None:
    at = Arg("at", TIME, help="time of day, e.g. 09:00")
    sub = Command("schedule", schedule, help="Post it here daily.", args=(at,), role=Role.ORGANISER)
    register(Command("today", show, help="Today's writing prompt.", subcommands=(sub,)))


@hookimpl
def register_jobs(register: Any) -> None:
    register(JobHandler("daily_prompt.post", post))


@hookimpl
def register_config(register: Any) -> None:
    register(Settings)


@hookimpl
async def goal_reached(goal: Any, member: Any, bot: Any) -> None:
    async with bot.transaction() as tx:
        tx.send_direct(member.ref, f"Badge earned: you reached {goal.target} {goal.unit}!")

"""Writing prompts: scheduled in a space or the whole community, on demand, from sources any
plugin can add to; members suggest prompts and respond to them. See ``docs/prompts.md``.

Fires the ``prompts`` hook family (``prompt_posted``, ``prompt_responded``) after each commit
and collects ``register_prompt_sources`` at startup.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from salon.core import (
    POSITIVE_INT,
    TEXT,
    Action,
    Arg,
    Bot,
    Command,
    Context,
    JobHandler,
    Markup,
    Message,
    Person,
    Role,
    hookimpl,
)
from salon.core.storage import AsyncConnection
from salon.plugins.prompts import on_demand, privacy, responses, schedules, suggestions
from salon.plugins.prompts.config import PromptsConfig
from salon.plugins.prompts.posting import sources_of

__all__ = [
    "export_person_data",
    "forget_person",
    "message_received",
    "people_merged",
    "register_actions",
    "register_commands",
    "register_config",
    "register_jobs",
    "register_migrations",
    "startup",
]

_NUMBER = Arg(
    "number", POSITIVE_INT, optional=True, help="the schedule's number (prompts schedules)"
)


@hookimpl
def register_commands(register: Callable[[Command], None]) -> None:
    register(
        Command(
            "prompt",
            on_demand.give_prompt,
            help="A writing prompt for you (optionally with a tag: prompt poetry).",
            args=(Arg("tag", optional=True, help="fiction, poetry, memoir, dialogue, …"),),
            details="Each prompt comes once until you have had them all.",
            examples=(
                "prompt",
                "prompt poetry",
                "prompt suggest memoir: The first meal you cooked alone.",
            ),
            subcommands=(
                Command(
                    "suggest",
                    suggestions.suggest,
                    help="Suggest a prompt for the group; organisers approve it.",
                    args=(Arg("text", TEXT, optional=True, rest=True, help="tags: the prompt"),),
                    examples=("prompt suggest poetry,nature: A poem about the first frost.",),
                ),
            ),
        )
    )
    register(
        Command(
            "respond",
            responses.respond,
            help="Respond to a prompt (in a DM: posted under it, optionally anonymously).",
            args=(
                Arg("text", TEXT, optional=True, rest=True, help="[#number] [anonymously] piece"),
            ),
            details=(
                "Replying in a prompt's thread counts too. In a direct message your response is "
                "posted under the latest prompt (or #number); add anonymously to leave your name "
                "off. One response per prompt counts."
            ),
            examples=(
                "respond The key was cold in my hand…",
                "respond #12 anonymously Dear lighthouse keeper…",
            ),
        )
    )
    register(
        Command(
            "prompts",
            help="Organisers: schedule prompts, post one now, add prompts, review suggestions.",
            role=Role.ORGANISER,
            subcommands=(
                Command(
                    "schedule",
                    schedules.schedule,
                    help="Post prompts here on a schedule, in the community's time zone.",
                    args=(
                        Arg(
                            "spec",
                            TEXT,
                            rest=True,
                            help="daily 09:00 | weekly mon,thu 18:30 | RRULE time; [tag] "
                            "[everywhere]",
                        ),
                    ),
                    examples=(
                        "prompts schedule daily 09:00",
                        "prompts schedule weekly mon,thu 18:30 poetry",
                        "prompts schedule FREQ=MONTHLY;BYMONTHDAY=1 09:00 everywhere",
                    ),
                ),
                Command("schedules", schedules.schedules, help="List the prompt schedules."),
                Command("pause", schedules.pause, help="Pause a prompt schedule.", args=(_NUMBER,)),
                Command(
                    "resume",
                    schedules.resume,
                    help="Resume a paused prompt schedule from now.",
                    args=(_NUMBER,),
                ),
                Command(
                    "unschedule",
                    schedules.unschedule,
                    help="Delete a prompt schedule.",
                    args=(_NUMBER,),
                ),
                Command(
                    "now",
                    schedules.post_now,
                    help="Post a prompt here now (optionally a tag, or everywhere).",
                    args=(Arg("words", TEXT, optional=True, rest=True, help="[tag] [everywhere]"),),
                    examples=("prompts now", "prompts now dialogue", "prompts now everywhere"),
                ),
                Command(
                    "add",
                    suggestions.add,
                    help="Add a prompt of the group's own (used before the built-in ones).",
                    args=(Arg("text", TEXT, optional=True, rest=True, help="tags: the prompt"),),
                    examples=("prompts add poetry,nature: A poem about the first frost.",),
                ),
                Command(
                    "own",
                    suggestions.own_prompts,
                    help="The group's own prompts (added and approved), with their ids.",
                ),
                Command(
                    "remove",
                    suggestions.remove,
                    help="Never post one of the group's own prompts again.",
                    args=(Arg("prompt_id", help="its id, e.g. organiser:3 (see prompts own)"),),
                    examples=("prompts remove organiser:3", "prompts remove suggestions:2"),
                ),
                Command(
                    "suggestions",
                    suggestions.pending,
                    help="Members' suggestions waiting for a decision, with buttons.",
                ),
                Command("sources", on_demand.list_sources, help="Where prompts come from."),
            ),
        )
    )


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    register(Action(suggestions.DECIDE_ACTION, suggestions.decide))


@hookimpl
def register_jobs(register: Callable[[JobHandler], None]) -> None:
    register(JobHandler(schedules.POST_JOB, schedules.run_schedule))


@hookimpl
def register_config(register: Callable[[type[Any]], None]) -> None:
    register(PromptsConfig)


@hookimpl
def register_migrations(register: Callable[[Path], None]) -> None:
    register(Path(__file__).parent / "migrations")


@hookimpl
def startup(bot: Bot) -> None:
    sources_of(bot).collect(bot)


@hookimpl
async def message_received(message: Message, ctx: Context) -> bool | None:
    return await responses.thread_reply(message, ctx)


@hookimpl
async def people_merged(
    kept: Person, merged: Person, connection: AsyncConnection, bot: Bot
) -> None:
    await privacy.merge(kept, merged, connection, bot)


@hookimpl
async def export_person_data(person: Person, connection: AsyncConnection, bot: Bot) -> Markup:
    return await privacy.export(person, connection, bot)


@hookimpl
async def forget_person(person: Person, connection: AsyncConnection, bot: Bot) -> None:
    await privacy.forget(person, connection, bot)

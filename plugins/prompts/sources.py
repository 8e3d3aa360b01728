"""Prompt sources: the built-in list, organisers' prompts, approved suggestions, and any
source another plugin registers through ``register_prompt_sources``."""

from __future__ import annotations

import functools
import inspect
import logging
import tomllib
from importlib import resources
from typing import Any

import attrs

from salon.core import Bot, Prompt, PromptSource, collect
from salon.core.hookspecs import prompts as prompt_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.prompts import tables

log = logging.getLogger(__name__)

BUILTIN = "builtin"
ORGANISER = "organiser"
SUGGESTIONS = "suggestions"
#: The group's own prompts are used up before the built-in list.
OWN_PRIORITY = 10


@functools.cache
def builtin_prompts() -> tuple[Prompt, ...]:
    """The curated list shipped as package data (``data/prompts.toml``)."""
    data = resources.files("salon.plugins.prompts").joinpath("data/prompts.toml").read_bytes()
    entries = tomllib.loads(data.decode("utf-8"))["prompt"]
    return tuple(
        Prompt(f"{BUILTIN}:{entry['id']}", entry["text"], BUILTIN, tuple(entry["tags"]))
        for entry in entries
    )


def _builtin(bot: Bot) -> tuple[Prompt, ...]:
    return builtin_prompts()


async def _organiser(bot: Bot, connection: AsyncConnection) -> list[Prompt]:
    query = sa.select(tables.added).order_by(tables.added.c.id)
    rows = (await connection.execute(query)).all()
    return [Prompt(f"{ORGANISER}:{r.id}", r.text, ORGANISER, tuple(r.tags)) for r in rows]


async def _suggestions(bot: Bot, connection: AsyncConnection) -> list[Prompt]:
    query = (
        sa.select(tables.suggestions)
        .where(tables.suggestions.c.status == "approved")
        .order_by(tables.suggestions.c.id)
    )
    rows = (await connection.execute(query)).all()
    return [Prompt(f"{SUGGESTIONS}:{r.id}", r.text, SUGGESTIONS, tuple(r.tags)) for r in rows]


#: The prompts plugin's own sources.
OWN_SOURCES = (
    PromptSource(BUILTIN, _builtin, description="the curated list that comes with salon"),
    PromptSource(ORGANISER, _organiser, OWN_PRIORITY, "prompts organisers added with prompts add"),
    PromptSource(
        SUGGESTIONS, _suggestions, OWN_PRIORITY, "members' suggestions an organiser approved"
    ),
)


class Sources:
    """The registered sources (collected once at startup), and the prompts they offer."""

    def __init__(self) -> None:
        self.by_name: dict[str, PromptSource] = {}

    def collect(self, bot: Bot) -> None:
        """Ask every plugin for its sources (``register_prompt_sources``), ours first."""
        self.by_name = {}

        def register(plugin: str, source: Any) -> None:
            if not isinstance(source, PromptSource) or not source.name.strip():
                log.warning("plugin %s registered %r, not a named PromptSource", plugin, source)
                return
            taken = self.by_name.get(source.name)
            if taken is not None:
                log.warning(
                    "prompt source %r of plugin %s ignored: plugin %s registered it first",
                    source.name,
                    plugin,
                    taken.plugin,
                )
                return
            self.by_name[source.name] = attrs.evolve(source, plugin=source.plugin or plugin)

        for source in OWN_SOURCES:
            register("prompts", source)
        collect(bot.pm, prompt_hooks.register_prompt_sources, register)

    def enabled(self, bot: Bot) -> list[PromptSource]:
        """The sources organisers use (``[plugins.prompts] sources``; all by default)."""
        chosen = bot.plugin_config("prompts").sources
        if not chosen:
            return list(self.by_name.values())
        return [self.by_name[name] for name in chosen if name in self.by_name]

    async def prompts(self, bot: Bot, db: AsyncConnection) -> list[tuple[int, Prompt]]:
        """Every prompt of the enabled sources, with its source's priority (ids unique);
        ``db`` is the open transaction sources that read the database use."""
        found: list[tuple[int, Prompt]] = []
        seen: set[str] = set()
        for source in self.enabled(bot):
            try:
                loaded = source.load(bot, db) if _takes_connection(source) else source.load(bot)
                if inspect.isawaitable(loaded):
                    loaded = await loaded
                items = list(loaded)
            except Exception as error:
                await bot.report_error(error, f"prompt source {source.name}")
                continue
            for prompt in items:
                if not isinstance(prompt, Prompt) or not prompt.text.strip():
                    continue
                if prompt.id in seen:
                    continue
                seen.add(prompt.id)
                found.append((source.priority, prompt))
        return found


def _takes_connection(source: PromptSource) -> bool:
    """Whether ``source.load`` takes a second argument (the open transaction)."""
    try:
        parameters = inspect.signature(source.load).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [
        p
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    return len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in positional)

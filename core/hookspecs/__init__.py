"""Every hook salon calls, one module per family. Plugins implement them with ``@hookimpl``.

Each family is a contract: ``runtime`` is what every feature plugs into; ``people`` is what
every plugin keying tables on ``person_id`` implements (merge, export, forget); ``checkins``
is fired by the check-in plugin (its value types beside it); ``critique``, ``prompts``,
``sprints``, ``events`` and ``coaching`` likewise; ``badges`` is declared by any plugin
and awarded by the badges plugin, so another plugin can react to or replace a feature
without importing it. A third-party plugin publishes a family of its own
through ``register_hookspecs``.

An implementation may take any subset of a hook's arguments and may be ``def`` or
``async def``. Call a hook with ``await bot.notify(runtime.member_joined, member=..., ...)``:
the spec function names the hook, so mypy checks the arguments.
"""

from __future__ import annotations

from types import ModuleType

from salon.core.hookspecs import (
    badges,
    checkins,
    coaching,
    critique,
    events,
    people,
    prompts,
    runtime,
    sprints,
)
from salon.core.hookspecs.markers import PROJECT, hookimpl, hookspec

#: The core's hook families, in the order ``docs/hooks.md`` lists them.
FAMILIES: tuple[ModuleType, ...] = (
    runtime,
    people,
    checkins,
    critique,
    prompts,
    sprints,
    events,
    coaching,
    badges,
)

__all__ = [
    "FAMILIES",
    "PROJECT",
    "badges",
    "checkins",
    "coaching",
    "critique",
    "events",
    "hookimpl",
    "hookspec",
    "people",
    "prompts",
    "runtime",
    "sprints",
]

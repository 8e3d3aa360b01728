"""Generate ``docs/hooks.md`` from the hookspecs' signatures and docstrings, one section per
family (``salon.core.hookspecs``), plus any family an installed plugin publishes."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable

from salon.core import hookspecs
from salon.core.hookspecs.markers import PROJECT

HEADER = """# Hook reference

Generated from `core/hookspecs/` by `salon hooks --output docs/hooks.md`; do not edit by hand.

Implement a hook in your plugin module with `@hookimpl` (from `salon.core`). An implementation
may take any subset of the arguments and may be `def` or `async def`; `tryfirst`, `trylast`
and `wrapper=True` work as in pluggy (a wrapper sees results before they are awaited).
Registry hooks (`register_*`) are called once at startup. Fire a hook with
`await bot.notify(<family>.<hook>, ...)`, e.g. `bot.notify(checkins.goal_reached, ...)` after
`from salon.core.hookspecs import checkins`.
"""


def specs_of(family: object) -> list[Callable[..., object]]:
    """The ``@hookspec`` functions of a family, in the order they are defined."""
    return [
        value
        for value in vars(family).values()
        if callable(value) and hasattr(value, f"{PROJECT}_spec")
    ]


def family_title(family: object) -> str:
    """A family's title: the first line of its docstring, without the final period."""
    doc = inspect.getdoc(family) or str(getattr(family, "__name__", "Hooks"))
    return doc.splitlines()[0].rstrip(".")


def signature_text(function: object) -> str:
    """``name(arg: Type, ...) -> Return`` as written in the hookspec."""
    assert callable(function)
    return f"{getattr(function, '__name__', '')}{inspect.signature(function)}".replace("'", "")


def render_family(title: str, family: object) -> list[str]:
    parts = [f"## {title}\n"]
    for function in specs_of(family):
        name = getattr(function, "__name__", "")
        options = getattr(function, f"{PROJECT}_spec", {}) or {}
        flags = [flag for flag in ("firstresult", "historic") if options.get(flag)]
        parts.append(f"### `{name}`\n")
        parts.append(f"```python\n{signature_text(function)}\n```\n")
        if flags:
            parts.append("*" + ", ".join(flags) + "*\n")
        parts.append(inspect.cleandoc(function.__doc__ or "") + "\n")
    return parts


def render_hooks_markdown(published: Iterable[tuple[str, object]] = ()) -> str:
    """The whole hook reference as Markdown.

    :param published: ``(plugin, family)`` pairs from plugins' ``register_hookspecs``; each is
        listed after the core's families under "Plugin <name>".
    """
    parts = [HEADER]
    for family in hookspecs.FAMILIES:
        parts.extend(render_family(family_title(family), family))
    for plugin, own in published:
        parts.extend(render_family(f"Plugin {plugin}: {family_title(own)}", own))
    return "\n".join(parts)

"""Generate ``docs/api.md``, the reference of the public API, from the code's docstrings.

The list below is what a plugin author needs; the text is the signatures and docstrings, so
the reference cannot drift from the code (``salon api --check`` and a test compare them).
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable
from typing import Any

from salon.core import (
    argtypes,
    commands,
    context,
    dialogs,
    hooks,
    model,
    scheduler,
    storage,
    testing,
    web,
)
from salon.core.bot import Bot

HEADER = """# API reference

Generated from the docstrings by `salon api --output docs/api.md`; do not edit by hand. Import
everything from `salon.core` (the harness from `salon.core.testing`). The guide is
[plugins.md](plugins.md); hooks are in [hooks.md](hooks.md).
"""

#: ``(section, [(object, members to list or None for every public one)])``.
SECTIONS: list[tuple[str, list[tuple[Any, list[str] | None]]]] = [
    (
        "The bot",
        [
            (
                Bot,
                [
                    "notify",
                    "first_result",
                    "transaction",
                    "read",
                    "get_state",
                    "set_state",
                    "plugin_config",
                    "capabilities",
                    "send",
                    "disable_plugin",
                ],
            ),
        ],
    ),
    (
        "Contexts",
        [
            (
                context.Context,
                [
                    "reply",
                    "edit",
                    "send_direct",
                    "send_to_space",
                    "send",
                    "transaction",
                    "after_commit",
                    "now",
                ],
            ),
            (context.Transaction, ["send_direct", "send_to_space", "send", "after_commit", "now"]),
            (context.JobContext, ["send_direct", "send_to_space", "send", "after_commit", "now"]),
        ],
    ),
    (
        "Scheduled jobs",
        [
            (scheduler.Scheduler, ["schedule", "cancel", "next_run"]),
            (scheduler.Job, None),
            (scheduler.JobHandler, None),
            (scheduler.Misfire, None),
        ],
    ),
    (
        "Messages",
        [(model.Outbound, None), (model.Button, None), (model.Form, None), (model.FormField, None)],
    ),
    (
        "Web routes",
        [(web, None), (web.WebRoute, None), (web.WebRequest, None), (web.WebResponse, None)],
    ),
    (
        "Commands and arguments",
        [
            (commands.Command, ["usage", "subcommand"]),
            (commands.Arg, None),
            (commands.ArgType, None),
            (commands.choice, None),
            (argtypes.parse_time, None),
            (argtypes.parse_duration, None),
            (argtypes.parse_datetime, None),
            (commands.Action, None),
        ],
    ),
    (
        "Dialogs",
        [
            (dialogs, None),
            (dialogs.Dialog, None),
            (dialogs.Question, None),
            (dialogs.Answers, None),
            (dialogs.Dialogs, ["start"]),
        ],
    ),
    ("Hooks of your own", [(hooks.collect, None)]),
    ("Storage and migrations", [(storage, None)]),
    ("The test harness", [(testing, None), (testing.SalonHarness, None), (testing.Platform, None)]),
]


def _signature(obj: Callable[..., Any], name: str) -> str:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return name
    text = str(signature).replace("'", "").replace("(self, ", "(").replace("(self)", "()")
    return f"{name}{text}"


def _doc(obj: Any) -> str:
    """The docstring, with reST ``::`` literal blocks turned into fenced Python blocks."""
    lines = inspect.cleandoc(obj.__doc__ or "").strip().splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.endswith("::"):
            out.append(line)
            continue
        out.append(line[:-1])
        block: list[str] = []
        while index < len(lines) and (not lines[index].strip() or lines[index].startswith(" ")):
            block.append(lines[index])
            index += 1
        code = inspect.cleandoc("\n".join(block))
        out.extend(["", "```python", *code.splitlines(), "```", ""])
    return "\n".join(out).strip()


def _members(cls: type[Any], names: list[str] | None) -> list[tuple[str, Any]]:
    if names is None:
        names = [
            name
            for name, value in vars(cls).items()
            if not name.startswith("_")
            and (callable(value) or isinstance(value, property))
            and (getattr(value, "__doc__", None) or isinstance(value, property))
        ]
    found = []
    for name in names:
        value = inspect.getattr_static(cls, name)
        found.append((name, value))
    return found


def _render_member(owner: str, name: str, value: Any) -> list[str]:
    if isinstance(value, property):
        parts = [f"#### `{owner}.{name}` *(property)*\n"]
        doc = _doc(value)
    else:
        function = value.__func__ if isinstance(value, staticmethod | classmethod) else value
        parts = [f"#### `{owner}.{name}`\n", f"```python\n{_signature(function, name)}\n```\n"]
        doc = _doc(function)
    if doc:
        parts.append(doc + "\n")
    return parts


def _render(obj: Any, members: list[str] | None) -> list[str]:
    if inspect.ismodule(obj):
        return [f"### `{obj.__name__}`\n", _doc(obj) + "\n"]
    name = obj.__name__
    parts = [f"### `{name}`\n"]
    if inspect.isclass(obj) and issubclass(obj, enum.Enum):
        parts.append(_doc(obj) + "\n")
        parts.append(", ".join(f"`{m.name}`" for m in obj) + "\n")
        return parts
    parts.append(f"```python\n{_signature(obj, name)}\n```\n")
    doc = _doc(obj)
    if doc:
        parts.append(doc + "\n")
    if inspect.isclass(obj):
        for member, value in _members(obj, members):
            parts.extend(_render_member(name, member, value))
    return parts


def render_api_markdown() -> str:
    """The whole API reference as Markdown."""
    parts = [HEADER]
    for title, entries in SECTIONS:
        parts.append(f"## {title}\n")
        for obj, members in entries:
            parts.extend(_render(obj, members))
    return "\n".join(parts)

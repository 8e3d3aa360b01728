"""Generate ``docs/hooks.md`` from the hookspecs' signatures and docstrings."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from salon.core import hookspecs

HEADER = """# Hook reference

Generated from `core/hookspecs.py` by `salon hooks --output docs/hooks.md`; do not edit by hand.

Implement a hook in your plugin module with `@hookimpl` (from `salon.core`). An implementation
may take any subset of the arguments and may be `def` or `async def`. Registry hooks
(`register_*`) are called once at startup.
"""


def _families() -> list[tuple[str, list[str]]]:
    source = Path(inspect.getfile(hookspecs)).read_text(encoding="utf-8").splitlines()
    families: list[tuple[str, list[str]]] = []
    for index, line in enumerate(source):
        if line.startswith("# ---") and index + 1 < len(source):
            title = source[index + 1]
            if title.startswith("# ") and not title.startswith("# ---"):
                families.append((title[2:].strip(), []))
        match = re.match(r"def (\w+)\(", line)
        if match and families:
            families[-1][1].append(match.group(1))
    return families


def signature_text(function: object) -> str:
    """``name(arg: Type, ...) -> Return`` as written in the hookspec."""
    assert callable(function)
    return f"{getattr(function, '__name__', '')}{inspect.signature(function)}".replace("'", "")


def render_hooks_markdown() -> str:
    """The whole hook reference as Markdown."""
    parts = [HEADER]
    for title, names in _families():
        parts.append(f"## {title}\n")
        for name in names:
            function = getattr(hookspecs, name)
            options = getattr(function, "salon_spec", {}) or {}
            flags = [flag for flag in ("firstresult", "historic") if options.get(flag)]
            signature = signature_text(function)
            parts.append(f"### `{name}`\n")
            parts.append(f"```python\n{signature}\n```\n")
            if flags:
                parts.append("*" + ", ".join(flags) + "*\n")
            parts.append(inspect.cleandoc(function.__doc__ or "") + "\n")
    return "\n".join(parts)

"""Adapters and plugins use the public core API, not the core's internals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
#: What adapters and plugins used to reach for, and the public API that replaced it.
FORBIDDEN = {
    r"from salon\.core\.config import .*\b(read_secret|REDACTOR)\b": "Adapter.secret / redact_logs",
    r"salon\.core\.storage\.engine": "salon.core.storage / bot.read() / bot.transaction()",
    r"from salon\.core\.commands import .*\bCommandTable\b": "salon.core.CommandTable",
    r"\.storage\.engine\.connect\(": "bot.read()",
}


@pytest.mark.parametrize("part", ["adapters", "plugins"])
def test_adapters_and_plugins_use_only_the_public_core_api(part: str) -> None:
    problems = []
    for path in sorted((ROOT / part).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern, instead in FORBIDDEN.items():
            if re.search(pattern, text):
                problems.append(f"{path.relative_to(ROOT)}: use {instead}")
    assert problems == []

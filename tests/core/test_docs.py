"""Docs stay honest: the hook reference matches the hookspecs exactly."""

from __future__ import annotations

import inspect
from pathlib import Path

from salon.core import hookspecs
from salon.core.api_doc import render_api_markdown
from salon.core.hooks_doc import render_hooks_markdown, signature_text, specs_of

DOCS = Path(__file__).parents[2] / "docs"


def test_hooks_md_is_up_to_date() -> None:
    assert (DOCS / "hooks.md").read_text(encoding="utf-8") == render_hooks_markdown(), (
        "docs/hooks.md is stale: run `salon hooks --output docs/hooks.md`"
    )


def test_every_hookspec_is_documented_with_its_signature_and_docstring() -> None:
    text = (DOCS / "hooks.md").read_text(encoding="utf-8")
    specs = [
        (function.__name__, function)
        for family in hookspecs.FAMILIES
        for function in specs_of(family)
    ]
    assert len(specs) >= 15
    for name, function in specs:
        assert signature_text(function) in text
        assert function.__doc__, f"hook {name} has no docstring"
        assert ":param" in function.__doc__ or "(" not in str(inspect.signature(function))[1:-1]


def test_api_md_is_up_to_date() -> None:
    assert (DOCS / "api.md").read_text(encoding="utf-8") == render_api_markdown(), (
        "docs/api.md is stale: run `salon api --output docs/api.md`"
    )


def test_plugins_md_names_modules_that_exist() -> None:
    import importlib
    import re

    text = (DOCS / "plugins.md").read_text(encoding="utf-8")
    names = set(re.findall(r"`(salon(?:\.\w+)+)`", text)) - {"salon.toml"}
    assert "salon.core.testing" in names
    for name in sorted(names):
        importlib.import_module(name)

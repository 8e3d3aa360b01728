"""The prompts plugin's tests load it (the harness is hermetic: only the plugins named)."""

from __future__ import annotations

from typing import Any

import pytest

from salon.core.testing import PluginSpec


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return ["prompts"]


@pytest.fixture
def salon_config(salon_config: dict[str, Any]) -> dict[str, Any]:
    salon_config["community"]["timezone"] = "Europe/Berlin"
    return salon_config

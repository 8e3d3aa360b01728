"""The sprint plugin's tests: two in-memory platforms whose ``general`` spaces share sprints."""

from __future__ import annotations

from typing import Any

import pytest

from salon.core.testing import Platform, PluginSpec


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return ["sprints", "checkins"]


@pytest.fixture
def salon_platforms() -> list[Platform]:
    return [Platform("slack"), Platform("telegram")]


@pytest.fixture
def salon_config(salon_config: dict[str, Any]) -> dict[str, Any]:
    salon_config["community"]["organisers"] = ["slack:olive"]
    salon_config["community"]["groups"] = {"sprints": ["slack:general", "telegram:general"]}
    return salon_config

"""The events plugin's tests: a platform that shows forms, two community spaces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from salon.core.testing import WITH_FORMS, Platform, PluginSpec, default_config


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return ["events"]


@pytest.fixture
def salon_platforms() -> list[Platform]:
    return [Platform("memory", WITH_FORMS)]


@pytest.fixture
def salon_config(tmp_path: Path) -> dict[str, Any]:
    config = default_config(tmp_path / "salon.db")
    config["community"]["spaces"] = ["memory:general", "memory:workshops"]
    config["community"]["timezone"] = "Europe/London"
    config["plugins"] = {"events": {"plan_ahead": 6}}
    return config

"""The coaching plugin's tests load it with the check-in plugin (progress, streaks, away)."""

from __future__ import annotations

import pytest

from salon.core.testing import PluginSpec


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return ["checkins", "coaching"]

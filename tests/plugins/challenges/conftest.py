"""The challenges tests load check-ins (progress and streaks come from its hooks), challenges
and badges; the harness is hermetic, so only these (and basics) run."""

from __future__ import annotations

import pytest

from salon.core.testing import PluginSpec


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return ["checkins", "challenges", "badges"]

"""The check-in plugin's tests load it (the harness is hermetic: only the plugins named)."""

from __future__ import annotations

import pytest

from salon.core.testing import PluginSpec


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return ["checkins"]

"""The critique plugin's tests load it (the harness is hermetic: only the plugins named), in a
community whose space ``general`` is joined (announcements go there)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from salon.core.testing import PluginSpec, default_config


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return ["critique"]


@pytest.fixture
def salon_config(tmp_path: Path) -> dict[str, Any]:
    config = default_config(tmp_path / "salon.db")
    config["community"]["spaces"] = ["memory:general"]
    return config

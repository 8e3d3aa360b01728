"""`salon plugin new` writes a package whose own tests pass right away (as CI runs them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from salon.core.errors import SalonError
from salon.core.scaffold import create_plugin


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_new_plugin_installs_lints_and_passes_its_own_tests(tmp_path: Path) -> None:
    out = run(sys.executable, "-m", "salon.core.cli", "plugin", "new", "daily_nudge", cwd=tmp_path)
    root = tmp_path / "salon-daily-nudge"
    assert f"Created {root.name}" in out
    site = tmp_path / "site"
    run(
        sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
        "--target", str(site), ".", cwd=root,
    )  # fmt: skip
    run(sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,W", "--line-length",
        "100", "--exclude", "build", ".", cwd=root)  # fmt: skip
    tests = run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=root,
        env={"PYTHONPATH": str(site)},
    )  # fmt: skip
    assert "3 passed" in tests
    listed = run(
        sys.executable, "-m", "salon.core.cli", "plugins", cwd=tmp_path,
        env={"PYTHONPATH": str(site)},
    )  # fmt: skip
    assert "daily_nudge 0.1.0" in listed


def test_bad_names_and_existing_directories_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SalonError, match="not a plugin name"):
        create_plugin("Daily Nudge", tmp_path)
    create_plugin("nudge", tmp_path)
    with pytest.raises(SalonError, match="already exists"):
        create_plugin("nudge", tmp_path)

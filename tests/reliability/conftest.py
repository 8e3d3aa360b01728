"""Show the reliability figures at the end of every run (CI runs pytest with ``-q``)."""

from __future__ import annotations

from typing import Any

from reliability.figures import LINES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if LINES:
        terminalreporter.section("reliability figures")
        for line in LINES:
            terminalreporter.write_line(line)

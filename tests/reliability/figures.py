"""The reliability figures: printed by each test, and repeated in pytest's terminal summary so
that CI output shows them without ``-s``."""

from __future__ import annotations

LINES: list[str] = []


def report(text: str) -> None:
    """Print one test's figures and keep them for the summary."""
    print(text)
    LINES.append(text.strip())

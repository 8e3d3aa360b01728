"""Pytest fixtures for the Slack emulator; a conftest imports what it needs from here:

from emulators.slack.fixtures import slack_emulator  # noqa: F401
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .emulator import SlackEmulator


@pytest_asyncio.fixture
async def slack_emulator() -> AsyncIterator[SlackEmulator]:
    """A running Slack emulator with the default workspace, fresh for each test."""
    async with SlackEmulator.running() as slack:
        yield slack

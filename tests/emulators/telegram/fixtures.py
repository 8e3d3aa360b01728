"""pytest fixtures for the Telegram emulator; import them into a conftest.py::

from emulators.telegram.fixtures import telegram_emulator  # noqa: F401
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .emulator import TelegramEmulator

__all__ = ["telegram_emulator"]


@pytest_asyncio.fixture
async def telegram_emulator() -> AsyncIterator[TelegramEmulator]:
    """A running emulator for one test, with the default bot token; stopped afterwards."""
    async with TelegramEmulator.running() as emulator:
        yield emulator

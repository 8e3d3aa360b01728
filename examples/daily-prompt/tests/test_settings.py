"""The prompts come from `[plugins.daily_prompt]` in salon.toml."""

import pytest
import salon_daily_prompt

from salon.core.testing import SalonHarness


@pytest.fixture
def salon_plugins() -> list:
    return [("daily_prompt", salon_daily_prompt)]


@pytest.fixture
def salon_config(salon_config: dict) -> dict:
    return {**salon_config, "plugins": {"daily_prompt": {"prompts": ["Only this one."]}}}


async def test_the_prompts_come_from_the_settings(salon_bot: SalonHarness) -> None:
    assert salon_bot.texts(await salon_bot.send("!today")) == ["Today's prompt: Only this one."]

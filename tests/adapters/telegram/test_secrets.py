"""The bot token rides in every Bot API URL (``/bot<token>/sendMessage``): it must never reach
a log line, an exception shown to an organiser, or a repr, whatever fails."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from emulators.telegram import TelegramEmulator

from salon.core import ConfigError
from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.runtime import build_adapters

from .conftest import SECRET


def text_to(chat_id: int) -> Any:
    return lambda call: call.params["chat_id"] == chat_id


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """Everything the records would print, tracebacks included."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


async def test_a_failing_request_does_not_log_the_token(
    tg: TelegramEmulator, salon: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ana = tg.add_user("Ana", "ana")
    async with salon.running(env={"SALON_TELEGRAM_WEBHOOK_SECRET": SECRET}) as bot:
        await tg.wait_until_polling()
        tg.fail("getUpdates", times=2)
        tg.fail("sendMessage", times=1)
        tg.user_sends(ana, tg.private_chat(ana), "/ping")
        await tg.wait_for("sendMessage", text_to(ana.id), timeout=15)
        adapter = salon.adapter(bot)
        shown = "".join(
            repr(value)
            for value in (adapter, adapter.ptb, adapter.config, adapter.webhook, adapter.poller)
        )

    assert any(call.status == 502 for call in tg.calls)  # the failures did happen
    logged = _logged(caplog)
    assert "getUpdates" in logged  # and were logged, only without the token
    assert tg.token not in logged
    assert tg.token.partition(":")[2] not in logged
    assert SECRET not in logged
    assert tg.token not in shown and SECRET not in shown


async def test_a_rejected_token_is_a_config_error_that_does_not_show_it(
    tg: TelegramEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "7000000001:AAWrongTokenWrongTokenWrongToken_999"
    config = config_from_mapping(
        {
            "database": {"url": f"sqlite:///{tmp_path / 'salon.db'}"},
            "adapters": {"telegram": {"base_url": tg.base_url}},
        }
    )
    env = {"SALON_TELEGRAM_TOKEN": wrong}
    bot = Bot(config, env=env)
    for adapter in build_adapters(bot, env):
        bot.add_adapter(adapter)
    try:
        with pytest.raises(ConfigError, match="SALON_TELEGRAM_TOKEN") as raised:
            await bot.start(run_scheduler=False)
    finally:
        await bot.stop()

    shown = "".join(
        str(error) for error in (raised.value, raised.value.__cause__, raised.value.__context__)
    )
    assert wrong not in shown
    assert wrong not in _logged(caplog)

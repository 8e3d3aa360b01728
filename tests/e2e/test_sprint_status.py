"""One sprint across Slack, Telegram and a real Synapse room: the status message is posted
once per space and edited in place at each quarter (``chat.update``, ``editMessageText``,
an ``m.replace`` event), pinging nobody again.

The bot, emulators and Matrix member are the fixtures of ``test_one_community``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from e2e.test_one_community import (  # noqa: F401
    WAIT,
    MatrixMember,
    community,
    link_slack_to_telegram,
    matrix_olive,
    run_due,
    slack_says,
    telegram_says,
)
from emulators.slack import SlackEmulator
from emulators.slack.fixtures import slack_emulator  # noqa: F401
from emulators.telegram import TelegramEmulator
from emulators.telegram.fixtures import telegram_emulator  # noqa: F401

from salon.core.bot import Bot
from salon.core.clock import ManualClock

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def in_general(text: str) -> dict[str, Any]:
    return {"type": "message", "channel": "C0GENERAL", "user": "U0OLIVE", "text": text}


async def test_the_status_message_is_edited_in_place_on_every_platform(
    community: tuple[Bot, ManualClock, Any],  # noqa: F811
    slack_emulator: SlackEmulator,  # noqa: F811
    telegram_emulator: TelegramEmulator,  # noqa: F811
    matrix_olive: tuple[MatrixMember, Any],  # noqa: F811
) -> None:
    bot, clock, extra = community
    slack, tg = slack_emulator, telegram_emulator
    olive_matrix, bot_user = matrix_olive
    group = extra["group"]
    olive_tg = tg.add_user("Olive", "olive_tg")
    alice_tg = tg.add_user("Alice", "alice_tg")
    await tg.wait_until_polling()

    # The organiser puts the three spaces in the sprint group.
    await slack_says(slack, in_general("!space join sprints"), "its group sprints")
    await link_slack_to_telegram(slack, tg, "U0OLIVE", olive_tg)
    await telegram_says(tg, olive_tg, group, "!space join sprints", "its group sprints")
    room = await olive_matrix.room_with(bot_user.user_id)
    await olive_matrix.say(room, "!space join sprints")
    await olive_matrix.wait_for(
        lambda r, e: r == room and "its group sprints" in e["content"].get("body", "")
    )

    # Olive starts a sprint on Slack; Alice joins from Telegram, Olive's Matrix self is hers.
    await slack_says(slack, in_general("!sprint 8"), "8 minutes, starting in 1 minute")
    await telegram_says(tg, alice_tg, group, "!sprint join", "You're in sprint #1")

    slack_mark, tg_mark = len(slack.posted), len(tg.sent)
    await run_due(bot, clock, clock.now() + timedelta(minutes=1))
    slack_status = await slack.wait_for_post(
        lambda p: (
            slack.posted.index(p) >= slack_mark
            and p["method"] == "chat.postMessage"
            and "write!" in str(p["args"].get("text", ""))
        ),
        timeout=WAIT,
    )
    tg_status = await tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == group.id and "write!" in str(c.params.get("text")),
        since=tg_mark,
        timeout=WAIT,
    )
    matrix_status = await olive_matrix.wait_for(
        lambda r, e: r == room and "write!" in e["content"].get("body", "")
    )
    assert "<@U0OLIVE>" in slack_status["args"]["text"]  # the start pings the joiners
    await bot.tasks.settle(WAIT)  # the status messages' ids are stored once delivered

    slack_mark, tg_mark = len(slack.posted), len(tg.sent)
    await run_due(bot, clock, clock.now() + timedelta(minutes=2))  # a quarter of 8 minutes
    slack_edit = await slack.wait_for_post(
        lambda p: slack.posted.index(p) >= slack_mark and p["method"] == "chat.update",
        timeout=WAIT,
    )
    assert slack_edit["args"]["ts"] == slack_status["response"]["ts"]
    assert "6 minutes left" in slack_edit["args"]["text"]
    tg_edit = await tg.wait_for(
        "editMessageText",
        lambda c: c.params.get("chat_id") == group.id,
        since=tg_mark,
        timeout=WAIT,
    )
    assert int(tg_edit.params["message_id"]) == tg_status.result["message_id"]
    assert "6 minutes left" in str(tg_edit.params["text"])
    matrix_edit = await olive_matrix.wait_for(
        lambda r, e: (
            r == room and e["content"].get("m.relates_to", {}).get("rel_type") == "m.replace"
        )
    )
    assert matrix_edit["content"]["m.relates_to"]["event_id"] == matrix_status["event_id"]
    assert "6 minutes left" in matrix_edit["content"]["m.new_content"]["body"]
    # Nothing new was posted for the quarter: one status message per space, edited.
    assert not [p for p in slack.posted[slack_mark:] if p["method"] == "chat.postMessage"]
    assert not [c for c in tg.sent[tg_mark:] if c.method == "sendMessage"]

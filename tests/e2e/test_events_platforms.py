"""Events on Slack, Telegram and Matrix at once: created through the Slack modal, posted to
every community space, and each post edited in place as members answer on any platform
(the Slack and Telegram emulators drive the real SDKs; Matrix is a real Synapse)."""

from __future__ import annotations

from typing import Any

from emulators.slack import SlackEmulator
from emulators.slack.fixtures import slack_emulator  # noqa: F401
from emulators.telegram import TelegramEmulator
from emulators.telegram.fixtures import telegram_emulator  # noqa: F401

from salon.core.bot import Bot
from salon.core.clock import ManualClock

# The one-community bot (Slack, Telegram and a Synapse room, every built-in plugin).
from .test_one_community import WAIT, MatrixMember, community, matrix_olive, slack_dm  # noqa: F401


def _text(post: dict[str, Any]) -> str:
    return str(post["args"].get("text", ""))


async def test_an_event_post_is_edited_in_place_on_every_platform(
    community: tuple[Bot, ManualClock, Any],  # noqa: F811
    slack_emulator: SlackEmulator,  # noqa: F811
    telegram_emulator: TelegramEmulator,  # noqa: F811
    matrix_olive: tuple[MatrixMember, Any],  # noqa: F811
) -> None:
    bot, _clock, extra = community
    group = extra["group"]
    slack, tg = slack_emulator, telegram_emulator
    olive_matrix, bot_user = matrix_olive
    alice_tg = tg.add_user("Alice", "alice_tg")
    tg.mark_started(alice_tg)
    await tg.wait_until_polling()

    # The Matrix room joins the community.
    room = await olive_matrix.room_with(bot_user.user_id)
    await olive_matrix.say(room, "!space join")
    await olive_matrix.wait_for(
        lambda r, e: r == room and "part of the community" in e["content"].get("body", "")
    )

    # Olive creates the event in the Slack modal the dialog's form opens.
    await slack.send_event(slack_dm(slack, "U0OLIVE", "event create"))
    offer = await slack.wait_for_post(lambda p: "Create an event" in _text(p), timeout=WAIT)
    form_button = offer["args"]["blocks"][-1]["elements"][-1]
    assert form_button["action_id"].startswith("salon_form:")
    envelope = await slack.send_block_action(
        form_button["action_id"],
        user_id="U0OLIVE",
        channel_id=offer["args"]["channel"],
        message=offer["response"]["message"],
    )
    await slack.wait_for_ack(envelope["envelope_id"])
    opened = await slack.wait_for_post(lambda p: p["method"] == "views.open", timeout=WAIT)
    view = opened["response"]["view"]
    assert view["type"] == "modal"
    title, start, length, place, *_, where, _sprint = (b["block_id"] for b in view["blocks"])
    answers = {
        title: "Night owls write-in",
        start: "2026-01-08 19:00",
        length: "2h",
        place: "https://meet.example.org/owls",
        where: "all",
    }
    envelope = await slack.send_view_submission(view, answers, user_id="U0OLIVE")
    await slack.wait_for_ack(envelope["envelope_id"])
    await slack.wait_for_post(lambda p: "Created" in _text(p), timeout=WAIT)

    # Posted to all three spaces with the three buttons.
    slack_post = await slack.wait_for_post(
        lambda p: (
            p["method"] == "chat.postMessage"
            and p["args"].get("channel") == "C0GENERAL"
            and "(event 1)" in _text(p)
        ),
        timeout=WAIT,
    )
    labels = [b["text"]["text"] for b in slack_post["args"]["blocks"][-1]["elements"]]
    assert labels == ["Going", "Maybe", "Can't"]
    assert "Thu 8 Jan, 19:00 UTC" in _text(slack_post)
    tg_post = await tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == group.id and "(event 1)" in str(c.params.get("text")),
        timeout=WAIT,
    )
    matrix_post = await olive_matrix.wait_for(
        lambda r, e: r == room and "(event 1)" in e["content"].get("body", "")
    )
    await bot.tasks.settle(WAIT)  # the posts are recorded for their edits

    # Bob presses Going on Slack: every post is edited, none posted anew.
    going = slack_post["args"]["blocks"][-1]["elements"][0]
    envelope = await slack.send_block_action(
        going["action_id"],
        value=going.get("value"),
        user_id="U0BOB",
        channel_id="C0GENERAL",
        message=slack_post["response"]["message"],
    )
    await slack.wait_for_ack(envelope["envelope_id"])
    update = await slack.wait_for_post(
        lambda p: p["method"] == "chat.update" and "Going 1" in _text(p), timeout=WAIT
    )
    assert update["args"]["ts"] == slack_post["response"]["ts"]
    assert "Going: bob" in _text(update)
    tg_edit = await tg.wait_for(
        "editMessageText",
        lambda c: c.params.get("chat_id") == group.id and "Going 1" in str(c.params.get("text")),
        timeout=WAIT,
    )
    assert tg_edit.params["message_id"] == tg_post.result["message_id"]
    matrix_edit = await olive_matrix.wait_for(
        lambda r, e: (
            r == room
            and e["content"].get("m.relates_to", {}).get("rel_type") == "m.replace"
            and "Going 1" in e["content"].get("m.new_content", {}).get("body", "")
        )
    )
    assert matrix_edit["content"]["m.relates_to"]["event_id"] == matrix_post["event_id"]

    # Alice presses Going on Telegram: the Slack and Matrix posts follow.
    current = tg_edit.result
    data = current["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    tg.user_presses(alice_tg, current, data)
    await slack.wait_for_post(
        lambda p: (
            p["method"] == "chat.update"
            and p["args"]["ts"] == slack_post["response"]["ts"]
            and "Going 2" in _text(p)
        ),
        timeout=WAIT,
    )
    await olive_matrix.wait_for(
        lambda r, e: (
            r == room
            and e["content"].get("m.relates_to", {}).get("event_id") == matrix_post["event_id"]
            and "Going 2" in e["content"].get("m.new_content", {}).get("body", "")
        )
    )
    await tg.wait_for(
        "editMessageText",
        lambda c: (
            c.params.get("message_id") == tg_post.result["message_id"]
            and "Going 2" in str(c.params.get("text"))
        ),
        timeout=WAIT,
    )
    fresh = [
        p
        for p in slack.posted
        if p["method"] == "chat.postMessage"
        and p["args"].get("channel") == "C0GENERAL"
        and "(event 1)" in _text(p)
    ]
    assert len(fresh) == 1
    # Alice's answer is confirmed in her private chat, with the calendar file.
    await tg.wait_for(
        "sendMessage",
        lambda c: (
            c.params.get("chat_id") == alice_tg.id
            and "You're going to <b>Night owls write-in</b>" in str(c.params.get("text"))
        ),
        timeout=WAIT,
    )
    await tg.wait_for(
        "sendDocument", lambda c: c.params.get("chat_id") == alice_tg.id, timeout=WAIT
    )

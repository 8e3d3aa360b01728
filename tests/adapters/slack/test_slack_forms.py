"""Forms: a button under the message opens a modal (views.open); the submission reaches the
feature's action as a ButtonPress with the values, in the space the form was sent to."""

from __future__ import annotations

from typing import Any

from emulators.slack import SlackEmulator

from salon.core import Bot

from .conftest import SURVEY, SlackTestPlugin, StartBot, dm_event, posts


async def offer_and_open(slack: SlackEmulator, start_bot: StartBot) -> dict[str, Any]:
    """Ask for the survey in a DM, click its form button; the opened view."""
    await slack.send_event(dm_event(slack, "survey"))
    offer = await slack.wait_for_post()
    button = offer["args"]["blocks"][-1]["elements"][-1]
    assert button["action_id"].startswith("salon_form:")
    channel = offer["args"]["channel"]
    envelope = await slack.send_block_action(
        button["action_id"], channel_id=channel, message=offer["response"]["message"]
    )
    await slack.wait_for_ack(envelope["envelope_id"])
    opened = await slack.wait_for_post(lambda p: p["method"] == "views.open")
    return dict(opened["response"]["view"])


async def test_a_form_is_a_button_that_opens_a_modal(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    await start_bot()

    await slack.send_event(dm_event(slack, "survey"))

    offer = await slack.wait_for_post()
    actions = offer["args"]["blocks"][-1]
    assert actions["type"] == "actions"
    assert [b["text"]["text"] for b in actions["elements"]] == ["Answer all at once"]
    view = await offer_and_open(slack, start_bot)
    assert view["type"] == "modal" and view["callback_id"].startswith("salon_form:")
    assert view["submit"] == {"type": "plain_text", "text": "Send it", "emoji": True}
    inputs = view["blocks"]
    assert [b["type"] for b in inputs] == ["input", "input"]
    assert [b["optional"] for b in inputs] == [False, True]
    assert [b["element"]["type"] for b in inputs] == ["plain_text_input"] * 2
    assert [b["element"]["multiline"] for b in inputs] == [False, True]


async def test_user_text_in_the_form_is_plain_text(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    await start_bot()

    view = await offer_and_open(slack, start_bot)

    title = view["title"]
    assert title["type"] == "plain_text" and len(title["text"]) <= 24
    assert title["text"].startswith(SURVEY.title[:10])  # shown as typed, never parsed
    label = view["blocks"][1]["label"]
    assert label["type"] == "plain_text"
    assert label["text"].startswith("<@U0BOB> @\u2060everyone _notes_ &amp;")


async def test_a_submission_reaches_the_action_in_the_forms_space(
    slack: SlackEmulator, start_bot: StartBot, plugin: SlackTestPlugin
) -> None:
    await start_bot()
    view = await offer_and_open(slack, start_bot)
    words, notes = (b["block_id"] for b in view["blocks"])

    envelope = await slack.send_view_submission(view, {words: "1200", notes: "<b>good</b>"})

    ack = await slack.wait_for_ack(envelope["envelope_id"])
    assert not ack.get("payload")  # an empty ack closes the modal
    reply = await slack.wait_for_post(lambda p: "thanks" in p["args"].get("text", ""))
    dm = slack.workspace.open_dm("U0ALICE").id
    assert (reply["args"]["channel"], reply["args"]["text"]) == (dm, "thanks, 1200 words")
    [press] = plugin.submissions
    assert dict(press.values) == {"words": "1200", "notes": "<b>good</b>"}
    assert (press.action, press.space.ref.id, press.space.is_direct) == ("t.survey", dm, True)
    assert press.member.ref.id == "U0ALICE"


async def test_an_empty_optional_field_and_a_redelivery(
    slack: SlackEmulator, start_bot: StartBot, plugin: SlackTestPlugin
) -> None:
    await start_bot()
    view = await offer_and_open(slack, start_bot)
    words = view["blocks"][0]["block_id"]

    envelope = await slack.send_view_submission(view, {words: "5"})
    await slack.wait_for_post(lambda p: "thanks" in p["args"].get("text", ""))
    await slack.redeliver(envelope["envelope_id"])
    await slack.send_event(dm_event(slack, "echo done"))
    await slack.wait_for_post(lambda p: p["args"].get("text") == "done")

    assert [dict(p.values) for p in plugin.submissions] == [{"words": "5", "notes": ""}]
    assert len([p for p in posts(slack) if "thanks" in p["args"]["text"]]) == 1


async def test_a_form_still_opens_after_a_restart(
    slack: SlackEmulator, start_bot: StartBot, plugin: SlackTestPlugin
) -> None:
    bot = await start_bot()
    await slack.send_event(dm_event(slack, "survey"))
    offer = await slack.wait_for_post()
    await bot.stop()
    await start_bot()
    button = offer["args"]["blocks"][-1]["elements"][-1]

    await slack.send_block_action(
        button["action_id"],
        channel_id=offer["args"]["channel"],
        message=offer["response"]["message"],
    )

    opened = await slack.wait_for_post(lambda p: p["method"] == "views.open")
    view = opened["response"]["view"]
    await slack.send_view_submission(view, {view["blocks"][0]["block_id"]: "9"})
    await slack.wait_for_post(lambda p: p["args"].get("text") == "thanks, 9 words")


async def test_a_submission_over_http(
    slack: SlackEmulator, http_bot: tuple[Bot, str], plugin: SlackTestPlugin
) -> None:
    _, url = http_bot
    await slack.post_event_http(url, dm_event(slack, "survey"))
    offer = await slack.wait_for_post()
    button = offer["args"]["blocks"][-1]["elements"][-1]
    click = slack.block_action_payload(
        button["action_id"],
        channel_id=offer["args"]["channel"],
        message=offer["response"]["message"],
    )
    await slack.post_interactivity_http(url, click)
    opened = await slack.wait_for_post(lambda p: p["method"] == "views.open")
    view = opened["response"]["view"]

    response = await slack.post_interactivity_http(
        url, slack.view_submission_payload(view, {view["blocks"][0]["block_id"]: "77"})
    )

    assert (response.status_code, response.text) == (200, "")  # closes the modal
    await slack.wait_for_post(lambda p: p["args"].get("text") == "thanks, 77 words")
    assert [dict(p.values) for p in plugin.submissions] == [{"words": "77", "notes": ""}]

"""Nothing answered twice and nothing from before the bot was there (a real Synapse)."""

from __future__ import annotations

from typing import Any

from salon.core import MemberRef, Outbound, md


def bot_messages(human: Any, room: str, bot_id: str) -> list[str]:
    return [
        e["content"].get("body", "")
        for r, e in human.timeline
        if r == room and e["sender"] == bot_id and e["type"] == "m.room.message"
    ]


async def joined_by(human: Any, room: str, bot_id: str) -> None:
    """Wait until ``human`` sees the bot's join in ``room``."""
    await human.wait_for(
        lambda r, e: (
            r == room
            and e["type"] == "m.room.member"
            and e.get("state_key") == bot_id
            and e["content"].get("membership") == "join"
        )
    )


async def settle(human: Any, room: str, bot_id: str, text: str) -> None:
    """Send ``!echo text`` and wait for its answer: everything before it was handled."""
    mark = len(human.timeline)
    await human.say(room, f"!echo {text}")
    await human.wait_for(
        lambda r, e: r == room and e["sender"] == bot_id and text in e["content"].get("body", ""),
        after=mark,
    )


async def test_a_hard_stop_after_commands_in_a_quiet_room_answers_nothing_twice(
    world: Any,
) -> None:
    bot_id = world.bot_user.user_id
    bot = await world.start_bot()
    alice = await world.human("alice")
    room = await alice.room_with(bot_id)
    await alice.reply_to(room, "!ping", bot_id)
    await alice.reply_to(room, "!help ping", bot_id)  # a batch right after the one before
    # The room goes quiet (the next sync is a 30 s long poll); the write that handling the
    # batch started finishes, and no other write would come before the kill.
    await bot.adapters["matrix"].syncer.flush()

    await world.crash_bot(bot)  # no last save of the sync position
    await world.start_bot()
    await settle(alice, room, bot_id, "after the restart")

    answers = bot_messages(alice, room, bot_id)
    assert answers.count("pong") == 1
    assert len(answers) == 3, answers  # pong, the help for ping, the echo


async def test_messages_from_before_the_first_start_are_not_answered(world: Any) -> None:
    bot_id = world.bot_user.user_id
    alice = await world.human("alice")
    # Invited, not joined, before salon ever ran: the invite is accepted at the first start,
    # and Synapse sends the room's history with the join.
    invited = (await alice.client.room_create(invite=[bot_id])).room_id
    await alice.say(invited, "!ping (sent before salon first ran)")
    # Joined before salon ever ran.
    joined = (await alice.client.room_create(invite=[bot_id])).room_id
    await world.bot_joins_before_salon_runs(joined)
    await alice.say(joined, "!ping (sent before salon first ran)")

    await world.start_bot()
    await joined_by(alice, invited, bot_id)
    for room in (invited, joined):
        await settle(alice, room, bot_id, "after the first start")
        answers = bot_messages(alice, room, bot_id)
        assert len(answers) == 1 and "after the first start" in answers[0], answers


async def test_joining_a_room_while_running_skips_its_history(world: Any) -> None:
    bot_id = world.bot_user.user_id
    await world.start_bot()
    alice = await world.human("alice")
    room = (await alice.client.room_create()).room_id
    await alice.say(room, "!ping (history, before the bot was invited)")
    await alice.say(room, "!echo old news")
    await alice.client.room_invite(room, bot_id)
    await joined_by(alice, room, bot_id)

    await settle(alice, room, bot_id, "after the join")
    answers = bot_messages(alice, room, bot_id)
    assert len(answers) == 1 and "after the join" in answers[0], answers


async def test_a_dm_salon_starts_notifies_and_replies_are_notices(world: Any) -> None:
    bot_id = world.bot_user.user_id
    bot = await world.start_bot()
    bob = await world.human("bob")
    question = md("How many words did you write today?")
    bot.send(Outbound(question, recipient=MemberRef("matrix", bob.user_id)))
    room = await bob.wait_for_invite()
    await bob.client.join(room)

    asked = await bob.next_message(room, bot_id, after=0)
    # m.text: Matrix's default push rules suppress notices, and this one needs an answer.
    assert asked["content"]["msgtype"] == "m.text"
    assert asked["content"]["m.mentions"] == {}
    reply = await bob.reply_to(room, "ping", bot_id)
    assert reply["content"]["msgtype"] == "m.notice"

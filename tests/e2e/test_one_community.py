"""One community on three platforms: one bot process with the Slack emulator, the Telegram
emulator and a real Synapse room, all in one configuration.

A member links Slack and Telegram; words logged on Slack count on Telegram; a check-in created
in the Matrix room is joined and answered on Telegram and its digest is posted on Slack,
Telegram and Matrix; an organiser configured by their Slack id runs organiser commands from
Telegram once linked; a buddy round never pairs a person with their own account; ``forget me``
on Telegram removes the data of both accounts.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nio
import pytest
import pytest_asyncio
from emulators.slack import SlackEmulator
from emulators.slack.fixtures import slack_emulator  # noqa: F401
from emulators.telegram import TelegramEmulator
from emulators.telegram.fixtures import telegram_emulator  # noqa: F401
from servers.synapse import SynapseServer

from salon.core import MemberRef
from salon.core.bot import Bot
from salon.core.clock import ManualClock
from salon.core.config import config_from_mapping
from salon.core.plugins import create_plugin_manager
from salon.core.runtime import build_adapters
from salon.core.storage import sa
from salon.plugins.checkins import tables

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
WAIT = 15.0
THURSDAY_NINE = datetime(2026, 1, 8, 9, 0, tzinfo=UTC)
THURSDAY_FIVE = datetime(2026, 1, 8, 17, 0, tzinfo=UTC)


class MatrixMember:
    """A member's own Matrix client: says things, and sees what the bot says in a room."""

    def __init__(self, synapse: SynapseServer, user: Any) -> None:
        self.user_id = user.user_id
        self.client = nio.AsyncClient(synapse.url, user.user_id, device_id=user.device_id)
        self.client.access_token = user.access_token
        self.client.user_id = user.user_id
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.client.sync(timeout=0)
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            response = await self.client.sync(timeout=30_000)
            if isinstance(response, nio.SyncResponse):
                for room_id, info in response.rooms.join.items():
                    self.events.extend((room_id, e.source) for e in info.timeline.events)
                self._changed.set()

    async def wait_for(self, predicate: Callable[[str, dict[str, Any]], bool]) -> dict[str, Any]:
        async def scan() -> dict[str, Any]:
            seen = 0
            while True:
                for room_id, event in self.events[seen:]:
                    if predicate(room_id, event):
                        return event
                seen = len(self.events)
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), WAIT)

    async def room_with(self, bot_id: str) -> str:
        created = await self.client.room_create(invite=[bot_id], name="writing-group")
        assert isinstance(created, nio.RoomCreateResponse), created
        await self.wait_for(
            lambda r, e: (
                r == created.room_id
                and e["type"] == "m.room.member"
                and e.get("state_key") == bot_id
                and e["content"].get("membership") == "join"
            )
        )
        return created.room_id

    async def say(self, room_id: str, text: str) -> None:
        response = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": text}
        )
        assert isinstance(response, nio.RoomSendResponse), response

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.client.close()


@pytest_asyncio.fixture
async def matrix_olive(synapse: SynapseServer) -> AsyncIterator[tuple[MatrixMember, Any]]:
    bot_user = await synapse.register_user(f"salon{uuid.uuid4().hex[:8]}", "bot password 1")
    olive = MatrixMember(
        synapse, await synapse.register_user(f"olive{uuid.uuid4().hex[:6]}", "olive password")
    )
    await olive.start()
    try:
        yield olive, bot_user
    finally:
        await olive.stop()


@pytest_asyncio.fixture
async def community(
    slack_emulator: SlackEmulator,  # noqa: F811
    telegram_emulator: TelegramEmulator,  # noqa: F811
    synapse: SynapseServer,
    matrix_olive: tuple[MatrixMember, Any],
    tmp_path: Path,
) -> AsyncIterator[tuple[Bot, ManualClock, Any]]:
    slack, tg = slack_emulator, telegram_emulator
    olive, bot_user = matrix_olive
    slack.add_user("olive", id="U0OLIVE", real_name="Olive Organiser")
    slack.add_user("bob", id="U0BOB", real_name="Bob Writer")
    group = tg.add_group("Writers", supergroup=True)
    # One salon.toml for the whole community (as a mapping; secrets from the environment).
    config = config_from_mapping(
        {
            "community": {
                "name": "Night Owls",
                "organisers": ["slack:U0OLIVE", f"matrix:{olive.user_id}"],
                "spaces": ["slack:C0GENERAL", f"telegram:{group.id}"],
            },
            "database": {"url": f"sqlite:///{tmp_path / 'salon.db'}"},
            "adapters": {
                "slack": {"api_url": slack.api_url},
                "telegram": {
                    "base_url": tg.base_url,
                    "base_file_url": tg.base_file_url,
                    "poll_timeout": 2,
                },
                "matrix": {"homeserver": synapse.url},
            },
        },
        source="test",
    )
    env = {
        "SALON_SLACK_BOT_TOKEN": slack.bot_token,
        "SALON_SLACK_APP_TOKEN": slack.app_token,
        "SALON_SLACK_SIGNING_SECRET": slack.signing_secret,
        "SALON_TELEGRAM_TOKEN": tg.token,
        "SALON_MATRIX_ACCESS_TOKEN": bot_user.access_token,
    }
    clock = ManualClock()
    bot = Bot(config, pm=create_plugin_manager(), clock=clock, env=env)
    for adapter in build_adapters(bot, env):
        bot.add_adapter(adapter)
    await bot.start(run_scheduler=False)
    try:
        yield bot, clock, {"group": group, "bot_user": bot_user}
    finally:
        await bot.stop()


async def run_due(bot: Bot, clock: ManualClock, when: datetime) -> None:
    clock.set(when)
    await bot.scheduler.run_due()
    await bot.outbound.drain()
    await bot.outbox.settle()


def slack_dm(slack: SlackEmulator, user: str, text: str) -> dict[str, Any]:
    channel = slack.workspace.open_dm(user).id
    return {"type": "message", "channel": channel, "user": user, "text": text, "channel_type": "im"}


async def slack_says(slack: SlackEmulator, event: dict[str, Any], expect: str) -> str:
    """Send a Slack event; the text of the bot's first post containing ``expect`` after it."""
    mark = len(slack.posted)
    await slack.send_event(event)
    post = await slack.wait_for_post(
        lambda p: slack.posted.index(p) >= mark and expect in str(p["args"].get("text", "")),
        timeout=WAIT,
    )
    return str(post["args"]["text"])


async def telegram_says(
    tg: TelegramEmulator,
    user: Any,
    chat: Any,
    text: str,
    expect: str,
    method: str = "sendMessage",
) -> Any:
    """``user`` posts ``text`` in ``chat``; the bot's first ``method`` call to ``chat`` whose
    text (or caption) has ``expect``."""
    mark = len(tg.sent)
    tg.user_sends(user, chat, text)

    def matches(call: Any) -> bool:
        shown = str(call.params.get("text") or call.params.get("caption") or "")
        return call.params.get("chat_id") == chat.id and expect in shown

    return await tg.wait_for(method, matches, since=mark, timeout=WAIT)


async def link_slack_to_telegram(
    slack: SlackEmulator, tg: TelegramEmulator, slack_id: str, tg_user: Any
) -> None:
    reply = await slack_says(slack, slack_dm(slack, slack_id, "link"), "link code")
    found = CODE.search(reply)
    assert found, reply
    await telegram_says(tg, tg_user, tg.private_chat(tg_user), f"link {found.group(1)}", "Linked!")


async def test_one_community_across_slack_telegram_and_matrix(
    community: tuple[Bot, ManualClock, Any],
    slack_emulator: SlackEmulator,  # noqa: F811
    telegram_emulator: TelegramEmulator,  # noqa: F811
    matrix_olive: tuple[MatrixMember, Any],
) -> None:
    bot, clock, extra = community
    slack, tg = slack_emulator, telegram_emulator
    olive_matrix, bot_user = matrix_olive
    group = extra["group"]
    alice_tg = tg.add_user("Alice", "alice_tg")
    olive_tg = tg.add_user("Olive", "olive_tg")
    await tg.wait_until_polling()

    # A buddy sign-up from Telegram before linking: the same person as on Slack, later.
    await telegram_says(tg, alice_tg, tg.private_chat(alice_tg), "buddy join", "You're signed up")

    # 1. Alice links Slack and Telegram.
    await link_slack_to_telegram(slack, tg, "U0ALICE", alice_tg)
    alice = await bot.people.of(MemberRef("slack", "U0ALICE"))
    assert alice is not None
    assert alice.account_on("telegram") == MemberRef("telegram", str(alice_tg.id))

    # 2. Words logged on Slack count on Telegram.
    await slack_says(slack, slack_dm(slack, "U0ALICE", "wc 500"), "Logged")
    await telegram_says(
        tg, alice_tg, tg.private_chat(alice_tg), "stats", "500 words on 1 day", "sendPhoto"
    )

    # 3. Olive is an organiser by her Slack id; from Telegram only once linked.
    await telegram_says(tg, olive_tg, group, "!spaces", "Only organisers")
    await link_slack_to_telegram(slack, tg, "U0OLIVE", olive_tg)
    reply = await telegram_says(tg, olive_tg, group, "!spaces", "Spaces I know")
    assert "#general on Slack" in reply.result["text"]

    # 4. A check-in created in the Matrix room, part of the community.
    room = await olive_matrix.room_with(bot_user.user_id)
    await olive_matrix.say(room, "!space join")
    await olive_matrix.wait_for(
        lambda r, e: r == room and "part of the community" in e["content"].get("body", "")
    )
    await olive_matrix.say(room, "!checkin create mon,thu 09:00 digest 17:00")
    await olive_matrix.wait_for(
        lambda r, e: r == room and "Check-in created" in e["content"].get("body", "")
    )
    reply = await telegram_says(
        tg, alice_tg, tg.private_chat(alice_tg), "checkin join", "You're in the check-in of"
    )
    assert "#writing-group on Matrix" in reply.result["text"]

    # ... asked on Thursday at 9 where she last wrote (Telegram), answered there.
    mark = len(tg.sent)
    await run_due(bot, clock, THURSDAY_NINE)
    await tg.wait_for(
        "sendMessage",
        lambda c: (
            c.params.get("chat_id") == alice_tg.id
            and "Check-in time" in str(c.params.get("text"))
            and "#writing-group on Matrix" in str(c.params.get("text"))
        ),
        since=mark,
        timeout=WAIT,
    )
    private = tg.private_chat(alice_tg)
    await telegram_says(tg, alice_tg, private, "Finished chapter three", "2/3")
    await telegram_says(tg, alice_tg, private, "Chapter four", "3/3")
    await telegram_says(tg, alice_tg, private, "Nothing at all", "checked in")

    # ... and its digest reaches Slack, Telegram and the Matrix room.
    await run_due(bot, clock, THURSDAY_FIVE)
    slack_digest = await slack.wait_for_post(
        lambda p: "1 checked in" in str(p["args"].get("text", "")), timeout=WAIT
    )
    assert slack_digest["args"]["channel"] == "C0GENERAL"
    assert "Finished chapter three" in slack_digest["args"]["text"]
    assert "<@U0ALICE>" in slack_digest["args"]["text"]  # a real mention on Slack
    matrix_digest = await olive_matrix.wait_for(
        lambda r, e: r == room and "1 checked in" in e["content"].get("body", "")
    )
    assert "Finished chapter three" in matrix_digest["content"]["body"]
    assert matrix_digest["content"]["m.mentions"] == {}  # no Matrix account: a name, no ping
    await tg.wait_for(
        "sendMessage",
        lambda c: (
            c.params.get("chat_id") == group.id
            and "Finished chapter three" in str(c.params.get("text"))
        ),
        timeout=WAIT,
    )

    # 5. A buddy round never pairs Alice with her own account.
    await slack_says(slack, slack_dm(slack, "U0ALICE", "buddy join"), "already signed up")
    await slack_says(slack, slack_dm(slack, "U0BOB", "buddy join"), "signed up")
    await telegram_says(tg, olive_tg, group, "!buddy pair", "Paired 2 members: 1 pair")

    # 6. forget me on Telegram removes the data of both accounts.
    reply = await telegram_says(tg, alice_tg, private, "forget me", "Are you sure?")
    [yes, _no] = reply.result["reply_markup"]["inline_keyboard"][0]
    tg.user_presses(alice_tg, reply, yes["callback_data"])
    await tg.wait_for(
        "sendMessage",
        lambda c: (
            c.params.get("chat_id") == alice_tg.id
            and "everything salon kept about you is deleted" in str(c.params.get("text"))
        ),
        timeout=WAIT,
    )
    async with bot.storage.engine.connect() as db:
        for table in (tables.progress, tables.goals, tables.responses, tables.buddies):
            query = sa.select(sa.func.count()).where(table.c.person_id == alice.id)
            assert (await db.execute(query)).scalar() == 0, table.name
        accounts = await db.execute(
            sa.text("SELECT count(*) FROM salon_members WHERE person_id = :id"), {"id": alice.id}
        )
        assert accounts.scalar() == 0
    assert await bot.people.of(MemberRef("slack", "U0ALICE")) is None


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

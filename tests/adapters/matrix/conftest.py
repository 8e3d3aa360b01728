"""A real Synapse, a bot on it, and nio clients acting as members."""

from __future__ import annotations

import asyncio
import io
import itertools
import struct
import uuid
import zlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import attrs
import nio
import pytest
import pytest_asyncio
from servers.fixtures import *  # noqa: F403
from servers.synapse import RegisteredUser, SynapseServer

from salon.core import (
    TEXT,
    Action,
    Arg,
    Bot,
    Button,
    ButtonPress,
    Clock,
    Command,
    Context,
    Image,
    hookimpl,
    md,
    mention,
)
from salon.core.config import config_from_mapping
from salon.core.plugins import create_plugin_manager
from salon.core.runtime import build_adapters

WAIT = 15.0
_names = itertools.count(1)


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A valid RGB PNG of ``width`` x ``height`` black pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class TestPlugin:
    """Test-only commands: echo user text, offer buttons, send an image."""

    @staticmethod
    @hookimpl
    def register_commands(register: Callable[[Command], None]) -> None:
        def echo(ctx: Context, text: str) -> None:
            ctx.reply(
                md("You said: ", text, " — ", mention(ctx.member.ref, ctx.member.display_name))
            )

        def choose(ctx: Context) -> None:
            ctx.reply(
                "Pick a colour",
                buttons=(Button("Red", "test.pick", "red"), Button("Blue", "test.pick", "blue")),
            )

        def picture(ctx: Context) -> None:
            ctx.reply(image=Image(tiny_png(), filename="dots.png", alt_text="three dots"))

        register(Command("echo", echo, help="Repeat text.", args=(Arg("text", TEXT, rest=True),)))
        register(Command("choose", choose, help="Offer two buttons."))
        register(Command("picture", picture, help="Send an image."))

    @staticmethod
    @hookimpl
    def register_actions(register: Callable[[Action], None]) -> None:
        def pick(ctx: Context, press: ButtonPress) -> None:
            ctx.reply(f"{press.member.display_name} picked {press.value}")

        register(Action("test.pick", pick))


class Human:
    """A member's own client: sends messages, records everything its sync sees."""

    def __init__(self, synapse: SynapseServer, user: RegisteredUser) -> None:
        self.user_id = user.user_id
        self.client = nio.AsyncClient(synapse.url, user.user_id, device_id=user.device_id)
        self.client.access_token = user.access_token
        self.client.user_id = user.user_id
        #: (room_id, event source) for every timeline event seen.
        self.timeline: list[tuple[str, dict[str, Any]]] = []
        #: room_id → the invite's member event content.
        self.invites: dict[str, dict[str, Any]] = {}
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        first = await self.client.sync(timeout=0)
        assert isinstance(first, nio.SyncResponse), first
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            response = await self.client.sync(timeout=30_000)
            if not isinstance(response, nio.SyncResponse):
                continue
            for room_id, info in response.rooms.invite.items():
                for event in info.invite_state:
                    if isinstance(event, nio.InviteMemberEvent) and event.state_key == self.user_id:
                        self.invites[room_id] = event.content
            for room_id, info in response.rooms.join.items():
                for event in info.timeline.events:
                    self.timeline.append((room_id, event.source))
            self._changed.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.client.close()

    async def wait_for(
        self,
        predicate: Callable[[str, dict[str, Any]], bool],
        *,
        after: int = 0,
        within: float = WAIT,
    ) -> tuple[str, dict[str, Any]]:
        """The first event recorded from index ``after`` on (already or later) that matches."""

        async def scan() -> tuple[str, dict[str, Any]]:
            start = after
            while True:
                for room_id, source in self.timeline[start:]:
                    if predicate(room_id, source):
                        return room_id, source
                start = len(self.timeline)
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), within)

    async def wait_for_invite(self, within: float = WAIT) -> str:
        async def scan() -> str:
            while not self.invites:
                self._changed.clear()
                await self._changed.wait()
            return next(iter(self.invites))

        return await asyncio.wait_for(scan(), within)

    async def reply_to(self, room_id: str, text: str, sender: str, **content: Any) -> dict:
        """Send ``text`` and return the content of ``sender``'s next message in that room."""
        mark = len(self.timeline)
        await self.say(room_id, text, **content)
        return await self.next_message(room_id, sender, after=mark)

    async def next_message(self, room_id: str, sender: str, *, after: int) -> dict[str, Any]:
        """``sender``'s first ``m.room.message`` in ``room_id`` recorded from ``after`` on."""
        _, event = await self.wait_for(
            lambda r, e: r == room_id and e["sender"] == sender and e["type"] == "m.room.message",
            after=after,
        )
        return event

    async def say(self, room_id: str, text: str, **content: Any) -> str:
        response = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": text, **content}
        )
        assert isinstance(response, nio.RoomSendResponse), response
        return response.event_id

    async def send_file(self, room_id: str, name: str, data: bytes, mime_type: str) -> str:
        """Upload ``data`` to the media repository and send it as an ``m.file``."""
        uploaded, _ = await self.client.upload(
            io.BytesIO(data), content_type=mime_type, filename=name, filesize=len(data)
        )
        assert isinstance(uploaded, nio.UploadResponse), uploaded
        content = {
            "msgtype": "m.file",
            "body": name,
            "filename": name,
            "url": uploaded.content_uri,
            "info": {"mimetype": mime_type, "size": len(data)},
        }
        response = await self.client.room_send(room_id, "m.room.message", content)
        assert isinstance(response, nio.RoomSendResponse), response
        return response.event_id

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        response = await self.client.room_send(room_id, "m.reaction", content)
        assert isinstance(response, nio.RoomSendResponse), response
        return response.event_id

    async def room_with(self, bot_id: str, **options: Any) -> str:
        """Create a room, invite the bot and wait until it has joined."""
        created = await self.client.room_create(invite=[bot_id], **options)
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


@attrs.define
class World:
    synapse: SynapseServer
    tmp_path: Path
    bot_user: RegisteredUser
    humans: list[Human] = attrs.field(factory=list)
    bots: list[Bot] = attrs.field(factory=list)

    async def user(self, name: str = "member") -> RegisteredUser:
        localpart = f"{name}{next(_names)}x{uuid.uuid4().hex[:6]}"
        return await self.synapse.register_user(localpart, "correct horse battery")

    async def human(self, name: str = "alice") -> Human:
        human = Human(self.synapse, await self.user(name))
        await human.start()
        self.humans.append(human)
        return human

    async def start_bot(
        self,
        db: str = "salon.db",
        *,
        plugins: tuple[tuple[str, object], ...] = (),
        clock: Clock | None = None,
        **matrix: Any,
    ) -> Bot:
        config = config_from_mapping(
            {
                "database": {"url": f"sqlite:///{self.tmp_path / db}"},
                "adapters": {"matrix": {"homeserver": self.synapse.url, **matrix}},
            }
        )
        pm = create_plugin_manager(extra=[("matrix_test", TestPlugin), *plugins])
        env = {"SALON_MATRIX_ACCESS_TOKEN": self.bot_user.access_token}
        bot = Bot(config, pm=pm, env=env, clock=clock)
        for adapter in build_adapters(bot, env):
            bot.add_adapter(adapter)
        await bot.start(run_scheduler=False)
        self.bots.append(bot)
        return bot

    async def crash_bot(self, bot: Bot) -> None:
        """Stop ``bot`` as ``kill -9`` would, as far as the database can tell: the sync loop
        dies mid-poll and nothing more is written (no graceful stop, no last save)."""
        self.bots.remove(bot)
        await bot.loops.close()
        await bot.tasks.close()
        await bot.outbound.stop()
        await bot.adapters["matrix"].client.close()  # type: ignore[attr-defined]
        await bot.storage.dispose()

    async def bot_joins_before_salon_runs(self, room_id: str) -> None:
        """Join ``room_id`` with the bot's account from another client, as a person would."""
        client = nio.AsyncClient(
            self.synapse.url, self.bot_user.user_id, device_id=self.bot_user.device_id
        )
        client.access_token = self.bot_user.access_token
        try:
            assert isinstance(await client.join(room_id), nio.JoinResponse)
        finally:
            await client.close()

    async def stop_bot(self, bot: Bot) -> None:
        self.bots.remove(bot)
        await bot.stop()

    async def close(self) -> None:
        for bot in self.bots:
            await bot.stop()
        for human in self.humans:
            await human.stop()


@pytest_asyncio.fixture
async def world(synapse: SynapseServer, tmp_path: Path) -> AsyncIterator[World]:
    bot_user = await synapse.register_user(f"salon{uuid.uuid4().hex[:8]}", "bot password 1")
    world = World(synapse, tmp_path, bot_user)
    try:
        yield world
    finally:
        await world.close()


@pytest.fixture
def test_plugins() -> list[tuple[str, object]]:
    """The test-only plugin, for a harness that should match the Matrix bot."""
    return [("matrix_test", TestPlugin)]

"""The Matrix adapter: a matrix-nio client syncing one account into salon's core.

Rooms are spaces, ``m.direct`` rooms are DMs, members are ``@user:server``. The sync ``since``
token lives in salon's state table so a restart resumes where it stopped; on the very first
start the history before the first sync is skipped. See docs/adapters/matrix.md.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import nio

from salon.adapters.matrix import schemas
from salon.adapters.matrix.buttons import STATE_KEY as BUTTONS_KEY
from salon.adapters.matrix.buttons import PendingButtons
from salon.adapters.matrix.config import MatrixConfig
from salon.adapters.matrix.direct import DirectRooms
from salon.adapters.matrix.inbound import mention_pattern, strip_reply_fallback
from salon.adapters.matrix.render import PLATFORM, choice_number
from salon.adapters.matrix.sending import Sender
from salon.core import (
    Adapter,
    Bot,
    ButtonPress,
    Capabilities,
    ConfigError,
    Member,
    MemberRef,
    Message,
    Outbound,
    RateLimits,
    RecentEvents,
    Sent,
    Space,
    SpaceRef,
    md,
)
from salon.core.config import structure

log = logging.getLogger(__name__)

#: Only what the bot reads: no presence, typing or receipts, and the ``m.direct`` account data.
SYNC_FILTER: dict[str, Any] = {
    "presence": {"not_types": ["*"]},
    "account_data": {"types": ["m.direct"]},
    "room": {
        "ephemeral": {"not_types": ["*"]},
        "account_data": {"not_types": ["*"]},
        "timeline": {"limit": 50},
    },
}
ENCRYPTED_NOTICE = (
    "This room is end-to-end encrypted, and I can't read encrypted messages, so I won't see "
    "commands here. Please talk to me in an unencrypted room or a DM without encryption."
)
#: The since token is written at most this often while events stream in (and always on stop):
#: a crash re-reads at most this much, and state-changing commands are deduplicated anyway.
SAVE_SINCE_EVERY = 1.0


class MatrixAdapter(Adapter):
    """Platform ``"matrix"``, through matrix-nio's async client."""

    platform: ClassVar[str] = PLATFORM
    capabilities: ClassVar[Capabilities] = Capabilities(
        threads=True,
        buttons=True,
        images=True,
        reactions=True,
        edits=True,
        direct_messages=True,
        rich_text=True,
    )
    # The homeserver sets the pace: M_LIMIT_EXCEEDED becomes RetryAfter(retry_after_ms).
    rate_limits: ClassVar[RateLimits] = RateLimits()
    secrets: ClassVar[tuple[str, ...]] = ("SALON_MATRIX_ACCESS_TOKEN|SALON_MATRIX_PASSWORD",)
    config_class: ClassVar[type[Any] | None] = MatrixConfig

    def __init__(self, bot: Bot, config: MatrixConfig | Mapping[str, Any], env: Mapping[str, str]):
        if not isinstance(config, MatrixConfig):
            config = structure(config, MatrixConfig, "adapters.matrix")
        config.check()
        super().__init__(bot, config, env)
        self.config: MatrixConfig = config
        schemas.install()  # nio's validation, compiled: same results, a tenth of the time
        self.client = nio.AsyncClient(
            config.homeserver,
            config.user_id,
            # nio must not sleep on 429s or retry timeouts itself: the send queue does both.
            config=nio.AsyncClientConfig(
                max_limit_exceeded=0,
                max_timeouts=0,
                encryption_enabled=False,
                store_sync_tokens=False,
            ),
        )
        self.user_id = config.user_id
        self.pending = PendingButtons()
        self.direct = DirectRooms()
        self.sender = Sender(self)
        self.since: str | None = None
        self._saved_since: str | None = None
        self._saved_at = 0.0
        self._seen = RecentEvents()
        self._spaces: dict[str, Space] = {}
        self._encrypted_noted: set[str] = set()
        self._invites_handled: set[str] = set()
        self._addressed = mention_pattern(["salon"])
        self._sync_task: asyncio.Task[None] | None = None
        self.synced = asyncio.Event()

    def state_key(self, name: str) -> str:
        """A key in salon's state table, per bot account (switching accounts starts afresh)."""
        return f"matrix:{self.user_id}:{name}"

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        await self._log_in()
        storage = self.bot.storage
        self.since = self._saved_since = await storage.get_state(self.state_key("since"))
        self.pending.load(await storage.get_state(self.state_key(BUTTONS_KEY)))
        self._encrypted_noted = set(await storage.get_state(self.state_key("encrypted"), []))
        await self.direct.load(self.client)
        names = [self.user_id, self.user_id[1:].split(":")[0]]
        profile = await self.client.get_displayname(self.user_id)
        if isinstance(profile, nio.ProfileGetDisplayNameResponse) and profile.displayname:
            names.append(profile.displayname)
        self._addressed = mention_pattern(names)
        if self.since is None:
            # First start: join what we were invited to, but answer nothing from before now.
            response = await self.client.sync(timeout=0, sync_filter=SYNC_FILTER)
            if not isinstance(response, nio.SyncResponse):
                raise ConfigError(f"adapters.matrix: the first sync failed: {response}")
            await self.process(response, history=True)
        self._sync_task = asyncio.get_running_loop().create_task(
            self._sync_forever(), name="matrix-sync"
        )

    async def _log_in(self) -> None:
        token = self.secret("SALON_MATRIX_ACCESS_TOKEN")
        password = self.secret("SALON_MATRIX_PASSWORD")
        client = self.client
        if token is not None:
            client.access_token = token.reveal()
            whoami = await client.whoami()
            if not isinstance(whoami, nio.WhoamiResponse):
                raise ConfigError(
                    f"adapters.matrix: {self.config.homeserver} refused the access token in "
                    f"SALON_MATRIX_ACCESS_TOKEN ({whoami})"
                )
            if self.user_id and whoami.user_id != self.user_id:
                raise ConfigError(
                    f"adapters.matrix.user_id: is {self.user_id}, but the access token "
                    f"belongs to {whoami.user_id}"
                )
            self.user_id = client.user_id = whoami.user_id
            client.device_id = whoami.device_id
        elif password is not None:
            if not self.user_id:
                raise ConfigError("adapters.matrix.user_id: needed to log in with a password")
            # Reuse the device of the last login, so restarts do not pile up devices.
            device_key = self.state_key("device_id")
            client.device_id = await self.bot.storage.get_state(device_key) or ""
            login = await client.login(password.reveal(), device_name=self.config.device_name)
            if not isinstance(login, nio.LoginResponse):
                raise ConfigError(
                    f"adapters.matrix: logging in as {self.user_id} failed ({login}); "
                    "check SALON_MATRIX_PASSWORD"
                )
            await self.bot.storage.set_state(device_key, login.device_id)
        else:
            raise ConfigError(
                "adapters.matrix: set SALON_MATRIX_ACCESS_TOKEN or SALON_MATRIX_PASSWORD"
            )

    async def stop_receiving(self) -> None:
        task, self._sync_task = self._sync_task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self.since is not None and self.since != self._saved_since:
            await self.bot.storage.set_state(self.state_key("since"), self.since)
            self._saved_since = self.since

    async def stop(self) -> None:
        await self.stop_receiving()
        await self.client.close()

    async def _sync_forever(self) -> None:
        failures = 0
        while True:
            try:
                response: Any = await self.client.sync(
                    timeout=self.config.sync_timeout_ms,
                    sync_filter=SYNC_FILTER,
                    since=self.since,
                )
            except (TimeoutError, OSError, nio.exceptions.LocalProtocolError) as error:
                response = error
            except Exception as error:  # aiohttp's errors and anything unforeseen
                response = error
            if isinstance(response, nio.SyncResponse):
                failures = 0
                try:
                    await self.process(response)
                except Exception as error:
                    await self.bot.report_error(error, "matrix sync handling")
                continue
            failures += 1
            delay = min(0.5 * 2**failures, 60.0)
            log.warning("matrix: sync failed (%s); retrying in %.1fs", response, delay)
            await asyncio.sleep(delay)

    # --- one sync response -----------------------------------------------------------------
    async def process(self, response: nio.SyncResponse, *, history: bool = False) -> None:
        """Handle a sync response nio has already applied to its room state.

        :param history: the first sync ever: join and look around, but answer nothing.
        """
        rooms = response.rooms
        for room_id, invite in rooms.invite.items():
            await self._on_invite(room_id, invite)
        for room_id in rooms.leave:
            self._spaces.pop(room_id, None)
        client_rooms = self.client.rooms
        for room_id, joined in rooms.join.items():
            room = client_rooms.get(room_id)
            if room is None:
                continue
            if joined.state:
                self._spaces.pop(room_id, None)
            if room.encrypted and room_id not in self._encrypted_noted:
                await self._note_encrypted(room_id)
            if history:
                continue
            for event in joined.timeline.events:
                try:
                    await self._on_event(room, event)
                except Exception as error:  # one bad event must not cost the rest of the batch
                    await self.bot.report_error(error, f"matrix event in {room_id}")
        for event in response.account_data_events:
            source = getattr(event, "source", None) or {}
            if source.get("type") == "m.direct":
                self.direct.update(source.get("content") or {})
                self._spaces.clear()
        await self._remember_since(response.next_batch, now=history)
        self.synced.set()

    async def _remember_since(self, token: str, *, now: bool) -> None:
        self.since = token
        clock = time.monotonic()
        if now or clock - self._saved_at >= SAVE_SINCE_EVERY:
            self._saved_at = clock
            await self.bot.storage.set_state(self.state_key("since"), token)
            self._saved_since = token

    async def _on_event(self, room: nio.MatrixRoom, event: Any) -> None:
        sender = getattr(event, "sender", None)
        event_id = getattr(event, "event_id", None)
        if sender is None or event_id is None:  # nio's UnknownBadEvent: nothing to act on
            return
        if sender == self.user_id or self._seen.check_and_add(PLATFORM, event_id):
            return
        if isinstance(event, nio.RoomMessageText):
            await self._on_text(room, event)
        elif isinstance(event, nio.ReactionEvent):
            await self._on_reaction(room, event)
        elif isinstance(event, nio.RoomMemberEvent):
            self._spaces.pop(room.room_id, None)
            if event.membership == "join" and event.prev_membership != "join":
                name = event.content.get("displayname") or event.state_key
                member = Member(MemberRef(PLATFORM, event.state_key), name)
                await self.bot.receive_join(member, self._space(room))
        elif isinstance(event, nio.MegolmEvent):
            if room.room_id not in self._encrypted_noted:
                await self._note_encrypted(room.room_id)
        elif getattr(event, "source", {}).get("state_key") is not None:
            self._spaces.pop(room.room_id, None)  # name or topic changed

    async def _on_text(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> None:
        content = _mapping(event.source.get("content"))
        relates = _mapping(content.get("m.relates_to"))  # any client may send any JSON
        if relates.get("rel_type") == "m.replace":
            return  # an edit of an earlier message is not a new command
        text = event.body
        if "m.in_reply_to" in relates and text.startswith(">"):
            text = strip_reply_fallback(text)
        thread_id = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
        if not isinstance(thread_id, str):
            thread_id = None
        space = self._space(room)
        author = Member(
            MemberRef(PLATFORM, event.sender), room.user_name(event.sender) or event.sender
        )
        if self.pending:
            latest = self.pending.latest(room.room_id)
            if latest is not None:
                number = choice_number(text, len(latest[1].buttons))
                if number is not None:
                    await self._press(space, author, latest[0], number, event.event_id)
                    return
        addressed = space.is_direct
        user_ids = _mapping(content.get("m.mentions")).get("user_ids")
        mentioned = isinstance(user_ids, list) and self.user_id in user_ids
        if mentioned or not addressed:
            stripped = self._addressed.sub("", text, count=1)
            if stripped != text:
                text, addressed = stripped, True
            addressed = addressed or mentioned
        await self.bot.receive(
            Message(
                space=space,
                author=author,
                text=text,
                event_id=event.event_id,
                addressed=addressed,
                thread_id=thread_id,
                message_id=event.event_id,
                received_at=datetime.fromtimestamp(event.server_timestamp / 1000, UTC),
            )
        )

    async def _on_reaction(self, room: nio.MatrixRoom, event: nio.ReactionEvent) -> None:
        pending = self.pending.get(room.room_id, event.reacts_to)
        if pending is None:
            return
        number = choice_number(event.key, len(pending.buttons))
        if number is None:
            return
        author = Member(
            MemberRef(PLATFORM, event.sender), room.user_name(event.sender) or event.sender
        )
        await self._press(self._space(room), author, event.reacts_to, number, event.event_id)

    async def _press(
        self, space: Space, member: Member, message_id: str, number: int, event_id: str
    ) -> None:
        pending = self.pending.get(space.ref.id, message_id)
        assert pending is not None
        button = pending.buttons[number - 1]
        await self.bot.receive_press(
            ButtonPress(
                space=space,
                member=member,
                action=button.action,
                value=button.value,
                event_id=event_id,
                message_id=message_id,
                thread_id=pending.thread_id,
            )
        )

    def _space(self, room: nio.MatrixRoom) -> Space:
        space = self._spaces.get(room.room_id)
        if space is None:
            space = self._spaces[room.room_id] = Space(
                SpaceRef(PLATFORM, room.room_id),
                name=room.display_name,
                is_direct=self.direct.is_direct(room.room_id),
            )
        return space

    # --- invites and encrypted rooms -------------------------------------------------------
    def may_invite(self, inviter: str) -> bool:
        """Whether invites from ``inviter`` are accepted (see ``MatrixConfig``)."""
        server = inviter.partition(":")[2]
        allowed = self.config.allowed_inviters
        servers = self.config.allowed_servers
        if not allowed and not servers:
            return server == self.user_id.partition(":")[2]
        return inviter in allowed or server in servers

    async def _on_invite(self, room_id: str, invite: nio.InviteInfo) -> None:
        if room_id in self._invites_handled:
            return
        self._invites_handled.add(room_id)
        mine = next(
            (
                event
                for event in invite.invite_state
                if isinstance(event, nio.InviteMemberEvent)
                and event.state_key == self.user_id
                and event.membership == "invite"
            ),
            None,
        )
        inviter = mine.sender if mine is not None else "an unknown member"
        if mine is None or not self.may_invite(inviter):
            log.warning(
                "matrix: refused the invite to %s from %s: not in adapters.matrix."
                "allowed_inviters or allowed_servers",
                room_id,
                inviter,
            )
            left = await self.client.room_leave(room_id)
            if not isinstance(left, nio.RoomLeaveResponse):
                log.warning("matrix: could not reject the invite to %s: %s", room_id, left)
            return
        joined = await self.client.join(room_id)
        if not isinstance(joined, nio.JoinResponse):
            log.warning("matrix: could not join %s (invited by %s): %s", room_id, inviter, joined)
            self._invites_handled.discard(room_id)
            return
        log.info("matrix: joined %s, invited by %s", room_id, inviter)
        if mine.content.get("is_direct"):
            await self.direct.add(self.client, inviter, room_id)
            self._spaces.pop(room_id, None)

    async def _note_encrypted(self, room_id: str) -> None:
        self._encrypted_noted.add(room_id)
        log.warning(
            "matrix: room %s is end-to-end encrypted; salon cannot read it (told the room once)",
            room_id,
        )
        await self.bot.storage.set_state(self.state_key("encrypted"), sorted(self._encrypted_noted))
        self.bot.send(Outbound(md(ENCRYPTED_NOTICE), space=SpaceRef(PLATFORM, room_id)))

    # --- outbound --------------------------------------------------------------------------
    async def send(self, outbound: Outbound) -> Sent:
        return await self.sender.send(outbound)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}

"""The Matrix adapter: a matrix-nio client syncing one account into salon's core.

Rooms are spaces, ``m.direct`` rooms are DMs, members are ``@user:server``. The parts, each in
its own module: logging in (``login.py``), the sync loop and its stored position
(``syncing.py``), timeline events into the core (``inbound.py``), invites and encrypted rooms
(``rooms.py``), ``m.direct`` (``direct.py``), sending (``delivery.py``, rendering in
``render.py``), the media repository (``media.py``) and numbered choices (``buttons.py``).
See docs/adapters/matrix.md.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

import aiohttp
import nio

from salon.adapters.matrix import nio_patch
from salon.adapters.matrix.buttons import PendingButtons
from salon.adapters.matrix.config import MatrixConfig
from salon.adapters.matrix.delivery import Sender
from salon.adapters.matrix.direct import DirectRooms
from salon.adapters.matrix.inbound import Inbound
from salon.adapters.matrix.login import HomeserverUnavailable, log_in
from salon.adapters.matrix.media import Media
from salon.adapters.matrix.render import PLATFORM
from salon.adapters.matrix.rooms import Rooms
from salon.adapters.matrix.syncing import Syncer
from salon.core import Adapter, Bot, Capabilities, Outbound, RateLimits, Sent
from salon.core.aio import until_reachable
from salon.core.config import structure

log = logging.getLogger(__name__)


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
        files=True,
        deletes=True,
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
        nio_patch.install()  # nio's validation, compiled: same results, a fraction of the time
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
        self.pending = PendingButtons(bot.interactions)
        self.media = Media(self)
        self.direct = DirectRooms()
        self.sender = Sender(self)
        self.inbound = Inbound(self)
        self.rooms = Rooms(self)
        self.syncer = Syncer(self)

    def state_key(self, name: str) -> str:
        """A key in salon's state table, per bot account (switching accounts starts afresh)."""
        return f"matrix:{self.user_id}:{name}"

    @property
    def since(self) -> str | None:
        """The sync position handled so far."""
        return self.syncer.since

    @property
    def synced(self) -> Any:
        """An ``asyncio.Event`` set once a sync response has been handled."""
        return self.syncer.synced

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        # The homeserver down or the network not up yet: keep trying, say so once.
        await until_reachable(
            self._connect,
            unreachable=(aiohttp.ClientConnectionError, TimeoutError, HomeserverUnavailable),
            what=f"the Matrix homeserver at {self.config.homeserver}",
            logger=log,
        )

    async def _connect(self) -> None:
        await log_in(self)
        await self.rooms.load()
        await self.direct.load(self.client)
        names = [self.user_id, self.user_id[1:].split(":")[0]]
        profile = await self.client.get_displayname(self.user_id)
        if isinstance(profile, nio.ProfileGetDisplayNameResponse) and profile.displayname:
            names.append(profile.displayname)
        self.inbound.address_as(names)

    @property
    def receives_alone(self) -> bool:
        """One worker runs the ``/sync`` loop of the bot's account."""
        return True

    async def start_receiving(self) -> None:
        await until_reachable(
            self.syncer.start,  # from the stored ``since`` token
            unreachable=(aiohttp.ClientConnectionError, TimeoutError, HomeserverUnavailable),
            what=f"the Matrix homeserver at {self.config.homeserver}",
            logger=log,
        )

    async def stop_receiving(self) -> None:
        await self.syncer.stop()

    async def stop(self) -> None:
        await self.stop_receiving()
        await self.media.close()
        await self.client.close()

    # --- one sync response -----------------------------------------------------------------
    async def process(self, response: nio.SyncResponse, *, history: bool = False) -> None:
        """Handle a sync response nio has already applied to its room state.

        :param history: the first sync ever: join and look around, but answer nothing.
        """
        rooms = response.rooms
        for room_id, invite in rooms.invite.items():
            await self.rooms.on_invite(room_id, invite)
        for room_id in rooms.leave:
            self.inbound.forget_space(room_id)
        client_rooms = self.client.rooms
        handled = False
        for room_id, joined in rooms.join.items():
            room = client_rooms.get(room_id)
            if room is None:
                continue
            if joined.state:
                self.inbound.forget_space(room_id)
            if room.encrypted:
                await self.rooms.note_encrypted(room_id)
            if history:
                continue
            # A room the bot has just joined comes with its history: only what follows the
            # bot's own join is for it.
            for event in self.inbound.after_own_join(joined.timeline.events):
                try:
                    handled = await self.inbound.on_event(room, event) or handled
                except Exception as error:  # one bad event must not cost the rest of the batch
                    handled = True
                    await self.bot.report_error(error, f"matrix event in {room_id}")
        for event in response.account_data_events:
            source = getattr(event, "source", None) or {}
            if source.get("type") == "m.direct":
                self.direct.update(source.get("content") or {})
                self.inbound.forget_spaces()
        # A batch that carried something for the core is saved at once, so a restart does not
        # hand it over again (read-only commands are not in the core's event ledger).
        await self.syncer.remember(response.next_batch, now=history or handled)

    # --- outbound --------------------------------------------------------------------------
    async def send(self, outbound: Outbound) -> Sent:
        return await self.sender.send(outbound)

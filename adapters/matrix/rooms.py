"""The rooms the bot is in: invites it accepts or refuses, and encrypted rooms it cannot read."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import nio

from salon.adapters.matrix.render import PLATFORM
from salon.core import Outbound, SpaceRef, texts

if TYPE_CHECKING:
    from salon.adapters.matrix.adapter import MatrixAdapter

log = logging.getLogger(__name__)

ENCRYPTED_KEY = "encrypted"


class Rooms:
    """Invite policy (``MatrixConfig.allowed_inviters``/``allowed_servers``) and E2E notices."""

    def __init__(self, adapter: MatrixAdapter) -> None:
        self.adapter = adapter
        self.encrypted_noted: set[str] = set()
        self._invites_handled: set[str] = set()

    async def load(self) -> None:
        """Read which encrypted rooms were told already (so a restart does not repeat it)."""
        storage = self.adapter.bot
        self.encrypted_noted = set(
            await storage.get_state(self.adapter.state_key(ENCRYPTED_KEY), [])
        )

    def may_invite(self, inviter: str) -> bool:
        """Whether invites from ``inviter`` are accepted (see ``MatrixConfig``)."""
        config = self.adapter.config
        server = inviter.partition(":")[2]
        if not config.allowed_inviters and not config.allowed_servers:
            return server == self.adapter.user_id.partition(":")[2]
        return inviter in config.allowed_inviters or server in config.allowed_servers

    async def on_invite(self, room_id: str, invite: nio.InviteInfo) -> None:
        """Join ``room_id`` if an allowed member invited the bot, else reject the invite."""
        if room_id in self._invites_handled:
            return
        self._invites_handled.add(room_id)
        adapter = self.adapter
        client = adapter.client
        mine = next(
            (
                event
                for event in invite.invite_state
                if isinstance(event, nio.InviteMemberEvent)
                and event.state_key == adapter.user_id
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
            left = await client.room_leave(room_id)
            if not isinstance(left, nio.RoomLeaveResponse):
                log.warning("matrix: could not reject the invite to %s: %s", room_id, left)
            return
        joined = await client.join(room_id)
        if not isinstance(joined, nio.JoinResponse):
            log.warning("matrix: could not join %s (invited by %s): %s", room_id, inviter, joined)
            self._invites_handled.discard(room_id)
            return
        log.info("matrix: joined %s, invited by %s", room_id, inviter)
        if mine.content.get("is_direct"):
            await adapter.direct.add(client, inviter, room_id)
            adapter.inbound.forget_space(room_id)

    async def note_encrypted(self, room_id: str) -> None:
        """Tell an encrypted room, once ever, that the bot cannot read it."""
        if room_id in self.encrypted_noted:
            return
        self.encrypted_noted.add(room_id)
        log.warning(
            "matrix: room %s is end-to-end encrypted; salon cannot read it (told the room once)",
            room_id,
        )
        adapter = self.adapter
        await adapter.bot.set_state(adapter.state_key(ENCRYPTED_KEY), sorted(self.encrypted_noted))
        adapter.bot.send(Outbound(texts.encrypted_space("room"), space=SpaceRef(PLATFORM, room_id)))

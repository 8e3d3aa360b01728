"""An in-memory adapter: inbound events injected by code, outbound messages recorded.

Used by ``salon.core.testing`` (the plugin-author harness) and by the benchmarks. It renders
with the plain renderer, as the console does.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from salon.core.adapter import Adapter, Capabilities
from salon.core.errors import DeliveryError
from salon.core.model import (
    Attachment,
    Member,
    MemberRef,
    Message,
    Outbound,
    Role,
    Sent,
    Space,
    SpaceRef,
)
from salon.core.rendering import render_plain

if TYPE_CHECKING:
    from salon.core.bot import Bot


@attrs.frozen
class Delivered:
    """One message the bot sent, as the in-memory platform received it."""

    outbound: Outbound
    text: str
    message_id: str

    @property
    def space(self) -> SpaceRef | None:
        return self.outbound.space

    @property
    def recipient(self) -> MemberRef | None:
        return self.outbound.recipient


class MemoryAdapter(Adapter):
    """Platform ``"memory"`` (name configurable): everything stays in this process."""

    platform: ClassVar[str] = "memory"
    capabilities: ClassVar[Capabilities] = Capabilities(
        threads=True,
        buttons=True,
        images=True,
        edits=True,
        direct_messages=True,
        files=True,
        deletes=True,
    )

    def __init__(self, bot: Bot, config: Any = None, env: Mapping[str, str] | None = None) -> None:
        super().__init__(bot, config, env or {})
        self.delivered: list[Delivered] = []
        #: Keep every delivery in ``delivered`` (off for long benchmarks; listeners still hear).
        self.keep_delivered = True
        self._ids = itertools.count(1)
        # Unique across restarts: the inbound ledger outlives the adapter.
        self._event_prefix = uuid.uuid4().hex[:8]
        self._event_ids = itertools.count(1)
        self.listeners: list[Callable[[Delivered], None]] = []
        self.changed = asyncio.Event()
        #: Members this platform cannot message (as Telegram refuses a DM before /start).
        self.unreachable: set[MemberRef] = set()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, outbound: Outbound) -> Sent:
        if outbound.recipient is not None and outbound.recipient in self.unreachable:
            raise DeliveryError("the member has not started a chat with the bot", unreachable=True)
        delivered = Delivered(outbound, render_plain(outbound.body), f"m{next(self._ids)}")
        if self.keep_delivered:
            self.delivered.append(delivered)
        for listener in self.listeners:
            listener(delivered)
        self.changed.set()
        space = outbound.space or SpaceRef(self.platform, f"dm-{outbound.recipient.id}")  # type: ignore[union-attr]
        return Sent(delivered.message_id, space)

    # --- building inbound events -----------------------------------------------------------
    def member(self, name: str, *, organiser: bool = False) -> Member:
        return Member(
            MemberRef(self.platform, name),
            display_name=name,
            role=Role.ORGANISER if organiser else Role.MEMBER,
        )

    def space(self, name: str = "general", *, direct: bool = False) -> Space:
        return Space(SpaceRef(self.platform, name), name=name, is_direct=direct)

    def dm_space(self, member: Member) -> Space:
        return self.space(f"dm-{member.ref.id}", direct=True)

    def message(
        self,
        member: Member,
        space: Space,
        text: str,
        *,
        event_id: str | None = None,
        attachments: tuple[Attachment, ...] = (),
        thread_id: str | None = None,
        reply_to: str | None = None,
    ) -> Message:
        return Message(
            space=space,
            author=member,
            text=text,
            event_id=event_id or f"{self._event_prefix}-{next(self._event_ids)}",
            attachments=attachments,
            thread_id=thread_id,
            reply_to=reply_to,
        )

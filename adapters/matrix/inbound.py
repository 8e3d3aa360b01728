"""Reading members' events: timeline events become ``Message``, ``ButtonPress`` and joins.

Also the text helpers this needs: reply fallbacks and leading addresses to the bot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import nio

from salon.adapters.matrix.buttons import Pending
from salon.adapters.matrix.render import PLATFORM, choice_number
from salon.core import ButtonPress, Member, MemberRef, Message, RecentEvents, Space, SpaceRef
from salon.core.interactions import EXPIRED

if TYPE_CHECKING:
    from salon.adapters.matrix.adapter import MatrixAdapter


class Inbound:
    """Hands one adapter's timeline events to the core, each event once."""

    def __init__(self, adapter: MatrixAdapter) -> None:
        self.adapter = adapter
        self.addressed = mention_pattern(["salon"])
        self._seen = RecentEvents()
        self._spaces: dict[str, Space] = {}

    def address_as(self, names: Iterable[str]) -> None:
        """The names a member may start a message with to address the bot."""
        self.addressed = mention_pattern(names)

    def forget_space(self, room_id: str) -> None:
        """Drop the cached ``Space`` of a room (its name or DM status changed)."""
        self._spaces.pop(room_id, None)

    def forget_spaces(self) -> None:
        self._spaces.clear()

    def space(self, room: nio.MatrixRoom) -> Space:
        space = self._spaces.get(room.room_id)
        if space is None:
            space = self._spaces[room.room_id] = Space(
                SpaceRef(PLATFORM, room.room_id),
                name=room.display_name,
                is_direct=self.adapter.direct.is_direct(room.room_id),
            )
        return space

    def after_own_join(self, events: list[Any]) -> list[Any]:
        """The events after the bot's own join, if it joined in this batch; else all of them.

        On joining, the homeserver sends the room's recent history in the same batch: it was
        written before the bot was there and is not answered.
        """
        user_id = self.adapter.user_id
        for index in range(len(events) - 1, -1, -1):
            event = events[index]
            if (
                isinstance(event, nio.RoomMemberEvent)
                and event.state_key == user_id
                and event.membership == "join"
                and event.prev_membership != "join"
            ):
                return events[index + 1 :]
        return events

    async def on_event(self, room: nio.MatrixRoom, event: Any) -> bool:
        """One timeline event of a joined room, as nio parsed it; whether the core got it."""
        sender = getattr(event, "sender", None)
        event_id = getattr(event, "event_id", None)
        if sender is None or event_id is None:  # nio's UnknownBadEvent: nothing to act on
            return False
        if sender == self.adapter.user_id or self._seen.check_and_add(PLATFORM, event_id):
            return False
        if isinstance(event, nio.RoomMessageText):
            await self._on_text(room, event)
        elif isinstance(event, nio.RoomMessageFile):
            await self._on_file(room, event)
        elif isinstance(event, nio.ReactionEvent):
            await self._on_reaction(room, event)
        elif isinstance(event, nio.RoomMemberEvent):
            self.forget_space(room.room_id)
            if event.membership == "join" and event.prev_membership != "join":
                name = event.content.get("displayname") or event.state_key
                member = Member(MemberRef(PLATFORM, event.state_key), name)
                await self.adapter.bot.receive_join(member, self.space(room))
        elif isinstance(event, nio.MegolmEvent):
            await self.adapter.rooms.note_encrypted(room.room_id)
            return False
        else:
            if getattr(event, "source", {}).get("state_key") is not None:
                self.forget_space(room.room_id)  # name or topic changed
            return False
        return True

    async def _on_text(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> None:
        adapter = self.adapter
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
        space = self.space(room)
        author = _author(room, event.sender)
        if choice_number(text, 999) is not None:  # looks like a choice: which message's?
            latest = await adapter.pending.latest(room.room_id)
            if latest is not None:
                number = choice_number(text, len(latest.buttons))
                if number is not None:
                    await self._press(space, author, latest, number, event.event_id)
                    return
        addressed = space.is_direct
        user_ids = _mapping(content.get("m.mentions")).get("user_ids")
        mentioned = isinstance(user_ids, list) and adapter.user_id in user_ids
        if mentioned or not addressed:
            stripped = self.addressed.sub("", text, count=1)
            if stripped != text:
                text, addressed = stripped, True
            addressed = addressed or mentioned
        await adapter.bot.receive(
            Message(
                space=space,
                author=author,
                text=text,
                event_id=event.event_id,
                addressed=addressed,
                thread_id=thread_id,
                message_id=event.event_id,
                received_at=datetime.fromtimestamp(event.server_timestamp / 1000, UTC),
                reply_to=_replied_to(relates),
            )
        )

    async def _on_file(self, room: nio.MatrixRoom, event: nio.RoomMessageFile) -> None:
        """An ``m.file`` message: a Message with the file as its attachment (its caption, if
        the client sent one, as the text)."""
        content = _mapping(event.source.get("content"))
        attachment = self.adapter.media.attachment(content)
        if attachment is None:
            return
        filename = content.get("filename")
        body = event.body if isinstance(filename, str) and filename != event.body else ""
        space = self.space(room)
        await self.adapter.bot.receive(
            Message(
                space=space,
                author=_author(room, event.sender),
                text=body,
                event_id=event.event_id,
                addressed=space.is_direct,
                message_id=event.event_id,
                received_at=datetime.fromtimestamp(event.server_timestamp / 1000, UTC),
                attachments=(attachment,),
            )
        )

    async def _on_reaction(self, room: nio.MatrixRoom, event: nio.ReactionEvent) -> None:
        number = choice_number(event.key, 10)
        if number is None:
            return
        pending = await self.adapter.pending.get(room.room_id, event.reacts_to)
        if pending is None or number > len(pending.buttons):
            return
        author = _author(room, event.sender)
        await self._press(self.space(room), author, pending, number, event.event_id)

    async def _press(
        self, space: Space, member: Member, pending: Pending, number: int, event_id: str
    ) -> None:
        button = pending.buttons[number - 1]
        expired = pending.expired
        await self.adapter.bot.receive_press(
            ButtonPress(
                space=space,
                member=member,
                action=EXPIRED if expired else button.action,
                value="" if expired else button.value,
                event_id=event_id,
                message_id=pending.event_id,
                thread_id=pending.thread_id,
            )
        )


def strip_reply_fallback(body: str) -> str:
    """Drop the ``> <@u:s> quoted`` lines older clients put before a reply's own text.

    https://spec.matrix.org/v1.11/client-server-api/#fallbacks-for-rich-replies
    """
    lines = body.split("\n")
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    if index and index < len(lines) and lines[index] == "":
        index += 1
    return "\n".join(lines[index:]) if index else body


def mention_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """Matches a leading address to the bot: ``salon: help``, ``@salon:example.org, help``."""
    alternatives = "|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True))
    return re.compile(rf"^\s*@?(?:{alternatives})\s*[:,]?\s+", re.IGNORECASE)


def _author(room: nio.MatrixRoom, user_id: str) -> Member:
    return Member(MemberRef(PLATFORM, user_id), room.user_name(user_id) or user_id)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _replied_to(relates: Mapping[str, Any]) -> str | None:
    """The event a reply answers (``m.in_reply_to``), unless it is a thread's fallback."""
    if relates.get("is_falling_back"):
        return None
    event_id = _mapping(relates.get("m.in_reply_to")).get("event_id")
    return event_id if isinstance(event_id, str) else None

"""Members the bot cannot write to first, and what salon does about it.

A bot may message a user privately only after the user pressed *Start*; before that Telegram
answers 403 ``bot can't initiate conversation with a user``. A deep link
(https://core.telegram.org/bots/features#deep-linking) opens the chat with the *Start* button.
When a direct message fails that way:

- the organisers (``community.organisers``, on any platform) get a direct message naming the
  member, with the deep link ``https://t.me/<bot>?start=hello`` to pass on;
- the member gets the same link in the group the next time they speak there;
- the missed messages are kept (in memory, the last few per member) and delivered when the
  member presses *Start*.

This object is registered as a plugin (``telegram.reachability``) for the core's
``delivery_failed`` hook while the adapter runs.
"""

from __future__ import annotations

import logging
import weakref
from collections import OrderedDict, deque
from typing import TYPE_CHECKING

from salon.core import DeliveryError, Member, MemberRef, Outbound, Space, hookimpl, texts

if TYPE_CHECKING:
    from salon.core import Bot

log = logging.getLogger(__name__)

PLATFORM = "telegram"
START_CODE = "hello"
#: What a member does in the private chat the deep link opens.
START_STEP = "press Start"
_MISSED_PER_MEMBER = 20
_REMEMBERED_MEMBERS = 1000


class Reachability:
    """Tracks unreachable members; tells organisers; hands back missed messages on *Start*."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.bot_username = ""
        self._names: OrderedDict[str, str] = OrderedDict()
        self._missed: OrderedDict[str, deque[Outbound]] = OrderedDict()
        self._to_remind: set[str] = set()
        self._notices: weakref.WeakSet[Outbound] = weakref.WeakSet()

    @property
    def deep_link(self) -> str:
        """``https://t.me/<bot>?start=hello``: opens the private chat with a *Start* button."""
        return f"https://t.me/{self.bot_username}?start={START_CODE}"

    def seen(self, member: Member) -> None:
        """Remember a member's name, for notices about them."""
        member_id = member.ref.id
        if self._names.get(member_id) != member.display_name:
            self._names[member_id] = member.display_name
            self._names.move_to_end(member_id)
            if len(self._names) > _REMEMBERED_MEMBERS:
                self._names.popitem(last=False)

    def needs_reminder(self, member_id: str) -> bool:
        return member_id in self._to_remind

    def reminder(self, member: Member, space: Space, thread_id: str | None) -> Outbound:
        """The one-time nudge in a group for a member who has not started the bot."""
        self._to_remind.discard(member.ref.id)
        return Outbound(
            texts.messages_waiting(member, "Telegram", self.deep_link, START_STEP),
            space=space.ref,
            thread_id=thread_id,
        )

    def started(self, member_id: str) -> list[Outbound]:
        """The member pressed *Start*: the messages they missed, to send again."""
        self._to_remind.discard(member_id)
        return list(self._missed.pop(member_id, ()))

    @hookimpl
    async def delivery_failed(self, outbound: Outbound, error: DeliveryError, bot: Bot) -> None:
        if outbound.platform != PLATFORM or not error.unreachable:
            return
        if outbound in self._notices:
            log.warning("could not tell an organiser about an unreachable member: %s", error)
            return
        target = outbound.recipient or MemberRef(PLATFORM, outbound.space.id)  # type: ignore[union-attr]
        missed = self._missed.setdefault(target.id, deque(maxlen=_MISSED_PER_MEMBER))
        missed.append(outbound)
        if len(self._missed) > _REMEMBERED_MEMBERS:
            self._missed.popitem(last=False)
        first_time = target.id not in self._to_remind
        self._to_remind.add(target.id)
        if first_time:
            await self._tell_organisers(target, error)

    async def _tell_organisers(self, member: MemberRef, error: DeliveryError) -> None:
        organisers = [ref for ref in self.bot.config.organiser_refs() if ref != member]
        if not organisers:
            log.warning(
                "telegram member %s is unreachable (%s) and no organisers are configured",
                member.id,
                error.reason,
            )
            return
        name = self._names.get(member.id, f"Telegram user {member.id}")
        body = texts.member_unreachable(member, name, "Telegram", self.deep_link, START_STEP)
        async with self.bot.transaction() as tx:  # durable: the notice survives a restart
            for organiser in sorted(organisers, key=str):
                notice = Outbound(body, recipient=organiser)
                self._notices.add(notice)
                tx.send(notice)

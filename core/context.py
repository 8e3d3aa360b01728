"""What a handler gets: who and where, how to reply, and one transaction.

Replies and other effects are buffered and leave only after the handler's transaction commits,
so a member is never told "saved" about something that rolled back, and a redelivered event
that turns out to be a duplicate sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.markup import Markup, Part, md
from salon.core.model import (
    Attachment,
    Button,
    File,
    Form,
    Image,
    Member,
    MemberRef,
    Message,
    Outbound,
    Person,
    Sent,
    Space,
)

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.commands import Command
    from salon.core.scheduler import Job

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[Any] | Any]


def _body(parts: tuple[Part, ...]) -> Markup:
    if len(parts) == 1 and isinstance(parts[0], Markup):
        return parts[0]
    return md(*parts)


class Effects:
    """Buffered outbound messages and after-commit callbacks, flushed together."""

    __slots__ = ("_after", "bot", "outbox")

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.outbox: list[Outbound] = []
        self._after: list[AfterCommit] = []

    def send(self, outbound: Outbound) -> None:
        """Queue a message; it leaves after the transaction commits."""
        self.outbox.append(outbound)

    def send_direct(
        self,
        member: MemberRef,
        *parts: Part,
        buttons: tuple[Button, ...] = (),
        image: Image | None = None,
        form: Form | None = None,
        files: tuple[File, ...] = (),
    ) -> None:
        """Queue a direct message to ``member`` (the adapter opens the DM).

        ``form`` is shown only where the platform has ``Capabilities.forms``.
        """
        self.outbox.append(
            Outbound(
                _body(parts),
                recipient=member,
                buttons=buttons,
                image=image,
                form=form,
                files=files,
            )
        )

    def delete(self, sent: Sent) -> None:
        """Delete a message the bot sent earlier (where the platform can)."""
        self.outbox.append(Outbound.deletion(sent))

    async def read_file(
        self, attachment: Attachment, *, allowed: Collection[str] | None = None
    ) -> bytes:
        """Download a file a member sent, within ``[files] max_bytes``; a ``UserError`` (a
        sentence for the member) if it is too large or not one of the ``allowed`` MIME types."""
        from salon.core.files import read_attachment

        limit = self.bot.config.files.max_bytes
        return await read_attachment(attachment, max_bytes=limit, allowed=allowed)

    async def read_document(self, attachment: Attachment) -> tuple[str, ...]:
        """A ``.txt``, ``.md`` or ``.docx`` file a member sent, as plain paragraphs; a
        ``UserError`` if it is too large, of another type, or cannot be read."""
        from salon.core.documents import read_paragraphs

        files = self.bot.config.files
        return await read_paragraphs(
            attachment, max_bytes=files.max_bytes, max_unpacked_bytes=files.max_unpacked_bytes
        )

    def send_to(
        self,
        person: Person,
        *parts: Part,
        buttons: tuple[Button, ...] = (),
        image: Image | None = None,
        form: Form | None = None,
    ) -> None:
        """Queue a direct message to ``person``: to the account they prefer (``dm here``),
        else the one they last wrote from. If that platform reports them unreachable, salon
        tries their other accounts (see ``docs/community.md``).

        ``form`` is shown only where the platform has ``Capabilities.forms``.
        """
        accounts = [a for a in person.dm_accounts() if a not in self.bot.people.unreachable]
        target = accounts[0] if accounts else person.dm_account
        self.send_direct(target, *parts, buttons=buttons, image=image, form=form)

    def announce(
        self,
        *parts: Part,
        group: str | None = None,
        buttons: tuple[Button, ...] = (),
        image: Image | None = None,
    ) -> int:
        """Queue one message to every community space (or to the spaces of ``group``, e.g.
        ``"announcements"``); each adapter renders it natively. Returns how many spaces."""
        body = _body(parts)
        spaces = self.bot.spaces.joined(group)
        for space in spaces:
            self.outbox.append(Outbound(body, space=space.ref, buttons=buttons, image=image))
        return len(spaces)

    def after_commit(self, callback: AfterCommit) -> None:
        """Run ``callback`` once the transaction has committed (e.g. to fire a hook)."""
        self._after.append(callback)

    def _enqueue(self) -> None:
        for outbound in self.outbox:
            self.bot.outbound.enqueue(outbound)

    def discard(self) -> None:
        self.outbox.clear()
        self._after.clear()

    async def flush(self) -> None:
        """Hand the buffered messages to the send queues, then run the callbacks."""
        self._enqueue()
        self.outbox = []
        after, self._after = self._after, []
        for callback in after:
            try:
                result = callback()
                if isinstance(result, Awaitable):
                    await result
            except Exception as error:
                await self.bot.report_error(error, "after-commit callback")


class Context(Effects):
    """The context of one inbound event: a command, a button press or a plain message.

    :ivar member: the account it came from (with the person's role).
    :ivar person: the person behind that account, with every linked account; feature data
        is keyed on ``ctx.person.id``.
    :ivar space: where it was sent.
    :ivar message: the message, when the event is one.
    :ivar command: the command being run, if any.
    """

    __slots__ = (
        "_recorded",
        "command",
        "event_id",
        "member",
        "message",
        "person",
        "space",
        "thread_id",
    )

    def __init__(
        self,
        bot: Bot,
        member: Member,
        space: Space,
        event_id: str,
        *,
        person: Person,
        message: Message | None = None,
        command: Command | None = None,
        thread_id: str | None = None,
    ) -> None:
        super().__init__(bot)
        self.member = member
        self.person = person
        self.space = space
        self.event_id = event_id
        self.message = message
        self.command = command
        self.thread_id = thread_id
        self._recorded = False

    def reply(
        self,
        *parts: Part,
        buttons: tuple[Button, ...] = (),
        image: Image | None = None,
        form: Form | None = None,
        files: tuple[File, ...] = (),
    ) -> None:
        """Reply where the event came from (in its thread, if any).

        ``form`` is shown only where the platform has ``Capabilities.forms``; ``files`` are
        uploaded where it has ``Capabilities.files`` and named in the text elsewhere.
        """
        self.outbox.append(
            Outbound(
                _body(parts),
                space=self.space.ref,
                buttons=buttons,
                image=image,
                thread_id=self.thread_id,
                form=form,
                files=files,
            )
        )

    def edit(self, message_id: str, *parts: Part, buttons: tuple[Button, ...] = ()) -> None:
        """Replace an earlier bot message in this space (e.g. after a button was pressed);
        the message shows ``buttons`` afterwards (none if none are given)."""
        self.outbox.append(
            Outbound(_body(parts), space=self.space.ref, buttons=buttons, edit_of=message_id)
        )

    def now(self) -> datetime:
        return self.bot.clock.now()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One transaction that also records this event in the inbound ledger.

        If the platform delivered this event before, ``AlreadyHandled`` is raised inside and
        the router drops the event quietly, replies included.
        """
        async with self.bot.storage.transaction() as connection:
            if not self._recorded:
                await self.bot.storage.record_event(
                    connection, self.space.ref.platform, self.event_id, self.now()
                )
            yield connection
        self._recorded = True


class JobContext(Effects):
    """The context of one scheduled run. ``db`` is the run's transaction, already open."""

    __slots__ = ("db", "job", "outbox_ids")

    def __init__(self, bot: Bot, job: Job, db: AsyncConnection) -> None:
        super().__init__(bot)
        self.job = job
        self.db = db
        #: Ids of the durable outbox rows of ``outbox`` (set when the run's rows are stored).
        self.outbox_ids: list[str] = []

    def _enqueue(self) -> None:
        for index, outbound in enumerate(self.outbox):
            outbox_id = self.outbox_ids[index] if index < len(self.outbox_ids) else None
            self.bot.outbound.enqueue(outbound, outbox_id)

    def now(self) -> datetime:
        return self.bot.clock.now()

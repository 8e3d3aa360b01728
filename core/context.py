"""What a handler gets: who and where, how to reply, and one transaction.

Replies and other effects are buffered and leave only after the handler's transaction commits,
so a member is never told "saved" about something that rolled back, and a redelivered event
that turns out to be a duplicate sends nothing. Each send method returns a ``SendHandle``:
``await handle.sent()`` (after the handler) gives the ``Sent``, to edit or delete it later.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.errors import AlreadyHandled, SalonError
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
    SpaceRef,
)
from salon.core.outbound import SendHandle

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

    __slots__ = ("_after", "bot", "handles", "outbox", "outbox_ids")

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.outbox: list[Outbound] = []
        #: One handle per message of ``outbox``, in the same order.
        self.handles: list[SendHandle] = []
        #: Outbox row ids of the first messages of ``outbox``: those stored in a committed
        #: transaction, so they are sent even after a crash.
        self.outbox_ids: list[str] = []
        self._after: list[AfterCommit] = []

    def _buffer(self, outbound: Outbound) -> SendHandle:
        handle = SendHandle()
        self.outbox.append(outbound)
        self.handles.append(handle)
        return handle

    def send(self, outbound: Outbound) -> SendHandle:
        """Queue a message; it leaves after the transaction commits.

        ``await`` the returned handle's ``sent()`` after the handler to get the ``Sent``.
        """
        return self._buffer(outbound)

    def send_direct(
        self,
        member: MemberRef,
        *parts: Part,
        buttons: tuple[Button, ...] = (),
        image: Image | None = None,
        form: Form | None = None,
        files: tuple[File, ...] = (),
    ) -> SendHandle:
        """Queue a direct message to ``member`` (the adapter opens the DM).

        ``form`` is shown only where the platform has ``Capabilities.forms``. Returns the
        message's ``SendHandle``.
        """
        return self._buffer(
            Outbound(
                _body(parts),
                recipient=member,
                buttons=buttons,
                image=image,
                form=form,
                files=files,
            )
        )

    def delete(self, sent: Sent) -> SendHandle:
        """Delete a message the bot sent earlier (where the platform can)."""
        return self._buffer(Outbound.deletion(sent))

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

    def send_to_space(
        self,
        space: SpaceRef,
        *parts: Part,
        buttons: tuple[Button, ...] = (),
        image: Image | None = None,
        thread_id: str | None = None,
        files: tuple[File, ...] = (),
    ) -> SendHandle:
        """Queue a message to ``space`` (e.g. from a job: ``ctx.send_to_space(space, "Hello")``);
        returns its ``SendHandle``."""
        return self._buffer(
            Outbound(
                _body(parts),
                space=space,
                buttons=buttons,
                image=image,
                thread_id=thread_id,
                files=files,
            )
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
        self.send_direct(self.dm_target(person), *parts, buttons=buttons, image=image, form=form)

    def dm_target(self, person: Person) -> MemberRef:
        """The account a direct message to ``person`` goes to: the one they prefer, else the
        one they last wrote from, skipping platforms that reported them unreachable."""
        accounts = [a for a in person.dm_accounts() if a not in self.bot.people.unreachable]
        return accounts[0] if accounts else person.dm_account

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
            self._buffer(Outbound(body, space=space.ref, buttons=buttons, image=image))
        return len(spaces)

    def after_commit(self, callback: AfterCommit) -> None:
        """Run ``callback`` once the transaction has committed (e.g. to fire a hook)."""
        self._after.append(callback)

    def _enqueue(self) -> None:
        for index, outbound in enumerate(self.outbox):
            outbox_id = self.outbox_ids[index] if index < len(self.outbox_ids) else None
            self.bot.outbound.enqueue(outbound, outbox_id, self._handle(index))

    def _handle(self, index: int) -> SendHandle | None:
        return self.handles[index] if index < len(self.handles) else None

    def discard(self) -> None:
        """Drop what is buffered, except messages already stored by a committed transaction."""
        kept = len(self.outbox_ids)
        for handle in self.handles[kept:]:
            handle._settle(None, SalonError("not sent: the transaction rolled back"))
        del self.outbox[kept:]
        del self.handles[kept:]
        self._after.clear()

    async def flush(self) -> None:
        """Hand the buffered messages to the send queues, then run the callbacks."""
        self._enqueue()
        self.outbox = []
        self.handles = []
        self.outbox_ids = []
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
    ) -> SendHandle:
        """Reply where the event came from (in its thread, if any).

        ``form`` is shown only where the platform has ``Capabilities.forms``; ``files`` are
        uploaded where it has ``Capabilities.files`` and named in the text elsewhere. Returns
        the reply's ``SendHandle``.
        """
        return self._buffer(
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

    def edit(self, message_id: str, *parts: Part, buttons: tuple[Button, ...] = ()) -> SendHandle:
        """Replace an earlier bot message in this space (e.g. after a button was pressed);
        the message shows ``buttons`` afterwards (none if none are given)."""
        return self._buffer(
            Outbound(_body(parts), space=self.space.ref, buttons=buttons, edit_of=message_id)
        )

    def now(self) -> datetime:
        return self.bot.clock.now()

    async def flush(self) -> None:
        """Hand the replies to the send queues, then run the callbacks.

        With several workers on one database (``storage.shared``), replies not yet stored are
        first written to the outbox; for an event no transaction recorded (``help``, ``ping``)
        that write also claims the answer, so a redelivery that reached another worker is not
        answered twice, and an answer claimed is sent even if this worker dies.
        """
        if self.bot.storage.shared and len(self.outbox) > len(self.outbox_ids):
            try:
                await self._store_replies()
            except AlreadyHandled:
                self.discard()
                return
        await super().flush()

    async def _store_replies(self) -> None:
        owed = self.outbox[len(self.outbox_ids) :]
        storage = self.bot.storage
        async with storage.transaction() as connection:
            if not self._recorded:
                platform = self.space.ref.platform
                if not await storage.claim_reply(connection, platform, self.event_id, self.now()):
                    raise AlreadyHandled(f"{platform}:{self.event_id}")
            stored = []
            if self.bot.config.commands.durable_replies:
                stored = await self.bot.outbox.store(connection, owed, self.now())
        self.outbox_ids += stored
        self._recorded = True

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One transaction that also records this event in the inbound ledger.

        If the platform delivered this event before, ``AlreadyHandled`` is raised inside and
        the router drops the event quietly, replies included. The replies buffered by the end
        of the block are stored in the durable outbox in the same transaction (unless
        ``commands.durable_replies`` is off): an event the ledger marks as handled has its
        answer sent even if salon crashes right after.
        """
        stored: list[str] = []
        async with self.bot.storage.transaction() as connection:
            if not self._recorded:
                await self.bot.storage.record_event(
                    connection, self.space.ref.platform, self.event_id, self.now()
                )
            yield connection
            if self.bot.config.commands.durable_replies:
                owed = self.outbox[len(self.outbox_ids) :]
                stored = await self.bot.outbox.store(connection, owed, self.now())
        self.outbox_ids += stored
        self._recorded = True


class Transaction(Effects):
    """One transaction with durable sends (``bot.transaction()``, and every ``JobContext``).

    What it sends (``send``, ``send_direct``, ``send_to_space``) is written to the durable
    outbox in the same transaction and leaves after the commit, so a crash between the two
    loses nothing; if the transaction rolls back, nothing is sent.

    :ivar db: the open transaction (``await tx.db.execute(...)``).
    """

    __slots__ = ("db",)

    def __init__(self, bot: Bot, db: AsyncConnection) -> None:
        super().__init__(bot)
        self.db = db

    def now(self) -> datetime:
        return self.bot.clock.now()


class JobContext(Transaction):
    """The context of one scheduled run. ``db`` is the run's transaction, already open."""

    __slots__ = ("job",)

    def __init__(self, bot: Bot, job: Job, db: AsyncConnection) -> None:
        super().__init__(bot, db)
        self.job = job

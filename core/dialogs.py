"""Dialogs: a multi-step conversation with one member in a direct message.

A plugin declares a ``Dialog`` (its questions and what to do with the answers) through the
``register_dialogs`` hook and starts it with ``await bot.dialogs.start(ctx, "myplugin.intake",
member_ref)``. salon then asks the questions one by one in the member's DM and hands the answers
to the dialog's ``on_done`` — always to the plugin that asked, whatever other plugins listen to
``message_received``. Where the platform shows forms (``Capabilities.forms``) the first message
also offers all questions at once as a ``Form``.

The conversation's state is a row in the database, changed in the transaction that records the
member's reply, so a restart loses nothing and a redelivered reply is not applied twice. A
dialog not finished within ``expires`` is closed by a scheduled job, which tells the member.
A member has at most one open dialog; starting another replaces it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.aio import await_maybe
from salon.core.commands import Action, ArgType
from salon.core.errors import PluginError
from salon.core.markup import Markup, code, italic, lines, md
from salon.core.model import ButtonPress, Form, FormField, MemberRef, Message
from salon.core.scheduler import Job, JobHandler
from salon.core.storage import tables

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.context import Context, Effects, JobContext

log = logging.getLogger(__name__)

#: The job kind that closes expired dialogs, and the prefix of each dialog's form action.
EXPIRE_JOB = "salon.dialog.expire"
SUBMIT_ACTION = "salon.dialog:"
_PREFIX = "dialog:"


@attrs.frozen
class Question:
    """One question of a dialog.

    :param name: the key of the answer in ``Answers.values``.
    :param text: what the member is asked (plain text).
    :param optional: the member may answer with a skip word; the answer is then ``None``.
    :param multiline: in a form, a text area rather than a single line.
    :param type: an ``ArgType`` (``POSITIVE_INT``, ``DATE``, ``TIME``, ``DATETIME``,
        ``choice(...)``, ...) the answer must fit; a wrong one is explained and asked again,
        and ``on_done`` gets the parsed value (a ``zoned`` type on the member's clock). Plain
        text by default.
    """

    name: str
    text: str
    optional: bool = False
    multiline: bool = True
    type: ArgType | None = None

    def parse(
        self, answer: str | None, tz: ZoneInfo | None = None, now: datetime | None = None
    ) -> Any:
        """The answer as ``on_done`` gets it; ``ValueError`` with a sentence if it does not fit.

        A ``zoned`` type is parsed in ``tz`` (the member's zone) relative to ``now``.
        """
        if answer is None or self.type is None:
            return answer
        if self.type.zoned:
            return self.type.parse(answer, tz or ZoneInfo("UTC"), now or datetime.now(UTC))
        return self.type.parse(answer)


@attrs.frozen
class Answers:
    """What a member answered, handed to ``on_done`` (and ``on_expire``, as far as it got).

    :param member: who answered.
    :param values: each question's ``name`` → the answer (parsed by its ``type``), or
        ``None`` if skipped.
    :param data: what the plugin passed to ``start`` (e.g. the id of what is being asked about).
    """

    member: MemberRef
    values: Mapping[str, Any]
    data: Mapping[str, Any]


Finished = Callable[["Context", AsyncConnection, Answers], Awaitable[None] | None]
Expired = Callable[["JobContext", Answers], Awaitable[None] | None]


@attrs.frozen
class Dialog:
    """A series of questions asked in a member's DM.

    :param id: namespaced by convention (``"critique.intake"``).
    :param questions: asked in order.
    :param on_done: ``(ctx, db, answers)`` once the last question is answered; ``db`` is the
        transaction that also closes the dialog, so what it writes commits with it. Raising
        ``UserError`` tells the member why and keeps the dialog open at its last question.
    :param title: the first line of the first message and the form's title.
    :param expires: how long the member has to finish.
    :param on_expire: ``(ctx, answers)`` in the expiry job, after the member was told.
    :param skip_words: answers that skip an optional question.
    :param cancel_words: answers that close the dialog without ``on_done``.
    :param plugin: filled in by the core.
    """

    id: str
    questions: tuple[Question, ...]
    on_done: Finished
    title: str = ""
    expires: timedelta = timedelta(hours=24)
    on_expire: Expired | None = None
    skip_words: tuple[str, ...] = ("skip", "pass", "-")
    cancel_words: tuple[str, ...] = ("cancel", "stop", "quit")
    plugin: str = ""


@attrs.frozen
class _State:
    dialog: str
    step: int
    values: dict[str, str | None]
    data: dict[str, Any]
    expires_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "dialog": self.dialog,
            "step": self.step,
            "values": self.values,
            "data": self.data,
            "expires_at": self.expires_at.isoformat(),
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> _State:
        return cls(
            value["dialog"],
            int(value["step"]),
            dict(value["values"]),
            dict(value["data"]),
            datetime.fromisoformat(value["expires_at"]),
        )


def _key(member: MemberRef) -> str:
    return f"{_PREFIX}{member.platform}:{member.id}"


class Dialogs:
    """The registered dialogs and the members with one open (``bot.dialogs``)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.registered: dict[str, Dialog] = {}
        #: Members with an open dialog: the router looks here before anything else in a DM.
        self.open: set[MemberRef] = set()

    def add(self, dialog: Dialog) -> None:
        if dialog.id in self.registered:
            raise PluginError(
                f"dialog {dialog.id!r} is registered twice: by plugin "
                f"{self.registered[dialog.id].plugin!r} and by plugin {dialog.plugin!r}"
            )
        if not dialog.questions:
            raise PluginError(f"plugin {dialog.plugin!r}: dialog {dialog.id!r} has no questions")
        self.registered[dialog.id] = dialog

    def remove_plugin(self, plugin: str) -> None:
        """Forget ``plugin``'s dialogs (it was disabled); open ones wait for it."""
        self.registered = {k: d for k, d in self.registered.items() if d.plugin != plugin}

    def action_for(self, dialog: Dialog) -> Action:
        """The action that receives ``dialog``'s form (it goes when its plugin is disabled)."""
        return Action(SUBMIT_ACTION + dialog.id, self._submitted, plugin=dialog.plugin)

    def expiry_job(self) -> JobHandler:
        return JobHandler(EXPIRE_JOB, self._expire, plugin="salon")

    async def load(self) -> None:
        """At startup: every member with an open dialog is routed to it again."""
        async with self.bot.read() as db:
            rows = await db.execute(
                sa.select(tables.state.c.key).where(tables.state.c.key.startswith(_PREFIX))
            )
            for (key,) in rows:
                platform, _, member_id = key[len(_PREFIX) :].partition(":")
                self.open.add(MemberRef(platform, member_id))

    # --- starting --------------------------------------------------------------------------
    async def start(
        self,
        ctx: Effects,
        dialog_id: str,
        member: MemberRef,
        *,
        data: Mapping[str, Any] | None = None,
        db: AsyncConnection | None = None,
    ) -> None:
        """Open dialog ``dialog_id`` with ``member`` and ask its first question (in their DM).

        :param ctx: the handler's, hook's or job's context; the question leaves with its other
            messages, after the commit.
        :param data: JSON-serialisable values handed back in ``Answers.data``.
        :param db: the open transaction to write in; by default ``ctx``'s own (a ``Context``
            opens one; a ``Transaction`` or ``JobContext`` has ``ctx.db``).
        """
        dialog = self.registered.get(dialog_id)
        if dialog is None:
            raise PluginError(f"no dialog {dialog_id!r} is registered (see register_dialogs)")
        connection = db if db is not None else getattr(ctx, "db", None)
        if connection is None:
            async with ctx.transaction() as own:  # type: ignore[attr-defined]
                await self._open(ctx, dialog, member, dict(data or {}), own)
            return
        await self._open(ctx, dialog, member, dict(data or {}), connection)

    async def _open(
        self,
        ctx: Effects,
        dialog: Dialog,
        member: MemberRef,
        data: dict[str, Any],
        db: AsyncConnection,
    ) -> None:
        now = self.bot.clock.now()
        state = _State(dialog.id, 0, {}, data, now + dialog.expires)
        await self.bot.storage.set_state(_key(member), state.to_json(), db)
        await self.bot.scheduler.schedule(
            _key(member),
            EXPIRE_JOB,
            at=state.expires_at,
            payload={"platform": member.platform, "id": member.id},
            connection=db,
        )
        forms = self.bot.capabilities(member.platform).forms
        intro: list[Markup] = [md(dialog.title)] if dialog.title else []
        hint = _hint(dialog, forms)
        form = _form(dialog) if forms else None
        ctx.send_direct(member, lines(*intro, _question(dialog, 0), hint), form=form)
        ctx.after_commit(lambda: self.open.add(member))

    # --- answering -------------------------------------------------------------------------
    async def offer(self, ctx: Context, message: Message) -> bool:
        """A DM from a member with an open dialog: ``True`` if it was the dialog's answer."""
        member = ctx.member.ref
        async with ctx.transaction() as db:
            state = await self._state(db, member)
            dialog = None if state is None else self.registered.get(state.dialog)
            if state is None or dialog is None or state.expires_at <= ctx.now():
                # Closed meanwhile, expired (the job runs soon), or its plugin is disabled.
                ctx.after_commit(lambda: self.open.discard(member))
                return False
            text = message.text.strip()
            word = text.lower()
            if word in dialog.cancel_words:
                await self._close(db, member)
                ctx.reply("Cancelled; nothing was saved.")
                return True
            question = dialog.questions[state.step]
            if word in dialog.skip_words:
                if not question.optional:
                    ctx.reply(
                        lines(
                            md(
                                "This one can't be skipped; answer it, or send ",
                                code(dialog.cancel_words[0]),
                                " to stop.",
                            ),
                            _question(dialog, state.step),
                        )
                    )
                    return True
                answer: str | None = None
            else:
                answer = text
                problem = _problem(question, answer, ctx)
                if problem is not None:
                    ctx.reply(lines(problem, _question(dialog, state.step)))
                    return True
            values = {**state.values, question.name: answer}
            step = state.step + 1
            if step < len(dialog.questions):
                advanced = attrs.evolve(state, step=step, values=values)
                await self.bot.storage.set_state(_key(member), advanced.to_json(), db)
                ctx.reply(_question(dialog, step))
                return True
            await self._finish(ctx, db, dialog, member, values, state.data)
        return True

    async def _submitted(self, ctx: Context, press: ButtonPress) -> None:
        """The dialog's form was submitted: every answer at once."""
        member = ctx.member.ref
        async with ctx.transaction() as db:
            state = await self._state(db, member)
            dialog_id = press.action.removeprefix(SUBMIT_ACTION)
            dialog = self.registered.get(dialog_id)
            if state is None or dialog is None or state.dialog != dialog_id:
                ctx.reply("Those questions are closed already; nothing was changed.")
                return
            values: dict[str, str | None] = {}
            for question in dialog.questions:
                answer = (press.values.get(question.name) or "").strip()
                if not answer and not question.optional:
                    ctx.reply(md("Please answer ", italic(question.text), "."))
                    return
                problem = _problem(question, answer, ctx) if answer else None
                if problem is not None:
                    ctx.reply(md(italic(question.text), " "), problem)
                    return
                values[question.name] = answer or None
            await self._finish(ctx, db, dialog, member, values, state.data)

    async def _finish(
        self,
        ctx: Context,
        db: AsyncConnection,
        dialog: Dialog,
        member: MemberRef,
        values: dict[str, str | None],
        data: dict[str, Any],
    ) -> None:
        await self._close(db, member)
        ctx.after_commit(lambda: self.open.discard(member))
        parsed = _parsed(dialog, values, ctx.person.tz, ctx.now())
        await await_maybe(dialog.on_done(ctx, db, Answers(member, parsed, data)))

    # --- closing ---------------------------------------------------------------------------
    async def _state(self, db: AsyncConnection, member: MemberRef) -> _State | None:
        row = (
            await db.execute(
                sa.select(tables.state.c.value).where(tables.state.c.key == _key(member))
            )
        ).first()
        return None if row is None else _State.from_json(row[0])

    async def _close(self, db: AsyncConnection, member: MemberRef) -> None:
        await db.execute(tables.state.delete().where(tables.state.c.key == _key(member)))
        await self.bot.scheduler.cancel(_key(member), db)

    async def _expire(self, ctx: JobContext, job: Job) -> None:
        member = MemberRef(job.payload["platform"], job.payload["id"])
        state = await self._state(ctx.db, member)
        if state is None:
            return
        await ctx.db.execute(tables.state.delete().where(tables.state.c.key == _key(member)))
        ctx.after_commit(lambda: self.open.discard(member))
        dialog = self.registered.get(state.dialog)
        about = f" ({dialog.title})" if dialog is not None and dialog.title else ""
        ctx.send_direct(member, f"The questions I asked{about} have expired; nothing was saved.")
        if dialog is not None and dialog.on_expire is not None:
            person = await self.bot.people.of(member, ctx.db)
            tz = person.tz if person is not None else None
            try:
                values = _parsed(dialog, state.values, tz, ctx.now())
            except ValueError:  # fitted when given, not now (a time that has passed)
                values = dict(state.values)
            answers = Answers(member, values, state.data)
            await await_maybe(dialog.on_expire(ctx, answers))


def _parsed(
    dialog: Dialog,
    values: Mapping[str, str | None],
    tz: ZoneInfo | None,
    now: datetime | None,
) -> dict[str, Any]:
    """The answers given so far, each parsed by its question's type (checked on the way in)."""
    return {q.name: q.parse(values[q.name], tz, now) for q in dialog.questions if q.name in values}


def _problem(question: Question, answer: str, ctx: Context) -> Markup | None:
    try:
        question.parse(answer, ctx.person.tz, ctx.now())
    except ValueError as error:
        return md(f"{str(error)[:1].upper()}{str(error)[1:]}.")
    return None


def _question(dialog: Dialog, step: int) -> Markup:
    question = dialog.questions[step]
    count = len(dialog.questions)
    counter = f"({step + 1}/{count}) " if count > 1 else ""
    suffix = (
        md(" ", italic(f"({dialog.skip_words[0]} to leave it out)")) if question.optional else md()
    )
    return md(counter, question.text) + suffix


def _hint(dialog: Dialog, forms: bool) -> Markup:
    stop = md("Send ", code(dialog.cancel_words[0]), " to stop.")
    if forms:
        return md("Answer here one at a time, or all at once with the button. ") + stop
    return stop


def _form(dialog: Dialog) -> Form:
    fields = tuple(
        FormField(q.name, q.text, multiline=q.multiline, optional=q.optional)
        for q in dialog.questions
    )
    return Form(dialog.title or "Questions", fields, SUBMIT_ACTION + dialog.id)

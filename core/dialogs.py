"""Dialogs: a multi-step conversation with one member in a direct message.

A plugin declares a ``Dialog`` (its questions and what to do with the answers) through the
``register_dialogs`` hook and starts it with ``await bot.dialogs.start(ctx, "myplugin.intake",
person)`` (a ``Person``, or the ``MemberRef`` of the account to ask on). salon then asks the
questions one by one in the person's DM and hands the answers to the dialog's ``on_done`` —
always to the plugin that asked, whatever other plugins listen to ``message_received``. Where
the platform shows forms (``Capabilities.forms``) the first message also offers all questions at
once as a ``Form``.

A dialog belongs to the person, not to one account: a writer asked on Telegram may answer from
Slack. The conversation's state is a row in the database, changed in the transaction that
records the reply, so a restart loses nothing and a redelivered reply is not applied twice. A
dialog not finished within ``expires`` is closed by a scheduled job, which tells the person; a
dialog with ``expires=None`` stays open until the plugin closes it (``bot.dialogs.close``). A
person has at most one open dialog; starting another replaces it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
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
from salon.core.model import ButtonPress, Form, FormField, Member, MemberRef, Message, Person
from salon.core.scheduler import Job, JobHandler
from salon.core.storage import tables
from salon.core.storage.lists import in_batches, one_of

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.context import Context, Effects, JobContext

log = logging.getLogger(__name__)

#: The job kind that closes expired dialogs, and the prefix of each dialog's form action.
EXPIRE_JOB = "salon.dialog.expire"
SUBMIT_ACTION = "salon.dialog:"
_PREFIX = "dialog:person:"


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
    """What a person answered, handed to ``on_done`` (and ``on_expire``/``on_cancel``, as far
    as they got).

    :param member: the account the last answer came from (the one asked, on expiry).
    :param values: each question's ``name`` → the answer (parsed by its ``type``), or
        ``None`` if skipped.
    :param data: what the plugin passed to ``start`` (e.g. the id of what is being asked about).
    :param person_id: whose answers (``Person.id``).
    """

    member: MemberRef
    values: Mapping[str, Any]
    data: Mapping[str, Any]
    person_id: int = 0


Finished = Callable[["Context", AsyncConnection, Answers], Awaitable[None] | None]
Cancelled = Callable[["Context", AsyncConnection, Answers], Awaitable[None] | None]
Expired = Callable[["JobContext", Answers], Awaitable[None] | None]


@attrs.frozen
class Dialog:
    """A series of questions asked in a person's DM.

    :param id: namespaced by convention (``"critique.intake"``).
    :param questions: asked in order; ``start(questions=...)`` may ask others (say, the
        questions an organiser configured).
    :param on_done: ``(ctx, db, answers)`` once the last question is answered; ``db`` is the
        transaction that also closes the dialog, so what it writes commits with it. Raising
        ``UserError`` tells the member why and keeps the dialog open at its last question.
    :param title: the first line of the first message and the form's title.
    :param expires: how long the person has to finish; ``None``: until the plugin closes it.
    :param on_expire: ``(ctx, answers)`` in the expiry job, after the person was told.
    :param on_cancel: ``(ctx, db, answers)`` when the person sends a cancel word, in the
        transaction that closes the dialog; it replies itself. Without it salon replies
        "Cancelled; nothing was saved."
    :param skip_words: answers that skip an optional question.
    :param cancel_words: answers that close the dialog without ``on_done``.
    :param cancel_label: what a cancel word does, for the hint ("Send `cancel` to stop.").
    :param command_words: first words that stay commands while the dialog is open (``help``,
        say); everything else without the command prefix is an answer.
    :param plugin: filled in by the core.
    """

    id: str
    questions: tuple[Question, ...]
    on_done: Finished
    title: str = ""
    expires: timedelta | None = timedelta(hours=24)
    on_expire: Expired | None = None
    on_cancel: Cancelled | None = None
    skip_words: tuple[str, ...] = ("skip", "pass", "-")
    cancel_words: tuple[str, ...] = ("cancel", "stop", "quit")
    cancel_label: str = "stop"
    command_words: tuple[str, ...] = ()
    plugin: str = ""


@attrs.frozen
class Pending:
    """A person's open dialog, as ``bot.dialogs.pending`` reads it (to remind them, say).

    :param prompt: the open question as it was asked (``(2/3) ...``).
    """

    dialog: str
    step: int
    question: Question
    prompt: Markup
    data: Mapping[str, Any]


@attrs.frozen
class _State:
    dialog: str
    step: int
    values: dict[str, str | None]
    data: dict[str, Any]
    expires_at: datetime | None
    account: MemberRef
    questions: tuple[Question, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "dialog": self.dialog,
            "step": self.step,
            "values": self.values,
            "data": self.data,
            "expires_at": None if self.expires_at is None else self.expires_at.isoformat(),
            "account": [self.account.platform, self.account.id],
            "questions": None
            if self.questions is None
            else [[q.name, q.text, q.optional, q.multiline] for q in self.questions],
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> _State:
        expires = value.get("expires_at")
        questions = value.get("questions")
        return cls(
            value["dialog"],
            int(value["step"]),
            dict(value["values"]),
            dict(value["data"]),
            None if expires is None else datetime.fromisoformat(expires),
            MemberRef(*value["account"]),
            None
            if questions is None
            else tuple(Question(n, t, optional=o, multiline=m) for n, t, o, m in questions),
        )

    def questions_of(self, dialog: Dialog) -> tuple[Question, ...]:
        return dialog.questions if self.questions is None else self.questions


def _key(person_id: int) -> str:
    return f"{_PREFIX}{person_id}"


class Dialogs:
    """The registered dialogs and the people with one open (``bot.dialogs``)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.registered: dict[str, Dialog] = {}
        #: People with an open dialog (``Person.id``): the router looks here first in a DM.
        self.open: set[int] = set()

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
        """At startup: every person with an open dialog is routed to it again."""
        async with self.bot.read() as db:
            rows = await db.execute(
                sa.select(tables.state.c.key).where(tables.state.c.key.startswith(_PREFIX))
            )
            for (key,) in rows:
                self.open.add(int(key[len(_PREFIX) :]))

    # --- starting --------------------------------------------------------------------------
    async def start(
        self,
        ctx: Effects,
        dialog_id: str,
        who: Person | MemberRef,
        *,
        data: Mapping[str, Any] | None = None,
        db: AsyncConnection | None = None,
        questions: Sequence[Question] | None = None,
        intro: Markup | str | None = None,
    ) -> None:
        """Open dialog ``dialog_id`` with a person and ask its first question in their DM.

        :param ctx: the handler's, hook's or job's context; the question leaves with its other
            messages, after the commit.
        :param who: the ``Person`` (asked where they prefer direct messages), or the account
            to ask on (``ctx.member.ref``).
        :param data: JSON-serialisable values handed back in ``Answers.data``.
        :param db: the open transaction to write in; by default ``ctx``'s own (a ``Context``
            opens one; a ``Transaction`` or ``JobContext`` has ``ctx.db``).
        :param questions: ask these instead of the dialog's own (plain text: no ``type``).
        :param intro: the first line instead of the dialog's ``title``.
        """
        dialog = self._dialog(dialog_id, questions)
        asked = None if questions is None else tuple(questions)
        connection = db if db is not None else getattr(ctx, "db", None)
        if connection is None:
            async with ctx.transaction() as own:  # type: ignore[attr-defined]
                await self._start(ctx, dialog, who, dict(data or {}), own, asked, intro)
            return
        await self._start(ctx, dialog, who, dict(data or {}), connection, asked, intro)

    async def _start(
        self,
        ctx: Effects,
        dialog: Dialog,
        who: Person | MemberRef,
        data: dict[str, Any],
        db: AsyncConnection,
        questions: tuple[Question, ...] | None,
        intro: Markup | str | None,
    ) -> None:
        person, account = await self._target(db, who)
        if isinstance(who, Person):
            account = ctx.dm_target(person)
        await self._open(ctx, dialog, [(person, account)], data, db, questions, intro)

    async def start_many(
        self,
        ctx: Effects,
        dialog_id: str,
        people: Sequence[Person],
        *,
        db: AsyncConnection,
        data: Mapping[str, Any] | None = None,
        questions: Sequence[Question] | None = None,
        intro: Markup | str | None = None,
    ) -> None:
        """``start`` for many people at once, in a few statements (a scheduled round asking
        thousands); each is asked in their DM. Arguments as for ``start``."""
        dialog = self._dialog(dialog_id, questions)
        asked = None if questions is None else tuple(questions)
        targets = [(person, ctx.dm_target(person)) for person in people]
        await self._open(ctx, dialog, targets, dict(data or {}), db, asked, intro)

    def _dialog(self, dialog_id: str, questions: Sequence[Question] | None) -> Dialog:
        dialog = self.registered.get(dialog_id)
        if dialog is None:
            raise PluginError(f"no dialog {dialog_id!r} is registered (see register_dialogs)")
        if questions is not None and (not questions or any(q.type is not None for q in questions)):
            raise PluginError(
                f"dialog {dialog_id!r}: questions given to start() must be plain text, and at "
                "least one; declare typed questions in the Dialog"
            )
        return dialog

    async def _target(
        self, db: AsyncConnection, who: Person | MemberRef
    ) -> tuple[Person, MemberRef]:
        """Whom to ask and on which account."""
        if isinstance(who, Person):
            return who, who.dm_account
        person = await self.bot.people.of(who, db)
        if person is None:  # an account salon has not heard from yet: it becomes a person
            now = self.bot.clock.now()
            created = await self.bot.people.ensure(db, Member(who, who.id), now)
            person = await self.bot.people.get(created, db)
        if person is None:
            raise PluginError(f"salon knows no person with account {who}")
        return person, who

    async def _open(
        self,
        ctx: Effects,
        dialog: Dialog,
        targets: Sequence[tuple[Person, MemberRef]],
        data: dict[str, Any],
        db: AsyncConnection,
        questions: tuple[Question, ...] | None,
        intro: Markup | str | None,
    ) -> None:
        now = self.bot.clock.now()
        expires_at = None if dialog.expires is None else now + dialog.expires
        if not targets:
            return
        # Every state is the same but for its account: encode one, vary that field.
        common = _State(dialog.id, 0, {}, data, expires_at, targets[0][1], questions).to_json()
        rows = [
            {"key": _key(person.id), "value": {**common, "account": [account.platform, account.id]}}
            for person, account in targets
        ]
        for chunk in in_batches(db, rows):
            keys = [row["key"] for row in chunk]
            # A dialog open before is replaced, with its expiry.
            await db.execute(tables.state.delete().where(one_of(db, tables.state.c.key, keys)))
            await db.execute(tables.jobs.delete().where(one_of(db, tables.jobs.c.key, keys)))
            await db.execute(tables.state.insert(), chunk)
        if expires_at is not None:
            for person, _ in targets:
                await self.bot.scheduler.schedule(
                    _key(person.id),
                    EXPIRE_JOB,
                    at=expires_at,
                    payload={"person": person.id},
                    connection=db,
                )
        first = intro if intro is not None else dialog.title
        heading: list[Markup | str] = [first] if first else []
        asked = questions if questions is not None else dialog.questions
        prefix = self.bot.config.commands.prefix
        opening = _question(dialog, asked, 0)
        by_platform: dict[str, tuple[Markup, Form | None]] = {}
        for _, account in targets:
            if account.platform not in by_platform:
                forms = self.bot.capabilities(account.platform).forms
                body = lines(*heading, opening, _hint(dialog, forms, prefix))
                by_platform[account.platform] = (body, _form(dialog, asked) if forms else None)
            body, form = by_platform[account.platform]
            ctx.send_direct(account, body, form=form)
        opened = [person.id for person, _ in targets]
        ctx.after_commit(lambda: self.open.update(opened))

    # --- reading and closing, for the plugin that asked ----------------------------------------
    async def pending(self, db: AsyncConnection, person_id: int) -> Pending | None:
        """The person's open dialog and its open question, or ``None``."""
        state = await self._state(db, person_id)
        dialog = None if state is None else self.registered.get(state.dialog)
        if state is None or dialog is None:
            return None
        asked = state.questions_of(dialog)
        return Pending(
            state.dialog,
            state.step,
            asked[state.step],
            _question(dialog, asked, state.step),
            state.data,
        )

    async def close(
        self, db: AsyncConnection, person_ids: Iterable[int], *, dialog_id: str | None = None
    ) -> int:
        """Close these people's open dialogs (only ``dialog_id``'s, when given) in ``db``'s
        transaction, without ``on_done``; returns how many were open."""
        keys = [_key(person_id) for person_id in person_ids]
        closed = 0
        for chunk in in_batches(db, keys):
            rows = (
                await db.execute(
                    sa.select(tables.state.c.key, tables.state.c.value).where(
                        one_of(db, tables.state.c.key, chunk)
                    )
                )
            ).all()
            mine = [
                key
                for key, value in rows
                if dialog_id is None or _State.from_json(value).dialog == dialog_id
            ]
            if mine:
                await db.execute(tables.state.delete().where(one_of(db, tables.state.c.key, mine)))
                for key in mine:
                    await self.bot.scheduler.cancel(key, db)
            closed += len(mine)
        return closed

    # --- answering -------------------------------------------------------------------------
    async def offer(self, ctx: Context, message: Message) -> bool:
        """A DM from a person with an open dialog: ``True`` if it was the dialog's answer."""
        person_id = ctx.person.id
        text = message.text.strip()
        word = text.lower()
        async with ctx.transaction() as db:
            state = await self._state(db, person_id)
            dialog = None if state is None else self.registered.get(state.dialog)
            if state is None or dialog is None or _expired(state, ctx.now()):
                # Closed meanwhile, expired (the job runs soon), or its plugin is disabled.
                ctx.after_commit(lambda: self.open.discard(person_id))
                return False
            first_word = word.split(maxsplit=1)[0] if word else ""
            if first_word in dialog.command_words:
                return False
            answers = self._answers(
                ctx.member.ref, person_id, dialog, state, state.values, ctx.person.tz, ctx.now()
            )
            if word in dialog.cancel_words:
                await self._close(db, person_id)
                ctx.after_commit(lambda: self.open.discard(person_id))
                if dialog.on_cancel is None:
                    ctx.reply("Cancelled; nothing was saved.")
                else:
                    await await_maybe(dialog.on_cancel(ctx, db, answers))
                return True
            asked = state.questions_of(dialog)
            question = asked[state.step]
            if word in dialog.skip_words:
                if not question.optional:
                    ctx.reply(
                        lines(
                            md(
                                "This one can't be skipped; answer it, or send ",
                                code(dialog.cancel_words[0]),
                                f" to {dialog.cancel_label}.",
                            ),
                            _question(dialog, asked, state.step),
                        )
                    )
                    return True
                answer: str | None = None
            else:
                answer = text
                problem = _problem(question, answer, ctx)
                if problem is not None:
                    ctx.reply(lines(problem, _question(dialog, asked, state.step)))
                    return True
            values = {**state.values, question.name: answer}
            step = state.step + 1
            if step < len(asked):
                advanced = attrs.evolve(state, step=step, values=values)
                await self.bot.storage.set_state(_key(person_id), advanced.to_json(), db)
                ctx.reply(_question(dialog, asked, step))
                return True
            await self._finish(ctx, db, dialog, state, values)
        return True

    async def _submitted(self, ctx: Context, press: ButtonPress) -> None:
        """The dialog's form was submitted: every answer at once."""
        person_id = ctx.person.id
        async with ctx.transaction() as db:
            state = await self._state(db, person_id)
            dialog_id = press.action.removeprefix(SUBMIT_ACTION)
            dialog = self.registered.get(dialog_id)
            if state is None or dialog is None or state.dialog != dialog_id:
                ctx.reply(
                    "Those questions are closed already (answered, skipped or expired); "
                    "nothing was changed."
                )
                return
            values: dict[str, str | None] = {}
            for question in state.questions_of(dialog):
                answer = (press.values.get(question.name) or "").strip()
                if not answer and not question.optional:
                    answer = state.values.get(question.name) or ""  # answered by text already
                if not answer and not question.optional:
                    ctx.reply(md("Please answer this one too: ", italic(question.text)))
                    return
                problem = _problem(question, answer, ctx) if answer else None
                if problem is not None:
                    ctx.reply(md(italic(question.text), " "), problem)
                    return
                values[question.name] = answer or None
            await self._finish(ctx, db, dialog, state, values)

    def _answers(
        self,
        account: MemberRef,
        person_id: int,
        dialog: Dialog,
        state: _State,
        values: Mapping[str, str | None],
        tz: ZoneInfo | None,
        now: datetime,
    ) -> Answers:
        try:
            parsed = _parsed(state.questions_of(dialog), values, tz, now)
        except ValueError:  # fitted when given, not now (on expiry: a time that has passed)
            parsed = dict(values)
        return Answers(account, parsed, state.data, person_id)

    async def _finish(
        self,
        ctx: Context,
        db: AsyncConnection,
        dialog: Dialog,
        state: _State,
        values: dict[str, str | None],
    ) -> None:
        person_id = ctx.person.id
        await self._close(db, person_id)
        ctx.after_commit(lambda: self.open.discard(person_id))
        answers = self._answers(
            ctx.member.ref, person_id, dialog, state, values, ctx.person.tz, ctx.now()
        )
        await await_maybe(dialog.on_done(ctx, db, answers))

    # --- closing ---------------------------------------------------------------------------
    async def _state(self, db: AsyncConnection, person_id: int) -> _State | None:
        row = (
            await db.execute(
                sa.select(tables.state.c.value).where(tables.state.c.key == _key(person_id))
            )
        ).first()
        return None if row is None else _State.from_json(row[0])

    async def _close(self, db: AsyncConnection, person_id: int) -> None:
        await db.execute(tables.state.delete().where(tables.state.c.key == _key(person_id)))
        await self.bot.scheduler.cancel(_key(person_id), db)

    async def merge(self, db: AsyncConnection, kept: int, merged: int) -> None:
        """Two people became one: the merged one's open dialog becomes the kept one's, unless
        the kept one has a dialog open already."""
        state = await self._state(db, merged)
        if state is None:
            return
        await self._close(db, merged)
        self.open.discard(merged)
        if await self._state(db, kept) is not None:
            return
        await self.bot.storage.set_state(_key(kept), state.to_json(), db)
        if state.expires_at is not None:
            await self.bot.scheduler.schedule(
                _key(kept), EXPIRE_JOB, at=state.expires_at, payload={"person": kept}, connection=db
            )
        self.open.add(kept)

    async def _expire(self, ctx: JobContext, job: Job) -> None:
        person_id = int(job.payload["person"])
        state = await self._state(ctx.db, person_id)
        if state is None:
            return
        await ctx.db.execute(tables.state.delete().where(tables.state.c.key == _key(person_id)))
        ctx.after_commit(lambda: self.open.discard(person_id))
        dialog = self.registered.get(state.dialog)
        about = f" ({dialog.title})" if dialog is not None and dialog.title else ""
        person = await self.bot.people.get(person_id, ctx.db)
        notice = f"The questions I asked{about} have expired; nothing was saved."
        if person is not None:
            ctx.send_to(person, notice)
        if dialog is not None and dialog.on_expire is not None:
            tz = person.tz if person is not None else None
            answers = self._answers(
                state.account, person_id, dialog, state, state.values, tz, ctx.now()
            )
            await await_maybe(dialog.on_expire(ctx, answers))


def _expired(state: _State, now: datetime) -> bool:
    return state.expires_at is not None and state.expires_at <= now


def _parsed(
    questions: Sequence[Question],
    values: Mapping[str, str | None],
    tz: ZoneInfo | None,
    now: datetime | None,
) -> dict[str, Any]:
    """The answers given so far, each parsed by its question's type (checked on the way in)."""
    return {q.name: q.parse(values[q.name], tz, now) for q in questions if q.name in values}


def _problem(question: Question, answer: str, ctx: Context) -> Markup | None:
    try:
        question.parse(answer, ctx.person.tz, ctx.now())
    except ValueError as error:
        text = str(error)
        end = "" if text.endswith((".", "!", "?")) else "."
        return md(f"{text[:1].upper()}{text[1:]}{end}")
    return None


def _question(dialog: Dialog, questions: Sequence[Question], step: int) -> Markup:
    question = questions[step]
    count = len(questions)
    counter = f"({step + 1}/{count}) " if count > 1 else ""
    suffix = (
        md(" ", italic(f"({dialog.skip_words[0]} to leave it out)"))
        if question.optional and dialog.skip_words
        else md()
    )
    return md(counter, question.text) + suffix


def _hint(dialog: Dialog, forms: bool, prefix: str) -> Markup:
    stop = md("Send ", code(dialog.cancel_words[0]), f" to {dialog.cancel_label}.")
    if forms:
        stop = md("Answer here one at a time, or all at once with the button. ") + stop
    if not prefix:
        return stop
    return stop + md(
        " Until then, what you write here is your answer; start commands with ", code(prefix), "."
    )


def _form(dialog: Dialog, questions: Sequence[Question]) -> Form:
    fields = tuple(
        FormField(q.name, q.text, multiline=q.multiline, optional=q.optional) for q in questions
    )
    return Form(dialog.title or "Questions", fields, SUBMIT_ACTION + dialog.id)

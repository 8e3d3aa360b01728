"""From an inbound message to a command handler: prefix, validation, parsing, permissions.

Nothing here touches the database: a command that changes state opens its own transaction
through ``ctx.transaction()``, which also records the event in the ledger. Events that change
nothing (help, ping) are deduplicated in memory only.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import TYPE_CHECKING

import attrs

from salon.core.aio import await_maybe
from salon.core.commands import NAME, Command, parse_args, resolve, split_invocation
from salon.core.context import Context
from salon.core.errors import AlreadyHandled, UserError
from salon.core.files import shown_name
from salon.core.hookspecs import runtime
from salon.core.interactions import EXPIRED
from salon.core.markup import Markup, code, md, normalize_input, shorten
from salon.core.model import ButtonPress, Member, MemberRef, Message, Person, Role

if TYPE_CHECKING:
    from salon.core.bot import Bot

log = logging.getLogger(__name__)

_UNREADABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


class RecentEvents:
    """The last ``size`` event keys seen, for the in-memory duplicate check (the router's, and
    any adapter's that sees events the router never does, such as reactions)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._seen: dict[tuple[str, str], None] = {}

    def check_and_add(self, platform: str, event_id: str) -> bool:
        """``True`` if the event was seen already; otherwise remember it."""
        key = (platform, event_id)
        if key in self._seen:
            return True
        self._seen[key] = None
        if len(self._seen) > self.size:
            del self._seen[next(iter(self._seen))]
        return False


def input_problem(text: str, max_length: int, *, direct_limit: int | None = None) -> str | None:
    """A friendly sentence if ``text`` cannot be handled, else ``None``.

    :param direct_limit: for a group message, the (larger) limit in a direct message, which the
        refusal suggests; ``None`` when ``text`` already is a direct message.
    """
    if len(text) > max_length:
        return too_long(len(text), max_length, direct_limit)
    if _UNREADABLE.search(text):
        return "Your message has invisible control characters I can't read. Please send plain text."
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "Your message has characters I can't read. Please send it again as plain text."
    return None


def too_long(length: int, max_length: int, direct_limit: int | None) -> str:
    """The refusal of a text over the limit, with the way to send it anyway."""
    where = "in a group " if direct_limit is not None else ""
    sentence = (
        f"That message is too long for me {where}({length:,} characters; "
        f"the limit is {max_length:,})."
    )
    if direct_limit is not None and length <= direct_limit:
        return sentence + (
            f" Send it to me in a direct message (up to {direct_limit:,} characters), "
            "or attach it as a .txt, .md or .docx file."
        )
    return sentence + " Please send it as a file instead: attach it as a .txt, .md or .docx file."


class Router:
    """Routes inbound events to commands, actions and the ``message_received`` hook."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.recent = RecentEvents()
        self.prefix = bot.config.commands.prefix
        self.max_length = bot.config.commands.max_length
        self.people = bot.people
        self.spaces = bot.spaces
        #: account → (the Member an adapter handed in, that Member with person id and role).
        self._completed: dict[MemberRef, tuple[Member, Member]] = {}
        self.max_direct_length = bot.config.commands.max_direct_length

    async def identify(self, member: Member) -> tuple[Member, Person]:
        """The person behind ``member`` (cached), and the member with that person's id and role.

        Adapters that keep one ``Member`` per account (Slack's directory does) get the same
        completed ``Member`` back each time instead of a copy per event.
        """
        person = self.people.known(member) or await self.people.resolve(member)
        if member.is_organiser and not person.is_organiser:
            # An organiser by the platform's say (the console's keyboard owner) is one to
            # every feature, whether it asks the member or the person.
            person = attrs.evolve(person, role=Role.ORGANISER)
        role = Role.ORGANISER if person.is_organiser else member.role
        if member.person_id == person.id and member.role is role:
            return member, person
        seen = self._completed.get(member.ref)
        if seen is not None and seen[0] is member and seen[1].person_id == person.id:
            completed = seen[1]
            if completed.role is role:
                return completed, person
        completed = attrs.evolve(member, role=role, person_id=person.id)
        if len(self._completed) >= 10_000:
            self._completed.clear()
        self._completed[member.ref] = (member, completed)
        return completed, person

    async def receive(self, message: Message) -> None:
        if self.recent.check_and_add(message.space.ref.platform, message.event_id):
            self.bot.metrics.events_duplicate.labels(message.space.ref.platform, "message").inc()
            return
        text = normalize_input(message.text).strip()
        explicit = text.startswith(self.prefix)
        addressed = explicit or message.addressed or message.space.is_direct
        if self.spaces.needs_recording(message.space):
            await self.spaces.record(message.space, self.bot.name_of_space)
        if not addressed and not self.bot.has_message_handlers:
            return
        member, person = await self.identify(message.author)
        ctx = Context(
            self.bot,
            member,
            message.space,
            message.event_id,
            person=person,
            message=message,
            thread_id=message.thread_id,
        )
        if message.space.is_direct:
            problem = input_problem(text, self.max_direct_length)
        else:
            problem = input_problem(text, self.max_length, direct_limit=self.max_direct_length)
        if not addressed:
            if problem is None:
                await self._offer(ctx, message)
            return
        if problem is not None:
            log.debug("event %s: input refused: %s", message.event_id, problem)
            ctx.reply(problem)
            await ctx.flush()
            return
        body = text[len(self.prefix) :] if explicit else text
        offered = False
        if not explicit and message.space.is_direct:
            # An answer to a plugin's question comes before commands, and goes to that plugin.
            if person.id in self.bot.dialogs.open and await self._answer(ctx, message):
                return
            plugins = await self.bot.awaited.waiting(member.ref)
            if plugins:
                offered = plugins >= self.bot.message_handler_names
                if await self._offer(ctx, message, plugins):
                    return
        name, arguments = split_invocation(body)
        if not name:
            # A file without words is for the plugins; if none takes it, say so.
            if message.attachments and (offered or not await self._offer(ctx, message)):
                ctx.reply(
                    f"I got {shown_name(message.attachments[0].name)}, but nothing here reads "
                    "files at the moment. Send ",
                    code(self.prefix + "help"),
                    " to see what I can do.",
                )
                await ctx.flush()
            return  # only whitespace (or the bare prefix): nothing to answer
        command = self.bot.commands.get(name)
        if command is None:
            if not explicit and not offered and await self._offer(ctx, message):
                return
            if explicit and not NAME.match(name):
                return  # "!!!" or "! wow": chatter, not a command
            ctx.reply(self.unknown(name))
            await ctx.flush()
            return
        ctx.command = command
        await self._run(ctx, command, arguments)

    async def _answer(self, ctx: Context, message: Message) -> bool:
        """Hand a DM to the member's open dialog; ``True`` if it was the answer."""
        try:
            answered = await self.bot.dialogs.offer(ctx, message)
        except AlreadyHandled:
            ctx.discard()
            return True
        except UserError as error:  # on_done refused the answers: nothing changed, ask again
            ctx.discard()
            ctx.reply(error.message)
            answered = True
        except Exception as error:
            ctx.discard()
            ctx.reply(self.sorry(await self.bot.report_error(error, "dialog answer")))
            answered = True
        await ctx.flush()
        return answered

    async def _offer(
        self, ctx: Context, message: Message, plugins: frozenset[str] | None = None
    ) -> bool:
        """Hand a non-command message to the plugins (only ``plugins``, when given: those
        waiting on this member); ``True`` if one consumed it."""
        if not self.bot.has_message_handlers:
            return False
        try:
            consumed = await self.bot.hooks.first_result_of(
                plugins, runtime.message_received, message=message, ctx=ctx
            )
        except AlreadyHandled:
            ctx.discard()
            return True
        except UserError as error:
            ctx.discard()
            ctx.reply(error.message)
            await ctx.flush()
            return True
        await ctx.flush()
        return bool(consumed)

    def unknown(self, name: str) -> Markup:
        shown = self.prefix + name
        suggestions = self.bot.commands.suggest(name)
        body = md("I don't know the command ", code(shorten(shown)), ".")
        if suggestions:
            body += md(" Did you mean ", code(self.prefix + suggestions[0]), "?")
        return body + md(" Send ", code(self.prefix + "help"), " to see what I can do.")

    def usage(self, command: Command) -> Markup:
        return md("Usage: ", code(command.usage(self.prefix)))

    async def _run(self, ctx: Context, command: Command, arguments: str) -> None:
        counted = self.bot.metrics.commands
        try:
            if command.subcommands:
                command, arguments = resolve(command, arguments, ctx.member.role)
                ctx.command = command
        except UserError as error:
            counted.labels(command.label, "refused").inc()
            ctx.reply(error.message)
            await ctx.flush()
            return
        if command.role is Role.ORGANISER and not ctx.member.is_organiser:
            log.debug("event %s: %s refused: not an organiser", ctx.event_id, command.label)
            counted.labels(command.label, "denied").inc()
            ctx.reply("Only organisers can use ", code(self.prefix + command.label), ".")
            await ctx.flush()
            return
        outcome = "ok"
        try:
            tz = ctx.person.tz if command.needs_zone else None
            values = parse_args(command, arguments, tz, ctx.now() if tz else None)
            assert command.handler is not None  # resolve() stops only at runnable commands
            await await_maybe(command.handler(ctx, **values))
        except UserError as error:
            log.debug("event %s: %s refused: %s", ctx.event_id, command.label, error.message)
            outcome = "refused"
            ctx.discard()
            ctx.reply(error.message)
            if error.show_usage:
                ctx.reply(self.usage(command))
        except AlreadyHandled:
            ctx.discard()
            counted.labels(command.label, "duplicate").inc()
            return
        except Exception as error:
            outcome = "error"
            ctx.discard()
            error_id = await self.bot.report_error(error, f"command {command.label}")
            ctx.reply(self.sorry(error_id))
        counted.labels(command.label, outcome).inc()
        await ctx.flush()

    @staticmethod
    def sorry(error_id: str) -> str:
        return f"Something went wrong; the organisers have been told (error {error_id})."

    async def receive_press(self, press: ButtonPress) -> None:
        if self.recent.check_and_add(press.space.ref.platform, press.event_id):
            self.bot.metrics.events_duplicate.labels(press.space.ref.platform, "press").inc()
            return
        member, person = await self.identify(press.member)
        ctx = Context(
            self.bot, member, press.space, press.event_id, person=person, thread_id=press.thread_id
        )
        action = self.bot.commands.actions.get(press.action)
        if press.action == EXPIRED:
            days = self.bot.config.interactions.expiry_days
            ctx.reply(
                f"This button has expired (buttons work for {days} days after they are sent). "
                "Please run the command again."
            )
            await ctx.flush()
            return
        if action is None:
            ctx.reply("That button no longer works. Please run the command again.")
            await ctx.flush()
            return
        try:
            await await_maybe(action.handler(ctx, press))
        except UserError as error:
            log.debug("event %s: %s refused: %s", ctx.event_id, press.action, error.message)
            ctx.discard()
            ctx.reply(error.message)
        except AlreadyHandled:
            ctx.discard()
            return
        except Exception as error:
            ctx.discard()
            ctx.reply(self.sorry(await self.bot.report_error(error, f"action {press.action}")))
        await ctx.flush()


def new_error_id() -> str:
    return uuid.uuid4().hex[:8]

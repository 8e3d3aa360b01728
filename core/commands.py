"""Command declarations, argument parsing and the command table the router reads.

A plugin declares commands through the ``register_commands`` hook; the core builds one
``CommandTable`` at startup, so the hot path is a dict lookup, not a hook call.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from salon.core.errors import PluginError, UserError
from salon.core.markup import shorten, strip_zero_width
from salon.core.model import ButtonPress, Role
from salon.core.zones import find_zone

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from salon.core.context import Context

Handler = Callable[..., Awaitable[None] | None]
ActionHandler = Callable[["Context", ButtonPress], Awaitable[None] | None]

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@attrs.frozen
class ArgType:
    """How one argument is parsed: a name shown in usage errors and a parse function.

    ``parse`` raises ``ValueError`` with a friendly sentence when the text does not fit.

    :param words: how many words the argument takes (``DATETIME``: a day and a time).
    :param zoned: ``parse(text, tz, now)`` gets the member's time zone and the current time.
    """

    name: str
    parse: Callable[..., Any]
    words: int = 1
    zoned: bool = False


def _parse_int(text: str) -> int:
    cleaned = text.replace(",", "").replace("_", "")
    if re.fullmatch(r"[+-]?\d{13,}", cleaned):
        raise ValueError(f"'{shorten(text)}' is too large a number")
    if not re.fullmatch(r"[+-]?\d{1,12}", cleaned):
        raise ValueError(f"'{shorten(text)}' is not a whole number")
    return int(cleaned)


def _parse_positive_int(text: str) -> int:
    value = _parse_int(text)
    if value <= 0:
        raise ValueError(f"'{shorten(text)}' must be a positive number")
    return value


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"'{shorten(text)}' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-03"
        ) from None


WORD = ArgType("word", str)
TEXT = ArgType("text", str)
INT = ArgType("number", _parse_int)
POSITIVE_INT = ArgType("number", _parse_positive_int)
DATE = ArgType("date", _parse_date)
ZONE = ArgType("time zone", find_zone)


def choice(*options: str) -> ArgType:
    """An argument that must be one of ``options`` (case-insensitive)."""

    def parse(text: str) -> str:
        lowered = text.lower()
        if lowered not in options:
            raise ValueError(f"'{shorten(text)}' is not one of: {', '.join(options)}")
        return lowered

    return ArgType("|".join(options), parse)


@attrs.frozen
class Arg:
    """One declared argument; the handler receives it as a keyword argument of its name.

    :param type: how the text is parsed (``WORD`` by default; ``INT``, ``POSITIVE_INT``,
        ``DATE``, ``ZONE``, ``TIME``, ``DURATION``, ``DATETIME``, ``choice(...)``, ``TEXT``).
    :param help: one line shown by ``help <command>``.
    :param optional: may be left out (usage shows ``[name]``); the handler then gets
        ``default``. Only trailing arguments should be optional.
    :param default: the value an optional argument takes when left out (``None`` unless
        given); it is passed as is, not parsed.
    :param rest: swallow the rest of the line, spaces included (only the last argument).
    """

    name: str
    type: ArgType = WORD
    help: str = ""
    optional: bool = False
    rest: bool = False
    default: Any = None

    def usage(self) -> str:
        label = f"{self.name}…" if self.rest else self.name
        return f"[{label}]" if self.optional else f"<{label}>"


@attrs.frozen
class Command:
    """A command a member can run, or a group of subcommands (``checkin create``, ...).

    :param handler: ``def``/``async def handler(ctx, **args)``; args arrive by their names.
        A group may leave it out: then ``checkin`` alone lists the subcommands. A group's
        handler without ``args`` runs for the group's name alone; another word after it is
        answered with the subcommands to try.
    :param help: one line for ``help``.
    :param args: the declared arguments (``Arg``), parsed before the handler runs.
    :param details: more text for ``help <command>``.
    :param role: who may run it; a group's role applies to all its subcommands.
    :param aliases: other names that run it.
    :param examples: invocations shown by ``help <command>`` (without the prefix).
    :param title: the phrase members type when it is more than the name, e.g. ``"my data"``
        for ``my`` with a one-word argument; help shows it, and it stands for as many
        leading arguments as it has words after the name.
    :param subcommands: ``Command``s selected by the next word (``checkin create ...``), each
        with its own args, role and help; ``help checkin create`` explains one.
    :param plugin: filled in by the core: the plugin that registered it.
    :param path: filled in by the core: the words that invoke it (``"checkin create"``).
    """

    name: str
    handler: Handler | None = None
    help: str = ""
    args: tuple[Arg, ...] = ()
    role: Role = Role.MEMBER
    aliases: tuple[str, ...] = ()
    details: str = ""
    examples: tuple[str, ...] = ()
    title: str = ""
    subcommands: tuple[Command, ...] = ()
    plugin: str = ""
    path: str = ""

    @property
    def label(self) -> str:
        """How help names the command: its title, or the words that invoke it."""
        return self.title or self.path or self.name

    @property
    def open_args(self) -> tuple[Arg, ...]:
        """The arguments the title does not already spell out."""
        return self.args[len(self.title.split()) - 1 :] if self.title else self.args

    @property
    def needs_zone(self) -> bool:
        """Whether parsing needs the member's time zone (a ``zoned`` argument type)."""
        return any(arg.type.zoned for arg in self.args)

    def subcommand(self, word: str) -> Command | None:
        """The subcommand ``word`` names (or is an alias of), if any."""
        for sub in self.subcommands:
            if word == sub.name or word in sub.aliases:
                return sub
        return None

    def usage(self, prefix: str = "") -> str:
        if self.subcommands and not self.args:
            words = "|".join(sub.name for sub in self.subcommands)
            # A group with a handler of its own runs alone too: the subcommand is optional.
            return f"{prefix}{self.label} " + (f"[{words}]" if self.handler else words)
        return " ".join([prefix + self.label, *(arg.usage() for arg in self.open_args)])


@attrs.frozen
class Action:
    """A button action: ``handler(ctx, press)`` runs when a member presses a button with
    ``action == id``. Ids are namespaced by convention: ``"checkins.skip"``."""

    id: str
    handler: ActionHandler
    plugin: str = ""


class CommandTable:
    """The commands and actions of all enabled plugins, built once at startup."""

    def __init__(self) -> None:
        self._by_name: dict[str, Command] = {}
        self.commands: list[Command] = []
        self.actions: dict[str, Action] = {}

    def add(self, command: Command) -> None:
        command = _checked(command, command.plugin, "", command.role)
        for name in (command.name, *command.aliases):
            existing = self._by_name.get(name)
            if existing is not None:
                raise PluginError(
                    f"command {name!r} is registered twice: by plugin {existing.plugin!r} "
                    f"and by plugin {command.plugin!r}"
                )
            self._by_name[name] = command
        self.commands.append(command)

    def add_action(self, action: Action) -> None:
        existing = self.actions.get(action.id)
        if existing is not None:
            raise PluginError(
                f"action {action.id!r} is registered twice: by plugin {existing.plugin!r} "
                f"and by plugin {action.plugin!r}"
            )
        self.actions[action.id] = action

    def get(self, name: str) -> Command | None:
        return self._by_name.get(name)

    def remove_plugin(self, plugin: str) -> None:
        """Drop every command and action of ``plugin`` (it was disabled)."""
        self.commands = [c for c in self.commands if c.plugin != plugin]
        self._by_name = {n: c for n, c in self._by_name.items() if c.plugin != plugin}
        self.actions = {i: a for i, a in self.actions.items() if a.plugin != plugin}

    def suggest(self, name: str) -> list[str]:
        return difflib.get_close_matches(name, list(self._by_name), n=3, cutoff=0.6)

    def visible_to(self, role: Role) -> list[Command]:
        allowed = [c for c in self.commands if role is Role.ORGANISER or c.role is Role.MEMBER]
        return sorted(allowed, key=lambda c: c.name)


# --- parsing -------------------------------------------------------------------------------

# Unquoted words end at whitespace or at an invisible separator (zero-width space, word joiner,
# byte-order mark) that a keyboard or a paste left between them.
_TOKEN = re.compile(r"\"([^\"]*)\"|“([^”]*)”|'([^']*)'|([^\s\u200b\u2060\ufeff]+)")


def _checked(command: Command, plugin: str, parent: str, role: Role) -> Command:
    """Validate ``command`` (and its subcommands) and fill in plugin, path and role."""
    path = f"{parent} {command.name}".strip()
    if not NAME.match(command.name):
        raise PluginError(
            f"plugin {plugin!r}: command name {path!r} must be lowercase letters, digits, "
            "'-' or '_'"
        )
    if not command.help:
        raise PluginError(f"plugin {plugin!r}: command {path!r} needs a help line")
    if command.handler is None and not command.subcommands:
        raise PluginError(f"plugin {plugin!r}: command {path!r} needs a handler or subcommands")
    rest_args = [arg for arg in command.args if arg.rest]
    if rest_args and command.args[-1] is not rest_args[0]:
        raise PluginError(f"command {path!r}: only the last argument may be rest=True")
    role = Role.ORGANISER if Role.ORGANISER in (role, command.role) else Role.MEMBER
    subs: list[Command] = []
    seen: set[str] = set()
    for sub in command.subcommands:
        for name in (sub.name, *sub.aliases):
            if name in seen:
                raise PluginError(f"command {path!r}: subcommand {name!r} is declared twice")
            seen.add(name)
        subs.append(_checked(sub, plugin, path, role))
    return attrs.evolve(command, plugin=plugin, path=path, role=role, subcommands=tuple(subs))


def resolve(command: Command, text: str, role: Role) -> tuple[Command, str]:
    """Follow subcommand words: ``(checkin, "create mon 09:00")`` → ``(create, "mon 09:00")``.

    A group without a handler, given no subcommand or an unknown one, is a ``UserError``
    naming the subcommands ``role`` may use; so is an unknown word after a group whose handler
    takes no arguments (``checkin frobnicate``).
    """
    while command.subcommands:
        word, rest = split_invocation(text)
        sub = command.subcommand(word) if word else None
        if sub is None:
            if command.handler is not None and (command.args or not word):
                break  # the group's own handler: alone, or with its own arguments
            allowed = [
                s.name for s in command.subcommands if role is Role.ORGANISER or s.role is role
            ]
            lead = f"I don't know '{shorten(command.path + ' ' + word)}'. " if word else ""
            raise UserError(f"{lead}Try: {', '.join(command.path + ' ' + n for n in allowed)}.")
        command, text = sub, rest
    return command, text


def split_invocation(text: str) -> tuple[str, str]:
    """Split ``"goal 500 words"`` into the command word (lowercased) and the argument text.

    Any whitespace ends the word (a tab, a phone keyboard's no-break space); zero-width
    characters in it are ignored, and full-width letters (from a CJK keyboard) read as
    the plain ones.
    """
    parts = text.split(maxsplit=1)
    if not parts:
        return "", ""
    head = strip_zero_width(parts[0])
    if not head.isascii():
        head = unicodedata.normalize("NFKC", head)
    return head.lower(), parts[1].strip() if len(parts) > 1 else ""


def parse_args(
    command: Command, text: str, tz: ZoneInfo | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Parse ``text`` against ``command.args``; raise ``UserError`` with a clear sentence.

    :param tz: the member's time zone, for ``zoned`` argument types (``DATETIME``).
    :param now: the current time, for the same.
    """
    values: dict[str, Any] = {}
    tokens: Iterable[re.Match[str]] = _TOKEN.finditer(text)
    iterator = iter(tokens)
    position = 0
    for arg in command.args:
        if arg.rest:
            remainder = text[position:].strip()
            if not remainder:
                if not arg.optional:
                    raise UserError(_missing(arg), show_usage=True)
                values[arg.name] = arg.default
            else:
                values[arg.name] = _convert(arg, remainder, tz, now)
            position = len(text)
            break
        match = next(iterator, None)
        if match is None:
            if not arg.optional:
                raise UserError(_missing(arg), show_usage=True)
            values[arg.name] = arg.default
            continue
        token = next(group for group in match.groups() if group is not None)
        for _ in range(arg.type.words - 1):
            more = next(iterator, None)
            if more is None:
                break
            token += " " + next(group for group in more.groups() if group is not None)
            match = more
        values[arg.name] = _convert(arg, token, tz, now)
        position = match.end()
    extra = strip_zero_width(text[position:]).strip()
    if extra:
        raise UserError(f"I didn't expect '{shorten(extra)}' there.", show_usage=True)
    return values


def _missing(arg: Arg) -> str:
    """``Please give entry (a number, +number or total number).``: the argument's help says
    what to type."""
    return f"Please give {arg.name} ({arg.help})." if arg.help else f"Please give {arg.name}."


def _convert(arg: Arg, token: str, tz: ZoneInfo | None, now: datetime | None) -> Any:
    try:
        if arg.type.zoned:
            if tz is None or now is None:
                raise PluginError(f"argument {arg.name!r} needs the member's time zone")
            return arg.type.parse(token, tz, now)
        return arg.type.parse(token)
    except ValueError as error:
        sentence = str(error) if str(error).endswith((".", "?", "!")) else f"{error}."
        raise UserError(f"{arg.name}: {sentence}", show_usage=True) from None

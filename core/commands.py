"""Command declarations, argument parsing and the command table the router reads.

A plugin declares commands through the ``register_commands`` hook; the core builds one
``CommandTable`` at startup, so the hot path is a dict lookup, not a hook call.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from salon.core.errors import PluginError, UserError
from salon.core.markup import shorten as _shorten
from salon.core.markup import strip_zero_width
from salon.core.model import ButtonPress, Role
from salon.core.zones import find_zone

if TYPE_CHECKING:
    from salon.core.context import Context

Handler = Callable[..., Awaitable[None] | None]
ActionHandler = Callable[["Context", ButtonPress], Awaitable[None] | None]

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@attrs.frozen
class ArgType:
    """How one argument is parsed: a name shown in usage errors and a parse function.

    ``parse`` raises ``ValueError`` with a friendly sentence when the text does not fit.
    """

    name: str
    parse: Callable[[str], Any]


def _parse_int(text: str) -> int:
    cleaned = text.replace(",", "").replace("_", "")
    if re.fullmatch(r"[+-]?\d{13,}", cleaned):
        raise ValueError(f"'{_shorten(text)}' is too large a number")
    if not re.fullmatch(r"[+-]?\d{1,12}", cleaned):
        raise ValueError(f"'{_shorten(text)}' is not a whole number")
    return int(cleaned)


def _parse_positive_int(text: str) -> int:
    value = _parse_int(text)
    if value <= 0:
        raise ValueError(f"'{_shorten(text)}' must be a positive number")
    return value


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"'{_shorten(text)}' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-03"
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
            raise ValueError(f"'{_shorten(text)}' is not one of: {', '.join(options)}")
        return lowered

    return ArgType("|".join(options), parse)


@attrs.frozen
class Arg:
    """One declared argument.

    :param rest: swallow the rest of the line, spaces included (only the last argument).
    :param optional: may be left out; the handler then gets ``default``.
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
    """A command a member can run.

    :param handler: ``def``/``async def handler(ctx, **args)``; args arrive by their names.
    :param help: one line for ``help``.
    :param details: more text for ``help <command>``.
    :param role: who may run it.
    :param examples: invocations shown by ``help <command>`` (without the prefix).
    :param title: the phrase members type when it is more than the name, e.g. ``"my data"``
        for ``my`` with a one-word argument; help shows it, and it stands for as many
        leading arguments as it has words after the name.
    :param plugin: filled in by the core: the plugin that registered it.
    """

    name: str
    handler: Handler
    help: str
    args: tuple[Arg, ...] = ()
    role: Role = Role.MEMBER
    aliases: tuple[str, ...] = ()
    details: str = ""
    examples: tuple[str, ...] = ()
    title: str = ""
    plugin: str = ""

    @property
    def label(self) -> str:
        """How help names the command: its title, or its name."""
        return self.title or self.name

    @property
    def open_args(self) -> tuple[Arg, ...]:
        """The arguments the title does not already spell out."""
        return self.args[len(self.label.split()) - 1 :]

    def usage(self, prefix: str = "") -> str:
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
        if not NAME.match(command.name):
            raise PluginError(
                f"plugin {command.plugin!r}: command name {command.name!r} must be lowercase "
                "letters, digits, '-' or '_'"
            )
        rest_args = [arg for arg in command.args if arg.rest]
        if rest_args and command.args[-1] is not rest_args[0]:
            raise PluginError(f"command {command.name!r}: only the last argument may be rest=True")
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

    def suggest(self, name: str) -> list[str]:
        return difflib.get_close_matches(name, list(self._by_name), n=3, cutoff=0.6)

    def visible_to(self, role: Role) -> list[Command]:
        allowed = [c for c in self.commands if role is Role.ORGANISER or c.role is Role.MEMBER]
        return sorted(allowed, key=lambda c: c.name)


# --- parsing -------------------------------------------------------------------------------

# Unquoted words end at whitespace or at an invisible separator (zero-width space, word joiner,
# byte-order mark) that a keyboard or a paste left between them.
_TOKEN = re.compile(r"\"([^\"]*)\"|“([^”]*)”|'([^']*)'|([^\s\u200b\u2060\ufeff]+)")


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


def parse_args(command: Command, text: str) -> dict[str, Any]:
    """Parse ``text`` against ``command.args``; raise ``UserError`` with a clear sentence."""
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
                values[arg.name] = _convert(arg, remainder)
            position = len(text)
            break
        match = next(iterator, None)
        if match is None:
            if not arg.optional:
                raise UserError(_missing(arg), show_usage=True)
            values[arg.name] = arg.default
            continue
        token = next(group for group in match.groups() if group is not None)
        values[arg.name] = _convert(arg, token)
        position = match.end()
    extra = strip_zero_width(text[position:]).strip()
    if extra:
        raise UserError(f"I didn't expect '{_shorten(extra)}' there.", show_usage=True)
    return values


def _missing(arg: Arg) -> str:
    """``Please give entry (a number, +number or total number).``: the argument's help says
    what to type."""
    return f"Please give {arg.name} ({arg.help})." if arg.help else f"Please give {arg.name}."


def _convert(arg: Arg, token: str) -> Any:
    try:
        return arg.type.parse(token)
    except ValueError as error:
        sentence = str(error) if str(error).endswith((".", "?", "!")) else f"{error}."
        raise UserError(f"{arg.name}: {sentence}", show_usage=True) from None

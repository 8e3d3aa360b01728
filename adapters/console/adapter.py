"""Console: you are a member in a terminal; the bot answers on stdout.

Interactive (a terminal): a prompt; ``/as NAME`` switches member so multi-member features can be
tried alone; ``/dm`` talks to the bot directly, ``/space NAME`` moves to a group space; buttons
appear as numbered choices, answered by typing the number.

Piped (``echo '!ping' | salon run``): each stdin line is one message, replies go to stdout, and
salon exits at the end of input once every reply is out.
"""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

import attrs

from salon.core import (
    Adapter,
    Attachment,
    Button,
    ButtonPress,
    Capabilities,
    Member,
    MemberRef,
    Message,
    Outbound,
    RateLimits,
    Role,
    Sent,
    Space,
    SpaceRef,
    render_plain,
)
from salon.core.files import FileTooLarge, format_size
from salon.core.interactions import EXPIRED

if TYPE_CHECKING:
    from salon.core import Bot

PLATFORM = "console"
CONSOLE_HELP = """Console commands:
  /as NAME      speak as member NAME (e.g. /as bob)
  /dm           talk to the bot in a direct message
  /space NAME   talk in the group space NAME (default: general; commands need the ! prefix)
  /file PATH    send the file at PATH to the bot (a .txt, .md or .docx document, say)
  /who          who and where you are
  /quit         stop salon (or Ctrl-D)
Type a number to choose one of the numbered buttons under the last message."""


@attrs.frozen
class ConsoleConfig:
    """``[adapters.console]``."""

    #: The member you are when the console starts.
    member: str = "you"
    #: The group space you start in.
    space: str = "general"
    #: Console members who are organisers (the person at the keyboard runs the bot).
    organisers: tuple[str, ...] = ("you",)


class ConsoleAdapter(Adapter):
    platform: ClassVar[str] = PLATFORM
    capabilities: ClassVar[Capabilities] = Capabilities(
        buttons=True, images=True, direct_messages=True, edits=True, files=True, deletes=True
    )
    # A terminal shows one message at a time; so after a crash at most one may show twice.
    rate_limits: ClassVar[RateLimits] = RateLimits(in_flight=1)
    config_class: ClassVar[type[Any] | None] = ConsoleConfig

    def __init__(
        self,
        bot: Bot,
        config: ConsoleConfig | None = None,
        env: Mapping[str, str] | None = None,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        interactive: bool | None = None,
    ) -> None:
        super().__init__(bot, config or ConsoleConfig(), env or {})
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty() if interactive is None else interactive
        self.member_name: str = self.config.member
        self.space_name: str = self.config.space
        self.direct = False
        self.done = asyncio.Event()
        #: Where → (message id, interactions key, number of choices) of the latest buttons.
        self._choices: dict[tuple[str, str], tuple[str, str, int]] = {}
        self._ids = itertools.count(1)
        self._run_id = f"{time.time_ns():x}"
        self._reader: asyncio.Task[None] | None = None
        self._image_dir: Path | None = None
        self._at_prompt = False

    @property
    def is_interactive(self) -> bool:
        return True

    async def start(self) -> None:
        self._reader = asyncio.get_running_loop().create_task(self._read_loop(), name="console")

    async def stop(self) -> None:
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    # --- who and where ---------------------------------------------------------------------
    def member(self, name: str | None = None) -> Member:
        name = name or self.member_name
        role = Role.ORGANISER if name in self.config.organisers else Role.MEMBER
        return Member(MemberRef(PLATFORM, name), display_name=name, role=role)

    def space(self) -> Space:
        if self.direct:
            return Space(SpaceRef(PLATFORM, f"dm-{self.member_name}"), "direct", is_direct=True)
        return Space(SpaceRef(PLATFORM, self.space_name), self.space_name)

    def _prompt(self) -> str:
        where = "DM" if self.direct else f"#{self.space_name}"
        return f"{self.member_name}@{where}> "

    # --- input -----------------------------------------------------------------------------
    def _start_reader_thread(self) -> asyncio.Queue[str]:
        # A daemon thread, not the loop's executor: a readline blocked at the prompt must not
        # keep the process alive after Ctrl-C (asyncio.run waits for executor threads).
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str] = asyncio.Queue()

        def read() -> None:
            while True:
                try:
                    line = self.stdin.readline()
                except (OSError, ValueError):
                    line = ""
                loop.call_soon_threadsafe(lines.put_nowait, line)
                if not line:
                    return

        threading.Thread(target=read, name="console-stdin", daemon=True).start()
        return lines

    async def _read_loop(self) -> None:
        lines = self._start_reader_thread()
        if self.interactive:
            self._write(
                f"salon console — you are {self.member_name} in #{self.space_name}. "
                "Type !help, or /help for console commands."
            )
        try:
            while True:
                if self.interactive:
                    self.stdout.write(self._prompt())
                    self.stdout.flush()
                self._at_prompt = True
                line = await lines.get()
                self._at_prompt = False
                if not line:
                    break
                if not await self.handle_line(line.rstrip("\r\n")):
                    break
                await self.bot.outbound.drain()
        finally:
            await self.bot.outbound.drain()
            self.done.set()

    async def handle_line(self, line: str) -> bool:
        """Handle one typed line; ``False`` means quit."""
        stripped = line.strip()
        if not stripped:
            return True
        if stripped.startswith("/file"):
            await self._send_file(stripped.removeprefix("/file").strip())
            return True
        if stripped.startswith("/"):
            return self._console_command(stripped)
        pending = self._choices.get(self._choice_key())
        if pending is not None and stripped.isdigit():
            message_id, key, count = pending
            index = int(stripped) - 1
            if 0 <= index < count:
                button = await self.bot.interactions.recall_button(key, index)
                await self._press(button or Button("", EXPIRED), message_id)
                return True
            self._write(f"(no button {stripped} here; type a number from 1 to {count})")
            return True
        await self.bot.receive(
            Message(
                space=self.space(),
                author=self.member(),
                text=line,
                event_id=self._event_id(),
                addressed=self.direct,
            )
        )
        return True

    async def _send_file(self, argument: str) -> None:
        """``/file PATH``: a message carrying the file at PATH, read only when a feature asks
        (and then no more than its limit)."""
        found = await asyncio.to_thread(_file_at, argument) if argument else None
        if found is None:
            self._write(
                f"(no file at {argument!r})" if argument else "(type /file PATH, e.g. /file ch1.md)"
            )
            return
        path, size = found

        async def fetch(limit: int) -> bytes:
            data = await asyncio.to_thread(_read_start, path, limit + 1)
            if len(data) > limit:
                raise FileTooLarge(path.name, limit, size)
            return data

        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        await self.bot.receive(
            Message(
                space=self.space(),
                author=self.member(),
                text="",
                event_id=self._event_id(),
                addressed=self.direct,
                attachments=(Attachment(path.name, mime_type, size, fetch),),
            )
        )

    def _console_command(self, line: str) -> bool:
        command, _, argument = line.partition(" ")
        argument = argument.strip()
        if command in ("/quit", "/exit"):
            return False
        if command == "/as" and argument:
            self.member_name = argument.split()[0][:64]
            self._write(f"(you are now {self.member_name})")
        elif command == "/as":
            self._write("(type /as NAME, e.g. /as bob)")
        elif command == "/dm":
            self.direct = True
            self._write("(direct messages with the bot; no prefix needed)")
        elif command == "/space":
            self.direct = False
            self.space_name = (argument.split() or [self.config.space])[0].lstrip("#")[:64]
            self._write(f"(in #{self.space_name}; start commands with !)")
        elif command == "/who":
            where = "a direct message with the bot" if self.direct else f"#{self.space_name}"
            self._write(f"(you are {self.member_name}, in {where})")
        else:
            self._write(CONSOLE_HELP)
        return True

    async def _press(self, button: Button, message_id: str) -> None:
        await self.bot.receive_press(
            ButtonPress(
                space=self.space(),
                member=self.member(),
                action=button.action,
                value=button.value,
                event_id=self._event_id(),
                message_id=message_id,
            )
        )

    def _event_id(self) -> str:
        return f"{self._run_id}-{next(self._ids)}"

    def _choice_key(self) -> tuple[str, str]:
        return ("dm", self.member_name) if self.direct else ("space", self.space_name)

    # --- output ----------------------------------------------------------------------------
    async def send(self, outbound: Outbound) -> Sent:
        message_id = f"c{next(self._ids)}"
        text = render_plain(outbound.body)
        if outbound.recipient is not None:
            key = ("dm", outbound.recipient.id)
            here = self.direct and outbound.recipient.id == self.member_name
            label = "" if here else f"[DM to {outbound.recipient.id}] "
            space = SpaceRef(PLATFORM, f"dm-{outbound.recipient.id}")
        else:
            assert outbound.space is not None
            key = ("space", outbound.space.id)
            here = not self.direct and outbound.space.id == self.space_name
            if outbound.space.id.startswith("dm-"):
                key = ("dm", outbound.space.id[3:])
                here = self.direct and key[1] == self.member_name
            label = "" if here else f"[#{outbound.space.id}] "
            space = outbound.space
        if outbound.delete:
            self._write(f"{label}(message {outbound.edit_of} deleted)")
            return Sent(outbound.edit_of or message_id, space)
        if outbound.edit_of:
            label = f"{label}(edited) "
        lines = [label + text]
        if outbound.image is not None:
            lines.append(
                f"[image: {outbound.image.alt_text or outbound.image.filename}] "
                f"saved to {self._save_image(outbound.image.filename, outbound.image.data)}"
            )
        for file in outbound.files:
            saved = self._save_image(file.name, file.data)
            lines.append(f"[file: {file.name}, {format_size(len(file.data))}] saved to {saved}")
        if outbound.buttons:
            lines.append("  ".join(f"[{n}] {b.label}" for n, b in enumerate(outbound.buttons, 1)))
            stored = await self.bot.interactions.remember_buttons(PLATFORM, outbound.buttons)
            self._choices[key] = (outbound.edit_of or message_id, stored, len(outbound.buttons))
        elif outbound.edit_of is None or self._choices.get(key, ("",))[0] == outbound.edit_of:
            # Numbers answer the buttons under the *last* message: a later message (or an
            # edit that drops them) retires them, so a stray "1" confirms nothing stale.
            self._choices.pop(key, None)
        self._write("\n".join(lines))
        return Sent(message_id, space)

    def _save_image(self, filename: str, data: bytes) -> Path:
        if self._image_dir is None:
            self._image_dir = Path(tempfile.mkdtemp(prefix="salon-console-"))
        path = self._image_dir / f"{next(self._ids)}-{Path(filename).name}"
        path.write_bytes(data)
        return path

    def _write(self, text: str) -> None:
        if self.interactive:
            # Output that arrives while waiting at the prompt (a scheduled DM) reprints it.
            again = self._prompt() if self._at_prompt else ""
            self.stdout.write("\r\x1b[K" + text + "\n" + again)
        else:
            self.stdout.write(text + "\n")
        self.stdout.flush()


def _file_at(argument: str) -> tuple[Path, int] | None:
    path = Path(argument).expanduser()
    return (path, path.stat().st_size) if path.is_file() else None


def _read_start(path: Path, count: int) -> bytes:
    with path.open("rb") as file:
        return file.read(count)

"""10,000 hostile command lines from members with hostile names, through the built-in plugins.

Whatever a member types: no "Something went wrong", no rendered output (plain, Slack, Telegram,
Matrix) that pings a whole space, and a refused command changes no row of any table.

A seeded generator rather than hypothesis: the bot's state carries over from line to line (a
check-in created, a goal set, a button sent earlier), which is the point, and 10,000 lines run
in seconds. ``SALON_HOSTILE_SEED`` picks another seed; ``SALON_HOSTILE_LINES`` another count.
"""

from __future__ import annotations

import html
import logging
import os
import random
import re
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from emulators.telegram.html_check import parse_html
from hostile_markup import BROADCAST, CONTROL

from salon.adapters.matrix.render import message_content
from salon.adapters.slack.render import render_message
from salon.adapters.telegram.render import HTML as TELEGRAM_HTML
from salon.core.memory_adapter import Delivered
from salon.core.testing import SalonHarness, default_config

SEED = int(os.environ.get("SALON_HOSTILE_SEED", "20261201"))
LINES = int(os.environ.get("SALON_HOSTILE_LINES", "10000"))

#: Display names (and ids) of the members sending; two of them are organisers.
MEMBERS = (
    "@everyone",
    "@here",
    "＠channel",
    "<!channel>",
    "@room Ann",
    "*bold* _it_ `code`",
    "<b>Bo</b> &amp; @all",
    "Eve\u202egnp.exe",
    "z\u0301al\u0308go\u0327",
    "👩🏽‍💻 writer",
    "[x](javascript:alert(1))",
    "o" * 120,
    "Ann\nB\x00\x1b[2J",
    "Zed\u200b\u2060\ufeff",
)
ORGANISERS = ("@here", "<!channel>")
SPACES = ("general", "@channel", "<#C1|x>")
#: Tokens the hostile text is stitched from: broadcast words, each platform's markup,
#: invisible and look-alike characters, numbers and dates at and past their limits.
TOKENS = (
    "@everyone", "@channel", "@here", "@room", "@all", "＠everyone", "@\u200beveryone", "@",
    "everyone", "<!here>", "<!channel|x>", "<@U1>", "<#C1>", "<https://x.org|y>", "<b>", "</b>",
    "</code>", "<a href='javascript:x'>", "&amp;", "&lt;", "&#64;", "*", "_", "~", "`", "```",
    ">", "|", '"', "'", "“", "\\", "$x$", "%s", "{0}", "\n", "\t", "\u00a0", "\u200b", "\u200d",
    "\u2060", "\ufeff", "\u202e", "\u0301", "\x00", "\x1b[31m", "\ud800", "💩", "👩🏽‍💻", "٣٠٠",
    "１２", "½", "0", "-1", "+300", "1e999", "nan", "inf", "0x10", "9" * 30, "1,000", "1_000",
    "10000000", "10000001", "-0", "2026-12-03", "2025-01-01", "9999-12-31", "0001-01-01",
    "2026-02-30", "24:00", "09:00", "9:60", "23:59", "mon,thu", "daily", "weekdays", "sun",
    "Europe/Berlin", "europe/berlin", "America", "localtime", "posix/UTC", "../../etc/passwd",
    "words", "pages", "sessions", "minutes", "by", "until", "total", "digest", "default", "me",
    "data", "join", "leave", "pair", "create", "questions", "delete", "end",
)  # fmt: skip
#: Plausible starts for each command, so lines get past the first word often.
STARTS: dict[str, tuple[str, ...]] = {
    "wc": ("", "500", "+300", "-50", "total 23400", "1200 finished chapter 3", "lots"),
    "goal": ("", "500 words daily", "50000 words by 2026-12-31", "3 sessions weekly", "end"),
    "tz": ("", "Europe/Berlin", "America", "Berlin", "utc"),
    "checkin": ("", "join", "leave", "create mon,thu 09:00 digest 17:00", "questions a | b"),
    "away": ("", "until 2026-12-03", "until 2025-01-01", "until"),
    "buddy": ("", "join", "leave", "pair"),
    "help": ("", "wc", "checkin", "!tz", "my data"),
    "my": ("data",),
    "forget": ("me",),
    "commands": ("",),
}
SEPARATORS = (" ", " ", " ", "\t", "\u00a0", "\u3000", "  ", "\u200b ", "\n")
#: How often a rarely useful but slow command (a chart) may appear.
SLOW = {"stats": 0.002}


class Lines:
    """Hostile command lines from a seeded ``random.Random``."""

    def __init__(self, rng: random.Random, commands: list[str]) -> None:
        self.rng = rng
        self.commands = commands

    def text(self, max_tokens: int = 6) -> str:
        rng = self.rng
        parts = []
        for _ in range(rng.randint(0, max_tokens)):
            roll = rng.random()
            if roll < 0.6:
                parts.append(rng.choice(TOKENS))
            elif roll < 0.9:
                parts.append("".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(3)))
            else:
                parts.append(rng.choice(MEMBERS))
            parts.append(rng.choice(SEPARATORS) if rng.random() < 0.7 else "")
        return "".join(parts)

    def word(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.8:
            name = rng.choice(self.commands)
            if rng.random() < SLOW.get(name, 1.0):
                return self.mutate(name)
            return self.word()
        if roll < 0.9:
            return self.text(2)
        return rng.choice(("x" * 4000, "wc" * 20, "ｗｃ", "w\u200dc", "WC", "!", ""))

    def mutate(self, name: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.7:
            return name
        if roll < 0.8:
            return name.upper()
        if roll < 0.9:
            cut = rng.randint(0, len(name))
            return name[:cut] + rng.choice(("\u200b", "\u2060", "\ufeff")) + name[cut:]
        return name[:-1] or name

    def line(self) -> str:
        rng = self.rng
        word = self.word()
        start = rng.choice(STARTS.get(word.lower(), ("",)))
        rest = [start] if start else []
        if rng.random() < 0.6:
            rest.append(self.text())
        prefix = rng.choice(("!", "!", "!", "!", "", "！", "!!", " ! ", "\u200b!"))
        line = prefix + word + (rng.choice(SEPARATORS) + " ".join(rest) if rest else "")
        if rng.random() < 0.01:
            line += "y" * rng.choice((3990, 4100))
        return line


class Refusals(logging.Handler):
    """The events whose command the router refused (its debug line), by event id."""

    PATTERN = re.compile(r"^event (\S+): \S+ refused")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.events: set[str] = set()
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())
            return
        match = self.PATTERN.match(record.getMessage())
        if match:
            self.events.add(match.group(1))


#: Salon records an account (with its person) and a group space the first time it sees them,
#: before any command runs: rows *added* there are a first contact, not a change by the input.
FIRST_CONTACT = frozenset({"salon_members", "salon_persons", "salon_spaces"})


def changed_tables(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    """The tables whose rows differ, not counting first-contact records added."""
    changed = []
    for name in after:
        old, new = before.get(name, []), after[name]
        if old == new:
            continue
        if name in FIRST_CONTACT and set(old) <= set(new):
            continue
        changed.append(name)
    return changed


class Tables:
    """Every row of every table (core and plugins), read outside the bot.

    ``PRAGMA data_version`` changes whenever the bot's connection commits, so the rows are
    read again only after a line that committed something.
    """

    def __init__(self, database: Path) -> None:
        self.connection = sqlite3.connect(database)
        self.version = -1
        self.rows: dict[str, list[tuple[Any, ...]]] = {}

    def changed(self) -> bool:
        (version,) = self.connection.execute("PRAGMA data_version").fetchone()
        if version == self.version:
            return False
        self.version = version
        return True

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        names = [
            row[0]
            for row in self.connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        self.rows = {
            name: self.connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            for name in names
        }
        return self.rows

    def close(self) -> None:
        self.connection.close()


def broadcast_problems(delivered: Delivered) -> list[str]:
    """Where this message, rendered for each platform, could ping a whole space."""
    body, buttons = delivered.outbound.body, delivered.outbound.buttons
    problems = []
    fallback, blocks = render_message(body, buttons)
    slack = [fallback, *(b["text"]["text"] for b in blocks if b.get("type") == "section")]
    telegram = parse_html(TELEGRAM_HTML.render(body)).text
    matrix = message_content(body, buttons)
    matrix_visible = html.unescape(
        re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]*>", "", matrix["formatted_body"]))
    )
    for platform, text in [
        ("plain", delivered.text),
        *(("slack", text) for text in slack),
        ("telegram", telegram),
        ("matrix body", matrix["body"]),
        ("matrix html", matrix_visible),
    ]:
        if BROADCAST.search(text):
            problems.append(f"{platform}: {text!r}")
        if CONTROL.search(text):
            problems.append(f"{platform} has control characters: {text!r}")
    for text in slack:
        for token in re.findall(r"<[^>]*>", text):
            if not token.startswith(("<http://", "<https://", "<mailto:")):
                problems.append(f"slack token {token!r} in {text!r}")
    if "room" in matrix["m.mentions"]:
        problems.append("matrix m.mentions.room")
    return problems


async def perform(
    harness: SalonHarness, act: tuple[str, Any], member: str, dm: bool, space: str, event_id: str
) -> list[Delivered]:
    """Send a line, press a button or submit a form as ``member``, with this event id."""
    kind, what = act
    where = {"as_": member, "dm": dm, "space": space, "event_id": event_id}
    if kind == "press":
        return await harness.press(what, forged=True, **where)  # hostile: any button
    if kind == "submit":
        form, values = what
        return await harness.submit(form, values, **where)
    return await harness.send(what, **where)


@pytest.fixture
def salon_config(tmp_path: Path) -> dict[str, Any]:
    config = default_config(tmp_path / "salon.db")
    config["community"]["organisers"] = ["memory:olive", *(f"memory:{n}" for n in ORGANISERS)]
    return config


async def test_hostile_lines_from_hostile_members(salon_bot: SalonHarness, tmp_path: Path) -> None:
    tables = Tables(tmp_path / "salon.db")
    rng = random.Random(SEED)
    commands = sorted(
        name
        for command in salon_bot.bot.commands.commands
        for name in (command.name, *command.aliases)
    )
    lines = Lines(rng, commands)
    refusals = Refusals()
    logger = logging.getLogger("salon")
    previous_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(refusals)
    failures: list[str] = []
    counts = {"lines": 0, "refused": 0, "replies": 0, "jobs": 0, "redelivered": 0}

    def check(source: str, delivered: list[Delivered]) -> None:
        counts["replies"] += len(delivered)
        for one in delivered:
            if "Something went wrong" in one.text:
                failures.append(f"{source}: {one.text!r}")
            failures.extend(f"{source}: {problem}" for problem in broadcast_problems(one))

    try:
        # Some state for the hostile lines to meet: a check-in, members in it with goals.
        await salon_bot.send("!checkin create mon,tue,wed,thu,fri 09:00 digest 17:00", as_="olive")
        for name in MEMBERS[:6]:
            await salon_bot.send("!checkin join", as_=name)
            await salon_bot.send("!goal 500 words daily", as_=name)
            await salon_bot.send("!buddy join", as_=name)
        tables.changed()
        tables.snapshot()
        buttons: list[Any] = []
        forms: list[Any] = []
        committed: list[tuple[str, Any, str, bool, str, str]] = []
        for number in range(LINES):
            text = lines.line()
            member = rng.choice(MEMBERS)
            dm = rng.random() < 0.3
            space = rng.choice(SPACES)
            event_id = f"hostile-{number}"
            roll = rng.random()
            if buttons and roll < 0.03:
                act: tuple[str, Any] = ("press", rng.choice(buttons))
            elif forms and roll < 0.04:
                form = rng.choice(forms)
                act = ("submit", (form, {field.name: lines.text() for field in form.fields}))
            else:
                act = ("send", text)
            source = f"line {number}: {member!r} {act[0]} {str(act[1])[:200]!r}"
            delivered = await perform(salon_bot, act, member, dm, space, event_id)
            if os.environ.get("SALON_HOSTILE_SHOW"):
                print(source, "→", [d.text[:120] for d in delivered])
            counts["lines"] += 1
            check(source, delivered)
            buttons.extend(b for d in delivered for b in d.outbound.buttons)
            forms.extend(d.outbound.form for d in delivered if d.outbound.form is not None)
            refused = event_id in refusals.events
            if tables.changed():
                before = tables.rows
                after = tables.snapshot()
                changed = changed_tables(before, after)
                if refused and changed:
                    failures.append(f"{source}: refused, but changed {changed}")
                elif not refused:
                    committed.append((*act, member, dm, space, event_id))
            counts["refused"] += refused
            if number % 400 == 399:
                jobs = await salon_bot.advance(timedelta(hours=rng.choice((5, 7, 11, 23))))
                counts["jobs"] += len(jobs)
                check(f"jobs after line {number}", jobs)
                if tables.changed():
                    tables.snapshot()
            if number == LINES // 2:
                # A platform redelivers what it sent before a restart: nothing is applied twice.
                await salon_bot.restart()
                tables.changed()
                tables.snapshot()
                for kind, what, who, in_dm, where, again in committed[-40:]:
                    delivered = await perform(salon_bot, (kind, what), who, in_dm, where, again)
                    counts["redelivered"] += 1
                    if tables.changed():
                        before, after = tables.rows, tables.snapshot()
                        changed = changed_tables(before, after)
                        if changed:
                            failures.append(
                                f"redelivered {again} ({kind} {what!r}) changed {changed}"
                            )
            if len(failures) > 20:
                break
    finally:
        tables.close()
        logger.removeHandler(refusals)
        logger.setLevel(previous_level)
    print(f"hostile input (seed {SEED}): {counts}")
    failures.extend(f"logged error: {message}" for message in refusals.errors)
    assert not failures, "\n".join(failures[:20])
    assert counts["refused"] > LINES // 10  # the lines do reach the commands' checks

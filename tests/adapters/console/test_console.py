"""The console adapter, driven as a person at a terminal (or a script) would."""

from __future__ import annotations

import io
from pathlib import Path

from salon.adapters.console import ConsoleAdapter
from salon.core import Button, Command, Context, hookimpl
from salon.core.bot import Bot
from salon.core.commands import Action
from salon.core.config import config_from_mapping
from salon.core.plugins import create_plugin_manager


class Poll:
    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(Command("poll", self.poll, help="Ask a question."))

    @hookimpl
    def register_actions(self, register):  # type: ignore[no-untyped-def]
        register(Action("poll.vote", self.vote))

    def poll(self, ctx: Context) -> None:
        ctx.reply(
            "Sprint tonight?",
            buttons=(Button("Yes", "poll.vote", "yes"), Button("No", "poll.vote", "no")),
        )

    def vote(self, ctx: Context, press) -> None:  # type: ignore[no-untyped-def]
        ctx.edit(press.message_id, f"{ctx.member.display_name} voted {press.value}")


async def run_script(script: str, tmp_path: Path, plugin: object | None = None) -> list[str]:
    config = config_from_mapping({"database": {"url": f"sqlite:///{tmp_path}/c.db"}})
    extra = [("probe", plugin if plugin is not None else Poll())]
    bot = Bot(config, pm=create_plugin_manager(extra=extra), env={})
    out = io.StringIO()
    console = ConsoleAdapter(bot, stdin=io.StringIO(script), stdout=out, interactive=False)
    bot.add_adapter(console)
    await bot.start(run_scheduler=False)
    await console.done.wait()
    await bot.stop()
    return out.getvalue().splitlines()


async def test_buttons_are_numbered_and_answered_by_number(tmp_path: Path) -> None:
    lines = await run_script("!poll\n2\n", tmp_path)
    assert lines == ["Sprint tonight?", "[1] Yes  [2] No", "(edited) you voted no"]


async def test_a_number_without_pending_buttons_is_just_text(tmp_path: Path) -> None:
    assert await run_script("2\n!ping\n", tmp_path) == ["pong"]


async def test_direct_messages_to_another_member_are_labelled(tmp_path: Path) -> None:
    lines = await run_script("/as bob\n/dm\nping\n/as carol\n!ping\n", tmp_path)
    assert lines == [
        "(you are now bob)",
        "(direct messages with the bot; no prefix needed)",
        "pong",
        "(you are now carol)",
        "pong",
    ]


def test_end_of_input_ends_salon_only_when_the_console_runs_alone(tmp_path: Path) -> None:
    from salon.core.memory_adapter import MemoryAdapter
    from salon.core.runtime import run_ends_with

    config = config_from_mapping({"database": {"url": f"sqlite:///{tmp_path}/c.db"}})
    alone = Bot(config, env={})
    console = ConsoleAdapter(alone, stdin=io.StringIO(""), stdout=io.StringIO(), interactive=False)
    alone.add_adapter(console)
    assert run_ends_with(alone) == [console.done]

    beside = Bot(config, env={})
    beside.add_adapter(ConsoleAdapter(beside, stdin=io.StringIO(""), stdout=io.StringIO()))
    beside.add_adapter(MemoryAdapter(beside))
    assert run_ends_with(beside) == []


async def test_a_file_goes_to_the_bot_and_files_come_back_saved(tmp_path: Path) -> None:
    from documents import docx_bytes
    from messages_plugin import ICS, MessagesPlugin

    chapter = tmp_path / "chapter.docx"
    chapter.write_bytes(docx_bytes("It begins.", "It ends."))
    big = tmp_path / "novel.txt"
    big.write_bytes(b"x" * (3 * 1024 * 1024))
    config = config_from_mapping({"database": {"url": f"sqlite:///{tmp_path}/c.db"}})
    plugins = create_plugin_manager(extra=[("messagestest", MessagesPlugin())])
    bot = Bot(config, pm=plugins, env={})
    out = io.StringIO()
    script = f"/dm\n/file {chapter}\n/file {big}\ninvite\nvote\n2\n"
    console = ConsoleAdapter(bot, stdin=io.StringIO(script), stdout=out, interactive=False)
    bot.add_adapter(console)
    await bot.start(run_scheduler=False)
    await console.done.wait()
    await bot.stop()
    lines = out.getvalue().splitlines()

    assert lines[1] == "read 2 paragraphs, starting It begins."
    assert "“novel.txt” is 3 MB; the limit is 2 MB" in lines[2]
    [saved] = [line for line in lines if line.startswith("[file: write-in.ics")]
    assert Path(saved.rpartition(" saved to ")[2]).read_bytes() == ICS  # noqa: ASYNC240
    assert lines[-1].endswith("deleted)")


async def test_a_later_message_retires_the_buttons_above_it(tmp_path: Path) -> None:
    # "1" after an unrelated reply must not confirm the stale "forget me" above it.
    lines = await run_script("/dm\nforget me\n!ping\n1\n", tmp_path)
    assert lines[-2:] == [
        "pong",
        "I don't know the command `!1`. Send `!help` to see what I can do.",
    ]


async def test_a_number_past_the_buttons_says_which_to_choose(tmp_path: Path) -> None:
    lines = await run_script("!poll\n3\n1\n", tmp_path)
    assert lines == [
        "Sprint tonight?",
        "[1] Yes  [2] No",
        "(no button 3 here; type a number from 1 to 2)",
        "(edited) you voted yes",
    ]


async def test_who_names_the_space_or_the_direct_message(tmp_path: Path) -> None:
    lines = await run_script("/who\n/dm\n/who\n", tmp_path)
    assert lines == [
        "(you are you, in #general)",
        "(direct messages with the bot; no prefix needed)",
        "(you are you, in a direct message with the bot)",
    ]


async def test_a_console_command_missing_its_argument_shows_how_to_write_it(
    tmp_path: Path,
) -> None:
    assert await run_script("/as\n/file\n", tmp_path) == [
        "(type /as NAME, e.g. /as bob)",
        "(type /file PATH, e.g. /file ch1.md)",
    ]


async def test_the_console_organiser_is_an_organiser_to_person_checks_too(tmp_path: Path) -> None:
    class WhoAmI:
        @hookimpl
        def register_commands(self, register):  # type: ignore[no-untyped-def]
            register(Command("whoami", self.whoami, help="Member and person roles."))

        def whoami(self, ctx: Context) -> None:
            ctx.reply(f"member {ctx.member.is_organiser}, person {ctx.person.is_organiser}")

    lines = await run_script("!whoami\n/as bob\n!whoami\n", tmp_path, WhoAmI())
    assert lines == [
        "member True, person True",
        "(you are now bob)",
        "member False, person False",
    ]

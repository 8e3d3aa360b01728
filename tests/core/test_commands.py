"""Command routing through the public surface: a message in, the reply out."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from salon.core import DATE, INT, Arg, Command, Context, Role, UserError, choice, hookimpl
from salon.core.commands import CommandTable, parse_args, split_invocation
from salon.core.errors import PluginError


def _noop(ctx: Context, **_: object) -> None:
    return None


GOAL = Command(
    "goal",
    _noop,
    help="Set a goal.",
    args=(
        Arg("amount", INT),
        Arg("unit", choice("words", "pages")),
        Arg("by", DATE, optional=True),
    ),
)


def test_parse_args_converts_types() -> None:
    assert parse_args(GOAL, "50,000 words 2026-11-30") == {
        "amount": 50000,
        "unit": "words",
        "by": date(2026, 11, 30),
    }
    assert parse_args(GOAL, "500 PAGES") == {"amount": 500, "unit": "pages", "by": None}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please give amount."),
        ("lots words", "amount: 'lots' is not a whole number."),
        ("9999999999999999999 words", "amount: '9999999999999999999' is too large a number."),
        ("5 lines", "unit: 'lines' is not one of: words, pages."),
        ("5 words tomorrow", "by: 'tomorrow' is not a date"),
        ("5 words 2026-01-01 extra", "I didn't expect 'extra' there."),
    ],
)
def test_parse_errors_are_friendly_sentences(text: str, message: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_args(GOAL, text)
    assert raised.value.message.startswith(message)
    assert raised.value.show_usage


def test_a_missing_argument_says_what_to_type_from_its_help() -> None:
    wc = Command("wc", _noop, help="", args=(Arg("entry", rest=True, help="a number, +number"),))
    with pytest.raises(UserError, match=r"^Please give entry \(a number, \+number\)\.$"):
        parse_args(wc, "")


def test_rest_argument_takes_the_remaining_text_and_quotes_group_words() -> None:
    note = Command("note", _noop, help="", args=(Arg("n", INT), Arg("text", rest=True)))
    assert parse_args(note, '3 finished  "chapter 3"') == {"n": 3, "text": 'finished  "chapter 3"'}
    quoted = Command("q", _noop, help="", args=(Arg("a"), Arg("b")))
    assert parse_args(quoted, "“two words” x") == {"a": "two words", "b": "x"}


def test_duplicate_command_names_fail_naming_both_plugins() -> None:
    table = CommandTable()
    table.add(Command("ping", _noop, help="Ping.", plugin="basics"))
    with pytest.raises(PluginError, match="'basics' and by plugin 'other'"):
        table.add(Command("ping", _noop, help="Ping.", plugin="other"))


class Echo:
    """A test plugin: echo user text, an organiser-only command and one that crashes."""

    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(Command("echo", self.echo, help="Repeat.", args=(Arg("text", rest=True),)))
        register(
            Command(
                "secret",
                self.echo,
                help="Organisers.",
                role=Role.ORGANISER,
                args=(Arg("text", rest=True, optional=True),),
            )
        )
        register(Command("boom", self.boom, help="Crash."))

    async def echo(self, ctx: Context, text: str | None = None) -> None:
        ctx.reply("You said: ", text or "")

    def boom(self, ctx: Context) -> None:
        raise RuntimeError("kaboom")


@pytest.fixture
def salon_plugins() -> list[tuple[str, object]]:
    return [("echo", Echo())]


async def test_ping_in_a_group_needs_the_prefix(salon_bot) -> None:  # type: ignore[no-untyped-def]
    assert salon_bot.texts(await salon_bot.send("!ping")) == ["pong"]
    assert await salon_bot.send("ping") == []
    assert salon_bot.texts(await salon_bot.send("ping", dm=True)) == ["pong"]
    assert salon_bot.texts(await salon_bot.send("!PING", dm=True)) == ["pong"]


async def test_unknown_command_suggests_the_closest(salon_bot) -> None:  # type: ignore[no-untyped-def]
    [reply] = await salon_bot.send("!pnig")
    assert (
        reply.text
        == "I don't know the command `!pnig`. Did you mean `!ping`? Send `!help` to see what I can do."
    )
    assert await salon_bot.send("!!!") == []


async def test_usage_error_shows_usage(salon_bot) -> None:  # type: ignore[no-untyped-def]
    replies = salon_bot.texts(await salon_bot.send("!tz Mars/Olympus"))
    assert replies[0].startswith("zone: 'Mars/Olympus' is not a time zone I know")
    assert replies[1] == "Usage: `!tz [zone]`"


async def test_help_lists_and_explains_commands(salon_bot) -> None:  # type: ignore[no-untyped-def]
    [listing] = salon_bot.texts(await salon_bot.send("!help"))
    assert "• *ping* — Check that I'm listening." in listing
    assert "secret" not in listing  # organiser-only, alice is a member
    [organiser_listing] = salon_bot.texts(await salon_bot.send("!help", as_="olive"))
    assert "• *secret* — Organisers." in organiser_listing
    [details] = salon_bot.texts(await salon_bot.send("!help tz"))
    assert details.startswith("*!tz [zone]*\nSee or set your time zone")
    [missing] = salon_bot.texts(await salon_bot.send("!help pnig"))
    assert missing == "There is no command `pnig`. Did you mean `ping`?"


async def test_organiser_only_commands(salon_bot) -> None:  # type: ignore[no-untyped-def]
    assert salon_bot.texts(await salon_bot.send("!secret")) == [
        "Only organisers can use `!secret`."
    ]
    assert salon_bot.texts(await salon_bot.send("!secret hi", as_="olive")) == ["You said: hi"]


async def test_hostile_text_is_echoed_harmlessly(salon_bot) -> None:  # type: ignore[no-untyped-def]
    [reply] = salon_bot.texts(await salon_bot.send("!echo @everyone <b>hi</b> @room"))
    assert reply == "You said: @\u2060everyone <b>hi</b> @\u2060room"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "!echo " + "x" * 5000,
            "That message is too long for me in a group (5,006 characters; the limit is 4,000).",
        ),
        ("!echo a\x00b", "Your message has invisible control characters I can't read."),
        ("!echo a\u202eb", "Your message has invisible control characters I can't read."),
        ("!echo \ud800", "Your message has characters I can't read."),
    ],
)
async def test_bad_input_gets_a_friendly_reply(salon_bot, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    [reply] = salon_bot.texts(await salon_bot.send(text))
    assert reply.startswith(expected)


async def test_odd_unicode_is_fine(salon_bot) -> None:  # type: ignore[no-untyped-def]
    [reply] = salon_bot.texts(await salon_bot.send("!echo 👩🏽‍💻 e\u0301crire 書く"))
    assert reply == "You said: 👩🏽‍💻 écrire 書く"


@pytest.mark.salon_allow_errors
async def test_a_crash_is_reported_with_an_error_id(salon_bot, caplog) -> None:  # type: ignore[no-untyped-def]
    [reply] = salon_bot.texts(await salon_bot.send("!boom"))
    assert reply.startswith("Something went wrong; the organisers have been told (error ")
    error_id = reply.rsplit(" ", 1)[1].rstrip(").")
    assert any(error_id in record.getMessage() for record in caplog.records)


async def test_a_redelivered_event_is_answered_once(salon_bot) -> None:  # type: ignore[no-untyped-def]
    assert len(await salon_bot.send("!ping", event_id="same")) == 1
    assert await salon_bot.send("!ping", event_id="same") == []


async def test_whitespace_and_a_bare_prefix_get_no_reply(salon_bot) -> None:  # type: ignore[no-untyped-def]
    assert await salon_bot.send("   ", dm=True) == []
    assert await salon_bot.send("!", dm=True) == []


def test_echoed_bad_values_are_shortened() -> None:
    with pytest.raises(UserError) as raised:
        parse_args(GOAL, "5 words " + "9" * 500)
    assert len(raised.value.message) < 120


def test_a_title_names_the_command_and_covers_its_leading_arguments() -> None:
    mine = Command(
        "my", _noop, help="", args=(Arg("what", choice("data")), Arg("n", INT)), title="my data"
    )
    assert mine.label == "my data"
    assert mine.usage("!") == "!my data <n>"
    assert [a.name for a in mine.open_args] == ["n"]
    assert GOAL.label == "goal" and GOAL.usage("!") == "!goal <amount> <unit> [by]"


@pytest.mark.parametrize(
    "text",
    [
        "!echo\thi",
        "!echo\u00a0hi",
        "!\u200becho hi",
        "!echo\u200b hi",
        "\ufeff!echo hi",
        "!ECHO\u3000hi",
    ],
)
async def test_any_whitespace_ends_the_command_word_and_zero_width_is_ignored(
    salon_bot, text: str
) -> None:  # type: ignore[no-untyped-def]
    assert salon_bot.texts(await salon_bot.send(text)) == ["You said: hi"]


def test_split_invocation_splits_on_any_whitespace() -> None:
    assert split_invocation("wc\t500") == ("wc", "500")
    assert split_invocation("wc\u00a0500 words") == ("wc", "500 words")
    assert split_invocation("\u200bWC\u2060 500") == ("wc", "500")
    assert split_invocation(" \u200b ") == ("", "")
    assert split_invocation("ＥＣＨＯ　hi") == ("echo", "hi")


async def test_an_unknown_long_word_is_echoed_shortened(salon_bot) -> None:  # type: ignore[no-untyped-def]
    [reply] = salon_bot.texts(await salon_bot.send("q" * 3990, dm=True))
    assert reply.startswith("I don't know the command `!" + "q" * 38 + "…`.")
    assert len(reply) < 120
    [missing] = salon_bot.texts(await salon_bot.send("!help " + "z" * 3900))
    assert missing == "There is no command `" + "z" * 39 + "…`. Send `!help` to see them all."


def test_invisible_separators_between_arguments_are_ignored() -> None:
    assert parse_args(GOAL, "500\u200b words\ufeff") == {"amount": 500, "unit": "words", "by": None}


def test_a_group_with_a_handler_rejects_an_unknown_word_and_shows_its_subcommands() -> None:
    from salon.core.commands import resolve

    def status(ctx: Context) -> None: ...

    group = Command(
        "checkin",
        status,
        subcommands=(
            Command("join", status),
            Command("create", status, role=Role.ORGANISER),
        ),
        path="checkin",
    )
    assert group.usage("!") == "!checkin [join|create]"
    assert resolve(group, "", Role.MEMBER) == (group, "")
    with pytest.raises(UserError) as refused:
        resolve(group, "frobnicate now", Role.MEMBER)
    assert refused.value.message == "I don't know 'checkin frobnicate'. Try: checkin join."
    with_args = attrs.evolve(group, args=(Arg("name", optional=True),))
    assert resolve(with_args, "bob", Role.MEMBER) == (with_args, "bob")

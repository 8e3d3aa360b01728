"""Units: rendering and splitting (checked by the emulator's TDLib HTML parser), command
parsing, the command menu's limits, retry-after seconds."""

from __future__ import annotations

import datetime as dtm
from pathlib import Path

import pytest
import telegram
from emulators.telegram.html_check import parse_html
from hostile_markup import BROADCAST, CONTROL, hostile_nodes, hostile_text
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from salon.adapters.telegram.delivery import retry_seconds
from salon.adapters.telegram.inbound import invocation
from salon.adapters.telegram.menu import bot_commands
from salon.adapters.telegram.render import HTML
from salon.adapters.telegram.split import split_html, visible_length
from salon.core import (
    Command,
    ConfigError,
    MemberRef,
    bold,
    br,
    bullets,
    code,
    italic,
    link,
    md,
    mention,
    quote,
)
from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.markup import Markup
from salon.core.runtime import build_adapters


def test_user_text_cannot_become_markup() -> None:
    body = md('<b>hi</b> & "quotes" @everyone ', bold("<i>", italic("&amp;")), code("a<b"))

    rendered = HTML.render(body)
    parsed = parse_html(rendered)

    assert rendered == (
        "&lt;b&gt;hi&lt;/b&gt; &amp; &quot;quotes&quot; @\u2060everyone "
        "<b>&lt;i&gt;<i>&amp;amp;</i></b><code>a&lt;b</code>"
    )
    assert parsed.text == '<b>hi</b> & "quotes" @\u2060everyone <i>&amp;a<b'


def test_mentions_links_and_blocks() -> None:
    body = md(
        mention(MemberRef("telegram", "12345"), "Ana <3"),
        " ",
        mention(MemberRef("slack", "U1"), "Sam"),
        " ",
        link("https://example.org/?a=1&b=2", "site"),
        " ",
        link("javascript:alert(1)", "not a link"),
        br(),
        quote("said ", bold("this")),
        bullets("one", "two"),
    )

    parsed = parse_html(HTML.render(body))

    assert parsed.text.startswith("Ana <3 @\u2060Sam site not a link\nsaid this• one\n• two")
    kinds = [(e["type"], e.get("url"), e.get("user", {}).get("id")) for e in parsed.entities]
    assert ("text_mention", None, 12345) in kinds
    assert ("text_link", "https://example.org/?a=1&b=2", None) in kinds
    assert ("blockquote", None, None) in kinds


def test_short_markup_is_not_split() -> None:
    assert split_html("<b>x</b>" * 10, 4096) == ["<b>x</b>" * 10]


def test_split_prefers_line_breaks_outside_tags() -> None:
    lines = [f"<b>line {n}</b> " + "word " * 10 for n in range(30)]
    markup = "\n".join(lines)

    parts = split_html(markup, 200)

    assert all(visible_length(part) <= 200 for part in parts)
    assert all(part.startswith("<b>line ") for part in parts)
    assert "".join(parse_html(part).text + "\n" for part in parts).split() == (
        parse_html(markup).text.split()
    )


def test_a_word_longer_than_a_message_is_cut_between_characters() -> None:
    markup = "<i>" + "&amp;" * 25 + "</i>"

    parts = split_html(markup, 10)

    assert parts == ["<i>" + "&amp;" * 10 + "</i>"] * 2 + ["<i>" + "&amp;" * 5 + "</i>"]


_words = st.text(alphabet=st.sampled_from("ab <>&\"'\n é🙂"), min_size=1, max_size=30)


def _node(depth: int) -> st.SearchStrategy[object]:
    leaf = st.one_of(_words, _words.map(code), st.just(br()))
    if depth == 0:
        return leaf
    inner = st.lists(_node(depth - 1), min_size=1, max_size=4)
    return st.one_of(
        leaf,
        inner.map(lambda parts: bold(*parts)),
        inner.map(lambda parts: italic(*parts)),
        inner.map(lambda parts: quote(*parts)),
        inner.map(lambda parts: link("https://example.org/x?y=1&z=2", *parts)),
        inner.map(lambda parts: bullets(*parts)),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(_node(3), min_size=1, max_size=12), st.integers(min_value=8, max_value=120))
def test_every_part_is_valid_telegram_html(nodes: list[object], limit: int) -> None:
    markup = HTML.render(md(*nodes))  # type: ignore[arg-type]
    assume(parse_html(markup).text.strip())  # Telegram refuses an empty message anyway

    parts = split_html(markup, limit)

    texts = []
    for part in parts:
        parsed = parse_html(part)  # raises on broken HTML
        assert len(parsed.text) <= limit
        assert parsed.text.strip()
        texts.append(parsed.text)
    # Cuts fall on whitespace (dropped) or between characters (nothing lost).
    assert "".join("".join(texts).split()) == "".join(parse_html(markup).text.split())


@pytest.mark.parametrize(
    ("text", "private", "expected"),
    [
        ("/ping", False, ("ping", True, "ping")),
        ("/ping@Salon_Test_Bot 3 words", False, ("ping 3 words", True, "ping")),
        ("/ping@other_bot", False, None),
        ("/echo\nline two", True, ("echo line two", True, "echo")),
        ("!ping", False, ("!ping", False, None)),
        ("ping", True, ("ping", True, None)),
        ("ping", False, ("ping", False, None)),
        ("@salon_test_bot help tz", False, ("help tz", True, None)),
        ("@someone help", False, ("@someone help", False, None)),
        ("/", False, ("/", False, None)),
    ],
)
def test_invocations(text: str, private: bool, expected: tuple[str, bool, str] | None) -> None:
    found = invocation(text, private=private, bot_username="salon_test_bot")

    assert (found and (found.text, found.addressed, found.command)) == expected


def test_menu_respects_telegram_limits() -> None:
    def nothing() -> None:
        return None

    menu = bot_commands(
        [
            Command("ok_name", nothing, help="x" * 300),
            Command("dash-name", nothing, help="skipped: Telegram cannot show dashes"),
            Command("blank", nothing, help="  "),
        ]
    )

    assert [(c.command, len(c.description)) for c in menu] == [("ok_name", 256), ("blank", 5)]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.parametrize("opt_in", ["true", "false"])
@pytest.mark.parametrize("given", [3, dtm.timedelta(seconds=3)])
def test_retry_after_in_seconds_either_way(
    monkeypatch: pytest.MonkeyPatch, opt_in: str, given: int | dtm.timedelta
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", opt_in)

    assert retry_seconds(telegram.error.RetryAfter(given)) == 3.0


def test_empty_markup_renders_empty() -> None:
    assert HTML.render(Markup()) == ""


def test_config_errors_name_the_key(tmp_path: Path) -> None:
    def build(table: dict[str, object], env: dict[str, str]) -> None:
        config = config_from_mapping(
            {"database": {"url": f"sqlite:///{tmp_path}/s.db"}, "adapters": {"telegram": table}}
        )
        build_adapters(Bot(config, env=env), env)

    token = {"SALON_TELEGRAM_TOKEN": "1:abcdefgh"}
    with pytest.raises(ConfigError, match="SALON_TELEGRAM_TOKEN"):
        build({}, {})
    with pytest.raises(ConfigError, match=r"adapters\.telegram\.mode"):
        build({"mode": "push"}, token)
    with pytest.raises(ConfigError, match="SALON_TELEGRAM_WEBHOOK_SECRET"):
        build({"mode": "webhook"}, token)
    # The core reports attrs validator failures without their message (see the report).
    with pytest.raises(ConfigError, match=r"adapters\.telegram"):
        build({"webhook_path": "hook"}, token)


# --- hostile text in every place a member's words can reach --------------------------------

TG_MEMBER = MemberRef("telegram", "12345")

_hostile = hostile_text(
    [
        "@",
        "＠",
        "everyone",
        "here",
        "room",
        "<b>",
        "</i>",
        "<a href='x'>",
        "&amp;",
        "&lt;",
        "&#60;",
        "&",
        '"',
        "\n",
        "<code>",
    ]
)
_nodes = hostile_nodes(_hostile, TG_MEMBER, link_url="https://x.org/?a=1&b=2")


@settings(max_examples=300)
@given(_nodes)
def test_no_node_can_ping_or_inject_markup(nodes: list[object]) -> None:
    parsed = parse_html(HTML.render(md(*nodes)))  # type: ignore[arg-type]

    assert not BROADCAST.search(parsed.text), parsed.text
    assert not CONTROL.search(parsed.text)
    for entity in parsed.entities:
        assert entity["type"] in {"bold", "italic", "code", "text_link", "text_mention"}
        assert entity.get("url", "https://x.org/?a=1&b=2") == "https://x.org/?a=1&b=2"
        assert entity.get("user", {"id": 12345})["id"] == 12345


@given(_hostile)
def test_text_parses_back_to_what_was_typed(text: str) -> None:
    defused = CONTROL.sub("", text)
    for node, expected in [
        (text, defused),
        (bold(text), defused),
        (code(text), defused),
        (link("https://x.org", text), defused if text else "https://x.org"),
    ]:
        parsed = parse_html(HTML.render(md(node)))
        assert parsed.text.replace("\u2060", "") == expected.replace("\u2060", "")


@pytest.mark.parametrize(
    "body",
    [
        md(mention(MemberRef("slack", "U1"), "everyone")),
        md("@", "here"),
        md("@", bold("room")),
        md(link("https://x.org", "@", "channel")),
    ],
)
def test_a_ping_cannot_form_where_two_pieces_meet(body: Markup) -> None:
    assert not BROADCAST.search(parse_html(HTML.render(body)).text)


def test_a_member_of_another_platform_is_not_a_telegram_username() -> None:
    parsed = parse_html(HTML.render(md("hi ", mention(MemberRef("slack", "U1"), "durov"))))
    assert parsed.text == "hi @\u2060durov"
    assert parsed.entities == []


def test_a_private_chat_shares_the_members_dm_lane_and_a_group_is_paced_per_group(
    tmp_path: Path,
) -> None:
    from salon.adapters.telegram import TelegramAdapter
    from salon.core import Outbound, SpaceRef

    config = config_from_mapping({"database": {"url": f"sqlite:///{tmp_path / 's.db'}"}})
    env = {"SALON_TELEGRAM_TOKEN": "7000000001:AAEmulatorTokenForSalonTests_0123456"}
    adapter = TelegramAdapter(Bot(config, env=env), env=env)
    reply_in_dm = Outbound(md("hi"), space=SpaceRef("telegram", "10001"))
    direct = Outbound(md("hi"), recipient=MemberRef("telegram", "10001"))
    group = Outbound(md("hi"), space=SpaceRef("telegram", "-100123"))
    assert adapter.lane(reply_in_dm) == adapter.lane(direct) == ("dm:telegram:10001", False)
    assert adapter.lane(group) == ("space:-100123", True)

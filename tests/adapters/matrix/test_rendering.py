"""Neutral markup → Matrix content, and reading members' text (no server needed)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hostile_markup import BROADCAST, CONTROL, hostile_nodes, hostile_text
from hypothesis import given, settings
from hypothesis import strategies as st

from salon.adapters.matrix.config import MatrixConfig
from salon.adapters.matrix.inbound import mention_pattern, strip_reply_fallback
from salon.adapters.matrix.render import choice_number, message_content
from salon.core import Button, MemberRef, bold, bullets, code, italic, lines, link, md, mention
from salon.core.config import structure
from salon.core.errors import ConfigError

ALICE = MemberRef("matrix", "@alice:example.org")


def test_markup_becomes_the_recommended_html_subset() -> None:
    body = lines(
        md(bold("Goal"), " ", italic("set"), " ", code("!goal <n>")),
        bullets("one", md("two ", link("https://example.org/?a=1&b=2", "site"))),
        md("for ", mention(ALICE, "Alice <3")),
    )
    content = message_content(body)
    assert content["msgtype"] == "m.notice"
    assert content["format"] == "org.matrix.custom.html"
    assert content["formatted_body"] == (
        "<strong>Goal</strong> <em>set</em> <code>!goal &lt;n&gt;</code>"
        '<ul><li>one</li><li>two <a href="https://example.org/?a=1&amp;b=2">site</a></li></ul>'
        'for <a href="https://matrix.to/#/@alice:example.org">Alice &lt;3</a>'
    )
    assert content["body"] == (
        "*Goal* _set_ `!goal <n>`\n• one\n• two site (https://example.org/?a=1&b=2)\nfor @Alice <3"
    )
    assert content["m.mentions"] == {"user_ids": ["@alice:example.org"]}


def test_mentions_key_is_always_present_and_never_room() -> None:
    content = message_content(md("@room and @everyone, see https://matrix.to/#/@bob:x"))
    assert content["m.mentions"] == {}
    assert "@room" not in content["body"] and "@room" not in content["formatted_body"]


def test_other_platforms_mentions_are_plain_names() -> None:
    content = message_content(md(mention(MemberRef("slack", "U1"), "Sam")))
    assert content["formatted_body"] == "@Sam"
    assert content["m.mentions"] == {}


def test_unsafe_links_are_not_links() -> None:
    content = message_content(md(link("javascript:alert(1)", "click")))
    assert "<a" not in content["formatted_body"]


@given(st.text())
def test_user_text_never_becomes_html(text: str) -> None:
    html = message_content(md(text))["formatted_body"]
    assert "<" not in html.replace("<br>", "")


def test_buttons_are_numbered_choices() -> None:
    content = message_content(md("Pick"), (Button("<b>Red</b>", "a"), Button("Blue", "a")))
    assert content["body"].split("\n")[:3] == [
        "Pick",
        "1\ufe0f\u20e3 <b>Red</b>",
        "2\ufe0f\u20e3 Blue",
    ]
    assert "<ol><li>&lt;b&gt;Red&lt;/b&gt;</li><li>Blue</li></ol>" in content["formatted_body"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", 2),
        (" 1 ", 1),
        ("2\ufe0f\u20e3", 2),
        ("2\u20e3", 2),
        ("3", None),
        ("0", None),
        ("two", None),
        ("\U0001f51f", None),
    ],
)
def test_choice_numbers(text: str, expected: int | None) -> None:
    assert choice_number(text, 2) == expected


def test_reply_fallback_is_stripped() -> None:
    assert strip_reply_fallback("> <@a:x> !ping\n> more\n\n!help") == "!help"
    assert strip_reply_fallback("no quote") == "no quote"


def test_leading_mention_of_the_bot() -> None:
    pattern = mention_pattern(["@salon:x", "salon", "Salon Bot"])
    assert pattern.sub("", "Salon Bot: help", count=1) == "help"
    assert pattern.sub("", "@salon:x, ping", count=1) == "ping"
    assert pattern.sub("", "salonist help", count=1) == "salonist help"


def test_config_errors_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"adapters\.matrix\.homeserver: expected an http"):
        structure({"homeserver": "matrix.org"}, MatrixConfig, "adapters.matrix").check()
    config = {"homeserver": "https://m.org", "allowed_inviters": ["bob"]}
    with pytest.raises(ConfigError, match=r"adapters\.matrix\.allowed_inviters: .*'bob'"):
        structure(config, MatrixConfig, "adapters.matrix").check()
    with pytest.raises(ConfigError, match="typo"):
        structure({"homeserver": "https://m.org", "typo": 1}, MatrixConfig, "adapters.matrix")


# --- hostile text in every place a member's words can reach --------------------------------


class _Visible(HTMLParser):
    """The text a client shows for ``formatted_body``, and the links in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.text.append("\n")
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible(formatted: str) -> _Visible:
    parser = _Visible()
    parser.feed(formatted)
    parser.close()
    return parser


_hostile = hostile_text(
    [
        "@",
        "＠",
        "room",
        "everyone",
        "<a href='javascript:alert(1)'>",
        "</strong>",
        "&amp;",
        "&lt;",
        "&",
        "'",
        '"',
        "\n",
        "@room:x",
    ]
)
_nodes = hostile_nodes(_hostile, ALICE, link_url="https://x.org/?a=1&b=2")


@settings(max_examples=300)
@given(_nodes)
def test_no_node_can_ping_the_room_or_inject_html(nodes: list[object]) -> None:
    content = message_content(md(*nodes))  # type: ignore[arg-type]
    shown = visible(content["formatted_body"])

    assert not BROADCAST.search(content["body"]), content["body"]
    assert not BROADCAST.search("".join(shown.text))
    assert not CONTROL.search(content["body"] + "".join(shown.text))
    assert set(shown.hrefs) <= {"https://x.org/?a=1&b=2", "https://matrix.to/#/@alice:example.org"}
    assert content["m.mentions"] in ({}, {"user_ids": [ALICE.id]})


@given(_hostile)
def test_formatted_text_reads_as_typed(text: str) -> None:
    defused = CONTROL.sub("", text).replace("\u2060", "")
    for node in (text, bold(text), code(text)):
        shown = "".join(visible(message_content(md(node))["formatted_body"]).text)
        assert shown.replace("\u2060", "") == defused


@pytest.mark.parametrize(
    "body",
    [
        md(mention(ALICE, "room")),
        md(mention(MemberRef("slack", "U1"), "everyone")),
        md("@", "room"),
        md("@", bold("room")),
        md(link("https://x.org", "@", "room")),
    ],
)
def test_a_ping_cannot_form_where_two_pieces_meet(body: object) -> None:
    content = message_content(body)  # type: ignore[arg-type]
    assert not BROADCAST.search(content["body"])
    assert not BROADCAST.search("".join(visible(content["formatted_body"]).text))

"""Neutral markup → Matrix content, and reading members' text (no server needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
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

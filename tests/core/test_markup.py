"""Neutral markup: helpers build trees; the plain renderer keeps user text inert."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from salon.core import MemberRef, bold, bullets, code, italic, lines, link, md, mention, quote
from salon.core.markup import WORD_JOINER, defuse
from salon.core.rendering import render_plain

BROADCAST = re.compile(r"[@\uff20](everyone|channel|here|room|all)\b", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

hostile_text = st.lists(
    st.one_of(
        st.text(max_size=5),
        st.sampled_from(
            ["@", "＠", "everyone", "channel", "room", "here", "<", ">", "&", "*", "\n"]
        ),
    ),
    max_size=40,
).map("".join)


@given(hostile_text)
def test_user_text_never_pings_a_whole_space(text: str) -> None:
    rendered = render_plain(md("You said: ", bold(text), " ", italic(text), " ", code(text)))
    assert not BROADCAST.search(rendered)
    assert not CONTROL.search(rendered)


@given(hostile_text)
def test_user_text_is_preserved_apart_from_defusing(text: str) -> None:
    rendered = render_plain(md(text))
    expected = CONTROL.sub("", text)
    assert rendered.replace(WORD_JOINER, "") == expected.replace(WORD_JOINER, "")


def test_broadcast_words_are_defused_but_read_the_same() -> None:
    assert defuse("hi @everyone and @Channel") == (
        f"hi @{WORD_JOINER}everyone and @{WORD_JOINER}Channel"
    )
    assert defuse("mail me at x@roomservice.com") == "mail me at x@roomservice.com"


def test_plain_rendering_of_each_node() -> None:
    body = lines(
        md(bold("Goal"), ": ", italic("50,000"), " ", code("wc 300")),
        bullets("one", md("two ", bold("bold"))),
        bullets("first", "second", ordered=True),
        quote("quoted\ntext"),
        md(link("https://example.org", "site"), " ", link("javascript:alert(1)", "bad")),
        md(mention(MemberRef("console", "bob"), "bob")),
    )
    assert render_plain(body) == (
        "*Goal*: _50,000_ `wc 300`\n"
        "• one\n• two *bold*\n"
        "1. first\n2. second\n"
        "> quoted\n> text\n"
        "site (https://example.org) bad\n"
        "@bob"
    )


def test_markup_concatenates_and_reports_plain_text() -> None:
    body = md("a", bold("b")) + "c"
    assert body.plain() == "abc"
    assert md().nodes == ()
    assert not md("")


def test_mentions_and_joined_nodes_cannot_form_a_broadcast() -> None:
    rendered = render_plain(
        md(mention(MemberRef("console", "x"), "everyone"), " ", "@", bold("room"), " @", "here")
    )
    assert not BROADCAST.search(rendered)

"""Neutral markup: helpers build trees; the plain renderer keeps user text inert."""

from __future__ import annotations

from hostile_markup import BROADCAST, CONTROL, hostile_text
from hypothesis import given

from salon.core import MemberRef, bold, bullets, code, italic, lines, link, md, mention, quote
from salon.core.markup import WORD_JOINER, defuse
from salon.core.rendering import render_plain

hostile = hostile_text(["<", ">", "*"])


@given(hostile)
def test_user_text_never_pings_a_whole_space(text: str) -> None:
    rendered = render_plain(md("You said: ", bold(text), " ", italic(text), " ", code(text)))
    assert not BROADCAST.search(rendered)
    assert not CONTROL.search(rendered)


@given(hostile)
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


def test_spaces_at_the_edges_of_emphasis_go_outside_the_markers() -> None:
    # "*1/3 *What" is no bold on Slack or in Markdown: "*1/3* What" is.
    assert render_plain(md(bold("1/3 "), "What did you write?")) == "*1/3* What did you write?"
    assert render_plain(md("a", italic(" note "), "b")) == "a _note_ b"
    assert render_plain(md(bold(" "))) == "* *"

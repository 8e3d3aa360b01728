"""Neutral markup → mrkdwn/Block Kit, and Slack text → neutral text."""

from __future__ import annotations

import re

import pytest
from hostile_markup import BROADCAST, CONTROL, hostile_nodes, hostile_text
from hypothesis import given
from hypothesis import strategies as st

from salon.adapters.slack.inbound import plain_text
from salon.adapters.slack.render import (
    SECTION_LIMIT,
    action_of,
    render_message,
    render_mrkdwn,
    split_text,
)
from salon.core import Button, MemberRef, bold, code, italic, link, md, mention, quote
from salon.core.markup import WORD_JOINER

# Anything Slack would treat as markup: <!channel>, <@U…>, <#C…>, <url|label>.
SLACK_TOKEN = re.compile(r"<[^>]*>")


@given(st.text())
def test_user_text_never_becomes_slack_markup(text: str) -> None:
    body = md(text, bold(text), italic(text), code(text), quote(text), link("https://x.org", text))
    fallback, blocks = render_message(body)
    for rendered in [fallback, *(b["text"]["text"] for b in blocks)]:
        tokens = SLACK_TOKEN.findall(rendered)
        assert all(token.startswith("<https://x.org|") for token in tokens), tokens


def test_formatting_links_and_mentions() -> None:
    body = md(
        bold("50 words"),
        " ",
        italic("by Friday"),
        " ",
        code("!goal 50"),
        " ",
        link("https://example.org/a|b?x=1&y=2", "the <guide>"),
        " ",
        mention(MemberRef("slack", "U024BE7LH"), "Bob"),
        " ",
        mention(MemberRef("telegram", "42"), "<!channel>"),
        " ",
        link("javascript:alert(1)", "unsafe"),
    )

    fallback, blocks = render_message(body)

    assert blocks[0]["text"]["text"] == (
        "*50 words* _by Friday_ `!goal 50` "
        "<https://example.org/a%7Cb?x=1&amp;y=2|the &lt;guide&gt;> <@U024BE7LH> @&lt;!channel&gt; unsafe"
    )
    assert fallback.startswith("*50 words* _by Friday_ `!goal 50` the &lt;guide&gt; (https://")


def test_long_text_is_split_into_sections_at_line_breaks() -> None:
    row = "word & more " * 20
    body = md("\n".join([row] * 60))

    _, blocks = render_message(body)

    texts = [b["text"]["text"] for b in blocks]
    assert len(texts) > 1
    assert all(len(t) <= SECTION_LIMIT for t in texts)
    assert all(not t.endswith("&amp") for t in texts)
    assert "".join(texts).replace("\n", "") == ("\n".join([row] * 60)).replace(
        "&", "&amp;"
    ).replace("\n", "")


@given(st.text(alphabet="ab &<>\n", max_size=400), st.integers(min_value=8, max_value=60))
def test_split_never_cuts_an_entity(text: str, limit: int) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    pieces = split_text(escaped, limit)
    for piece in pieces:
        assert len(piece) <= limit
        assert re.fullmatch(r"(?:[^&]|&amp;|&lt;|&gt;)*", piece), piece


def test_buttons_become_an_actions_block() -> None:
    buttons = (
        Button("Yes <!here>", "checkins.confirm", "1"),
        Button("No", "checkins.confirm", "0"),
    )

    _, blocks = render_message(md("Sure?"), buttons)

    actions = blocks[-1]
    assert actions["type"] == "actions"
    ids = [e["action_id"] for e in actions["elements"]]
    assert len(set(ids)) == 2 and {action_of(i) for i in ids} == {"checkins.confirm"}
    assert [e["value"] for e in actions["elements"]] == ["1", "0"]
    assert actions["elements"][0]["text"] == {
        "type": "plain_text",
        "text": "Yes <!here>",
        "emoji": True,
    }


def test_slack_text_back_to_what_was_typed() -> None:
    assert plain_text("goal &lt;50&gt; &amp; more") == "goal <50> & more"
    assert (
        plain_text("see <https://x.org|x.org> and <http://y.org>") == "see x.org and http://y.org"
    )
    assert plain_text("<!channel> <!here> hi <#C123|general>") == "@channel @here hi #general"
    assert plain_text("buddy <@U123> <@U456|bob>") == "buddy <@U123> <@U456>"


# --- hostile text in every place a member's words can reach --------------------------------

SAFE_URL = "https://x.org/p?a=1&b=2"
SLACK_MEMBER = MemberRef("slack", "U024BE7LH")

hostile = hostile_text(
    [
        "@",
        "＠",
        "everyone",
        "channel",
        "here",
        "room",
        "<!channel>",
        "<!subteam^S1|@t>",
        "<@U123>",
        "<https://evil.org|x>",
        "&lt;",
        "&amp;",
        "`",
        "*",
        "_",
        "|",
        "\n",
    ]
)
hostile_markup_nodes = hostile_nodes(hostile, SLACK_MEMBER, link_url=SAFE_URL)


@given(hostile_markup_nodes)
def test_no_node_can_ping_or_link_whatever_the_member_wrote(nodes: list[object]) -> None:
    fallback, blocks = render_message(md(*nodes))  # type: ignore[arg-type]
    for rendered in [fallback, *(b["text"]["text"] for b in blocks)]:
        for token in SLACK_TOKEN.findall(rendered):
            assert token == f"<@{SLACK_MEMBER.id}>" or token.startswith("<https://x.org/"), token
        assert not BROADCAST.search(rendered), rendered
        assert not CONTROL.search(rendered)


@pytest.mark.parametrize(
    "body",
    [
        md(mention(MemberRef("telegram", "42"), "everyone")),
        md("@", "here"),
        md("@", bold("channel")),
        md(link(SAFE_URL, "@", "room")),
    ],
)
def test_a_ping_cannot_form_where_two_pieces_meet(body: object) -> None:
    fallback, blocks = render_message(body)  # type: ignore[arg-type]
    assert not BROADCAST.search(fallback)
    assert not BROADCAST.search(blocks[0]["text"]["text"])


@given(hostile)
def test_escaped_text_reads_back_as_typed(text: str) -> None:
    _, blocks = render_message(md(text))
    shown = plain_text("".join(b["text"]["text"] for b in blocks))
    assert shown.replace(WORD_JOINER, "") == CONTROL.sub("", text).replace(WORD_JOINER, "")


def test_a_bold_step_number_with_a_trailing_space_stays_bold() -> None:
    assert render_mrkdwn(md(bold("1/3 "), "What did you write?")) == "*1/3* What did you write?"

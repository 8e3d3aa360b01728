"""The whole exchange among four members across two platforms: alice submits a .docx on
Slack (through the form, as a modal would), the round opens, bob (Telegram) and dave (Slack)
claim, carol (Telegram) finds the piece full, dave's claim expires after its reminder and
carol takes the slot, bob and carol critique with paragraph comments, alice rates them, and
gets the compiled file when the round closes. The ledger is checked at each step."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from documents import docx_bytes

from plugins.critique.helpers import balance, button, critique_text, last, plain
from salon.core.storage import sa
from salon.core.testing import WITH_FORMS, Platform, SalonHarness, default_config
from salon.plugins.critique import tables

TELEGRAM = "telegram"
SLACK = "slack"


@pytest.fixture
def salon_platforms() -> list[Platform]:
    return [Platform(SLACK, WITH_FORMS), Platform(TELEGRAM)]


@pytest.fixture
def salon_config(tmp_path: Path) -> dict[str, Any]:
    config = default_config(tmp_path / "salon.db")
    config["community"]["organisers"] = ["slack:olive"]
    config["community"]["spaces"] = ["slack:general", "telegram:general"]
    config["plugins"] = {"critique": {"critiquers_per_piece": 2}}
    return config


def paragraphs(count: int = 6, words: int = 80) -> list[str]:
    return [" ".join(f"p{n}w{i}" for i in range(words)) for n in range(1, count + 1)]


async def critique(harness: SalonHarness, name: str, comments: str) -> list[Any]:
    """Answer the critique dialog one question at a time (Telegram has no forms)."""
    await harness.send(critique_text(200), as_=name, dm=True, platform=TELEGRAM)
    await harness.send(critique_text(100), as_=name, dm=True, platform=TELEGRAM)
    await harness.send(critique_text(80), as_=name, dm=True, platform=TELEGRAM)
    await harness.send("1. It does. 2. Slightly.", as_=name, dm=True, platform=TELEGRAM)
    return await harness.send(comments, as_=name, dm=True, platform=TELEGRAM)


async def test_a_whole_exchange(salon_bot: SalonHarness) -> None:
    h = salon_bot
    for name, platform in (
        ("alice", SLACK),
        ("bob", TELEGRAM),
        ("carol", TELEGRAM),
        ("dave", SLACK),
    ):
        await h.send("!credits", as_=name, platform=platform)
    # alice starts with 2 credits; a piece costs 3: an organiser grants her one
    replies = await h.send("!credits grant alice 1 welcome", as_="olive", platform=SLACK)
    assert "Their balance is 3 credits" in plain(replies)
    assert await balance(h, "alice", SLACK) == Decimal(3)

    # submit a .docx in a DM on Slack; the details come through the form (a modal on Slack)
    data = docx_bytes(*paragraphs())
    replies = await h.send(
        "critique submit", as_="alice", dm=True, platform=SLACK, files=[("lighthouse.docx", data)]
    )
    form = replies[-1].outbound.form
    assert form is not None and [f.name for f in form.fields] == [
        "title",
        "genre",
        "notes",
        "questions",
    ]
    replies = await h.submit(
        form,
        {"title": "The Lighthouse", "genre": "literary", "notes": "", "questions": "Does it land?"},
        as_="alice",
        dm=True,
        platform=SLACK,
    )
    assert "480 words in 6 paragraphs" in plain(replies)
    assert "costs 3 credits; you have 3 credits" in plain(replies)
    replies = await h.press(button(replies, "Submit"), as_="alice", dm=True, platform=SLACK)
    assert "Place 1 of 1 in the newcomers' lane" in plain(replies)
    assert "round of Wed 07 Jan, 00:00 UTC" in plain(replies)
    assert await balance(h, "alice", SLACK) == Decimal(0)

    # the round opens on Wednesday at midnight: announced on both platforms
    replies = await h.advance(to=datetime(2026, 1, 7, 0, 0, tzinfo=UTC))
    announced = [d for d in replies if "Out for critique" in d.outbound.body.plain()]
    assert {d.outbound.space.platform for d in announced} == {SLACK, TELEGRAM}
    claim_tg = button([d for d in announced if d.outbound.space.platform == TELEGRAM], "Critique")
    claim_slack = button([d for d in announced if d.outbound.space.platform == SLACK], "Critique")

    # bob claims on Telegram, dave on Slack; carol finds it full
    replies = await h.press(claim_tg, as_="bob", platform=TELEGRAM)
    assert "is yours to critique until Wed 14 Jan" in plain(replies)
    assert "¶1 p1w0" in plain(replies)
    await h.press(claim_slack, as_="dave", platform=SLACK)
    replies = await h.press(claim_tg, as_="carol", platform=TELEGRAM)
    assert "All 2 critique slots of piece 1 are taken" in last(replies)

    # bob critiques, with paragraph comments; he restarts halfway and carries on
    replies = await h.send("critique write 1", as_="bob", dm=True, platform=TELEGRAM)
    assert "The author asks:" in plain(replies) and "Does it land?" in plain(replies)
    await h.send(critique_text(200), as_="bob", dm=True, platform=TELEGRAM)
    await h.restart()
    await h.send(critique_text(100), as_="bob", dm=True, platform=TELEGRAM)
    await h.send(critique_text(80), as_="bob", dm=True, platform=TELEGRAM)
    await h.send("It lands.", as_="bob", dm=True, platform=TELEGRAM)
    replies = await h.send(
        "¶2: a lovely image\n¶5: slow here", as_="bob", dm=True, platform=TELEGRAM
    )
    assert "387 words" in plain(replies) and "It earned 1 credit; you have 3 credits" in plain(
        replies
    )
    assert await balance(h, "bob", TELEGRAM) == Decimal(3)
    to_alice = h.sent_to("alice", SLACK)[-1]
    assert "A critique of The Lighthouse by bob" in to_alice.outbound.body.plain()
    assert "¶2 a lovely image" in to_alice.outbound.body.plain()

    # dave is reminded a day before his claim runs out; then it expires and carol takes it
    replies = await h.advance(to=datetime(2026, 1, 13, 0, 1, tzinfo=UTC))
    assert any(
        "A reminder" in d.outbound.body.plain()
        for d in replies
        if d.recipient == h.member("dave", SLACK).ref
    )
    replies = await h.advance(to=datetime(2026, 1, 14, 0, 1, tzinfo=UTC))
    assert "ran out" in plain(h.sent_to("dave", SLACK)[-1:])
    replies = await h.press(claim_tg, as_="carol", platform=TELEGRAM)
    assert "is yours to critique" in plain(replies)

    # carol's is longer: 1.5 credits
    await h.send("critique write 1", as_="carol", dm=True, platform=TELEGRAM)
    await h.send(critique_text(500), as_="carol", dm=True, platform=TELEGRAM)
    await h.send(critique_text(200), as_="carol", dm=True, platform=TELEGRAM)
    await h.send(critique_text(10), as_="carol", dm=True, platform=TELEGRAM)
    await h.send("skip", as_="carol", dm=True, platform=TELEGRAM)
    replies = await h.send("p6: the ending lands", as_="carol", dm=True, platform=TELEGRAM)
    assert "It earned 1.5 credits; you have 3.5 credits" in plain(replies)
    assert await balance(h, "carol", TELEGRAM) == Decimal("3.5")
    assert await balance(h, "dave", SLACK) == Decimal(2)  # his claim expired: nothing earned

    # alice rates both (once) and thanks bob
    critiques = [
        d for d in h.sent_to("alice", SLACK) if d.outbound.body.plain().startswith("A critique of")
    ]
    replies = await h.press(button(critiques[0:1], "4"), as_="alice", dm=True, platform=SLACK)
    assert "Rated 4/5" in last(replies)
    replies = await h.press(button(critiques[0:1], "5"), as_="alice", dm=True, platform=SLACK)
    assert "already" in last(replies)
    await h.press(button(critiques[1:2], "5"), as_="alice", dm=True, platform=SLACK)
    await h.press(button(critiques[0:1], "Say thanks"), as_="alice", dm=True, platform=SLACK)
    assert "alice thanks you" in h.sent_to("bob", TELEGRAM)[-1].outbound.body.plain()
    replies = await h.send("!critique stats", as_="carol", platform=TELEGRAM)
    assert "rated 5.0/5 on average by authors (1 rating)" in plain(replies)

    # the next round closes this one: alice can get everything as one file
    replies = await h.advance(to=datetime(2026, 1, 21, 0, 1, tzinfo=UTC))
    closing = [
        d for d in h.sent_to("alice", SLACK) if "The round closed" in d.outbound.body.plain()
    ]
    assert closing and "got 2 critiques" in closing[-1].outbound.body.plain()
    replies = await h.press(button(closing, "Word file"), as_="alice", dm=True, platform=SLACK)
    (file,) = replies[-1].outbound.files
    assert file.name == "1-the-lighthouse-critiques.docx"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(file.data)).paragraphs)
    assert "¶2 " in text and "bob: a lovely image" in text and "carol: the ending lands" in text
    replies = await h.press(button(closing, "Markdown file"), as_="alice", dm=True, platform=SLACK)
    markdown = replies[-1].outbound.files[0].data.decode()
    assert "# The Lighthouse" in markdown and "> bob: slow here" in markdown

    # the ledger, row by row
    async with h.bot.storage.engine.connect() as db:
        rows = (
            await db.execute(
                sa.select(tables.ledger.c.reason, tables.ledger.c.amount_halves).order_by(
                    tables.ledger.c.id
                )
            )
        ).all()
    reasons = [(reason.split(":")[0], amount) for reason, amount in rows]
    assert ("submitted piece 1 “The Lighthouse”", -6) in reasons
    assert ("critique of piece 1 “The Lighthouse”", 2) in reasons
    assert ("critique of piece 1 “The Lighthouse”", 3) in reasons
    assert sum(1 for r, _ in reasons if r == "starting credits") == 4

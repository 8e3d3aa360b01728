"""Bad input gets a clear reply and changes nothing: a snapshot of every critique table (and
the job keys) is the same before and after."""

from __future__ import annotations

from typing import Any

import pytest
from documents import docx_bytes

from plugins.critique.helpers import button, grant, last, plain, snapshot, submit
from salon.core.testing import SalonHarness


async def released_piece(h: SalonHarness) -> list[Any]:
    """alice's piece 1, out for critique; bob and carol have written to the bot."""
    for name in ("alice", "bob", "carol", "dave"):
        await h.send("!credits", as_=name)
    await grant(h, "alice", "1")
    replies = await submit(h, "alice")
    await h.press(button(replies, "Submit"), as_="alice", dm=True)
    return await h.send("!critique round open", as_="olive")


async def unchanged(
    h: SalonHarness, text: str, expected: str, *, as_: str, dm: bool = True, files: Any = ()
) -> None:
    before = await snapshot(h)
    replies = await h.send(text, as_=as_, dm=dm, files=files)
    assert expected in plain(replies), plain(replies)
    assert await snapshot(h) == before


async def test_an_empty_piece_is_refused(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!credits", as_="alice")
    await unchanged(
        salon_bot,
        "critique submit",
        "has no text in it",
        as_="alice",
        files=[("empty.txt", b"   \n\n  ")],
    )


async def test_a_pasted_piece_without_words_is_asked_again(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!credits", as_="alice")
    await salon_bot.send("critique submit", as_="alice", dm=True)
    for answer in ("Title", "skip", "skip", "skip"):
        await salon_bot.send(answer, as_="alice", dm=True)
    await unchanged(salon_bot, "... !!! ---", "That piece is empty", as_="alice")


async def test_twenty_thousand_words_are_refused(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!credits", as_="alice")
    huge = docx_bytes(*([" ".join(["word"] * 1000)] * 20))
    await unchanged(
        salon_bot,
        "critique submit",
        "That piece has 20,000 words; pieces can have at most 7,500",
        as_="alice",
        files=[("novel.docx", huge)],
    )


async def test_a_pasted_piece_too_short_is_asked_again(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!credits", as_="alice")
    await salon_bot.send("critique submit", as_="alice", dm=True)
    for answer in ("Title", "skip", "skip", "skip"):
        await salon_bot.send(answer, as_="alice", dm=True)
    await unchanged(salon_bot, "Just a few words.", "at least 300 words", as_="alice")


async def test_an_unknown_piece(salon_bot: SalonHarness) -> None:
    await released_piece(salon_bot)
    await unchanged(salon_bot, "critique claim 99", "There is no piece 99", as_="bob")
    await unchanged(salon_bot, "critique claim twelve", "is not a piece number", as_="bob")


async def test_claiming_a_full_piece(salon_bot: SalonHarness) -> None:
    await released_piece(salon_bot)
    for name in ("bob", "carol", "dave", "erin"):
        await salon_bot.send("critique claim 1", as_=name, dm=True)
    await unchanged(salon_bot, "critique claim 1", "All 4 critique slots of piece 1", as_="frank")


async def test_critiquing_ones_own_piece(salon_bot: SalonHarness) -> None:
    await released_piece(salon_bot)
    await unchanged(salon_bot, "critique claim 1", "your own", as_="alice")
    await unchanged(salon_bot, "critique write 1", "your own", as_="alice")


async def test_claiming_twice(salon_bot: SalonHarness) -> None:
    await released_piece(salon_bot)
    await salon_bot.send("critique claim 1", as_="bob", dm=True)
    await unchanged(salon_bot, "critique claim 1", "claimed piece 1 already", as_="bob")


async def test_rating_twice_and_rating_someone_elses(salon_bot: SalonHarness) -> None:
    await released_piece(salon_bot)
    await salon_bot.send("critique claim 1", as_="bob", dm=True)
    await salon_bot.send("critique write 1", as_="bob", dm=True)
    for answer in ("Good.", "The start.", "The end.", "skip"):
        await salon_bot.send(answer, as_="bob", dm=True)
    replies = await salon_bot.send("skip", as_="bob", dm=True)
    assert "Critiques under 150 words earn no credits; you have 2 credits." in plain(replies)
    await salon_bot.send("critique rate 1 4", as_="alice", dm=True)
    await unchanged(
        salon_bot, "critique rate 1 5", "You rated this critique 4/5 already", as_="alice"
    )
    await unchanged(salon_bot, "critique rate 1 5", "Only the piece's author", as_="carol")
    await unchanged(salon_bot, "critique rate 1 9", "Ratings go from 1 to 5", as_="alice")


async def test_withdrawing_someone_elses_piece(salon_bot: SalonHarness) -> None:
    for name in ("alice", "bob"):
        await salon_bot.send("!credits", as_=name)
    await grant(salon_bot, "alice", "1")
    replies = await submit(salon_bot, "alice")
    await salon_bot.press(button(replies, "Submit"), as_="alice", dm=True)
    await unchanged(salon_bot, "critique withdraw 1", "isn't yours", as_="bob")


async def test_not_enough_credits_changes_nothing(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!credits", as_="alice")
    replies = await submit(salon_bot, "alice")
    before = await snapshot(salon_bot)
    replies = await salon_bot.press(button(replies, "Submit"), as_="alice", dm=True)
    assert "This piece costs 3 credits and you have 2 credits" in last(replies)
    assert await snapshot(salon_bot) == before


async def test_bad_paragraph_comments_are_asked_again(salon_bot: SalonHarness) -> None:
    await released_piece(salon_bot)
    await salon_bot.send("critique claim 1", as_="bob", dm=True)
    await salon_bot.send("critique write 1", as_="bob", dm=True)
    for answer in ("Good.", "The start.", "The end.", "skip"):
        await salon_bot.send(answer, as_="bob", dm=True)
    await unchanged(salon_bot, "¶40: nice", "there is no ¶40", as_="bob")
    await unchanged(salon_bot, "nice overall", "Start each paragraph comment with", as_="bob")
    replies = await salon_bot.send("¶2: nice", as_="bob", dm=True)
    assert "Thank you!" in plain(replies)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!credits grant bob lots of", "is not an amount of credits"),
        ("!credits grant bob 0.3 oops", "whole or half steps"),
        ("!credits grant nobody 2 hi", "I don't know a member"),
        ("!credits correct bob -9 too many", "can't take the balance below zero"),
        ("!critique move 99 1", "There is no piece 99"),
        ("!critique round every someday 10:00", "is not a weekday"),
    ],
)
async def test_organiser_mistakes(salon_bot: SalonHarness, text: str, expected: str) -> None:
    await salon_bot.send("!credits", as_="bob")
    await unchanged(salon_bot, text, expected, as_="olive", dm=False)


async def test_members_cannot_run_organiser_commands(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!credits", as_="bob")
    await unchanged(salon_bot, "!credits grant bob 5 me", "Only organisers", as_="bob", dm=False)
    await unchanged(salon_bot, "!critique round open", "Only organisers", as_="bob", dm=False)


async def test_a_document_sent_alone_in_a_dm_starts_a_submission(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!credits", as_="alice")
    piece = docx_bytes(*([" ".join(["word"] * 100)] * 4))
    replies = await salon_bot.send("", as_="alice", dm=True, files=[("story.docx", piece)])
    assert "What is the piece called?" in plain(replies)


async def test_user_text_in_announcements_pings_nobody(salon_bot: SalonHarness) -> None:
    from hostile_markup import BROADCAST

    await salon_bot.send("!credits", as_="alice")
    await grant(salon_bot, "alice", "1")
    replies = await submit(salon_bot, "alice", title="@everyone *read* <!channel>")
    await salon_bot.press(button(replies, "Submit"), as_="alice", dm=True)
    replies = await salon_bot.send("!critique round open", as_="olive")
    posted = [d for d in replies if "Out for critique" in d.outbound.body.plain()]
    assert posted and not BROADCAST.search(posted[0].text)

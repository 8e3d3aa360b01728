"""Long texts where they belong: a chapter in a DM, a command-sized cap in groups."""

from __future__ import annotations

import pytest

from salon.core import Context, Message, hookimpl


class Chapters:
    """Takes pasted chapters as answers to its question, and files in DMs."""

    def __init__(self) -> None:
        self.received: list[Message] = []

    @hookimpl
    async def message_received(self, message: Message, ctx: Context) -> bool | None:
        if not ctx.space.is_direct:
            return None
        self.received.append(message)
        if message.attachments:
            paragraphs = await ctx.read_document(message.attachments[0])
            ctx.reply(f"{len(paragraphs)} paragraphs, starting {paragraphs[0][:20]!r}")
        else:
            ctx.reply(f"got {len(message.text):,} characters")
        return True


@pytest.fixture
def chapters() -> Chapters:
    return Chapters()


@pytest.fixture
def salon_plugins(chapters: Chapters) -> list[tuple[str, object]]:
    return [("chapters", chapters)]


async def test_a_40000_character_answer_in_a_dm_is_accepted(salon_bot, chapters) -> None:  # type: ignore[no-untyped-def]
    salon_bot.bot.awaited.expect(salon_bot.member("alice").ref, "chapters")
    chapter = ("All work and no play. " * 2000)[:40_000]
    assert salon_bot.texts(await salon_bot.send(chapter, dm=True)) == ["got 40,000 characters"]
    assert chapters.received[0].text == chapter


async def test_a_9000_character_group_message_is_refused_with_the_way_out(salon_bot) -> None:  # type: ignore[no-untyped-def]
    [reply] = salon_bot.texts(await salon_bot.send("!echo " + "x" * 9000))
    assert "too long for me in a group (9,006 characters; the limit is 4,000)" in reply
    assert "direct message (up to 60,000 characters)" in reply
    assert ".txt, .md or .docx file" in reply


async def test_over_the_direct_limit_the_refusal_says_to_send_a_file(salon_bot) -> None:  # type: ignore[no-untyped-def]
    [reply] = salon_bot.texts(await salon_bot.send("y" * 60_001, dm=True))
    assert "(60,001 characters; the limit is 60,000)" in reply
    assert "send it as a file instead" in reply


async def test_long_texts_get_the_same_character_checks(salon_bot) -> None:  # type: ignore[no-untyped-def]
    text = "a" * 10_000 + "\u202e" + "b" * 10_000
    [reply] = salon_bot.texts(await salon_bot.send(text, dm=True))
    assert "invisible control characters" in reply
    [reply] = salon_bot.texts(await salon_bot.send("c" * 10_000 + "\ud800", dm=True))
    assert "characters I can't read" in reply


async def test_a_document_sent_in_a_dm_reaches_the_feature(salon_bot) -> None:  # type: ignore[no-untyped-def]
    replies = await salon_bot.send("", dm=True, files=[("ch.md", b"# One\n\nTwo words.")])
    assert salon_bot.texts(replies) == ["2 paragraphs, starting 'One'"]
    big = [("big.txt", b"z" * (2 * 1024 * 1024 + 1))]
    [refusal] = salon_bot.texts(await salon_bot.send("", dm=True, files=big))
    assert "is over the limit of 2 MB, so I haven't downloaded it" in refusal


async def test_a_file_nobody_reads_gets_an_answer(tmp_path, salon_clock) -> None:  # type: ignore[no-untyped-def]
    from salon.core.testing import SalonHarness, default_config

    harness = SalonHarness(default_config(tmp_path / "s.db"), salon_clock)  # no Chapters plugin
    await harness.start()
    try:
        replies = await harness.send("", dm=True, files=[("ch1.docx", b"PK")])
    finally:
        await harness.stop()
    assert harness.texts(replies) == [
        "I got “ch1.docx”, but nothing here reads files at the moment. "
        "Send `!help` to see what I can do."
    ]

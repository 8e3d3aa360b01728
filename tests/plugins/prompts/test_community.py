"""One community across platforms: a community-wide prompt goes to every community space; a
linked person responds on either platform and is one person to the hook; a third-party source
is a few lines; my data, forget me and merging people cover suggestions and responses."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from plugins.prompts.helpers import Recorder, plain, prompts_posted, rows
from salon.core import Prompt, PromptSource, SpaceRef, hookimpl
from salon.core.clock import ManualClock
from salon.core.testing import PLAIN, SalonHarness, default_config
from salon.plugins.prompts import tables

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
PIECE = "Under the bridge the river kept its own counsel, and so did the woman fishing there. " * 2


@pytest.fixture
async def two_platforms(tmp_path: Path) -> AsyncIterator[tuple[SalonHarness, Recorder]]:
    config = default_config(tmp_path / "salon.db")
    config["community"]["spaces"] = ["memory:general", "telegram:writers"]
    recorder = Recorder()
    harness = SalonHarness(config, ManualClock(), ["prompts", ("recorder", recorder)])
    harness.add_platform("telegram", PLAIN)
    await harness.start()
    try:
        yield harness, recorder
    finally:
        await harness.stop()


async def link(bot: SalonHarness, name: str) -> None:
    replies = await bot.send("link", as_=name, dm=True)
    found = CODE.search(plain(replies))
    assert found
    replies = await bot.send(f"link {found.group(1)}", as_=name, dm=True, platform="telegram")
    assert "Linked!" in plain(replies), plain(replies)


async def test_a_community_prompt_on_two_platforms_and_one_person_responding(
    two_platforms: tuple[SalonHarness, Recorder],
) -> None:
    bot, recorder = two_platforms
    bot.clock.set(datetime(2026, 9, 1, 6, 0, tzinfo=UTC))
    await bot.send("!ping", as_="bob", space="writers", platform="telegram")
    replies = await bot.send("prompts schedule daily 09:00 everywhere", as_="olive", dm=True)
    assert "in every community space" in plain(replies)
    posted = prompts_posted(await bot.advance(to=datetime(2026, 9, 1, 9, 0, tzinfo=UTC)))
    assert sorted(str(p.space) for p in posted) == ["memory:general", "telegram:writers"]
    memory, telegram = sorted(posted, key=lambda p: str(p.space))
    assert (
        memory.outbound.body.plain().splitlines()[1]
        == (telegram.outbound.body.plain().splitlines()[1])
    )  # the same prompt everywhere
    # Telegram here shows no threads: the prompt says how to respond with the command
    assert "!respond #2 your piece" in telegram.outbound.body.plain()
    await link(bot, "alice")
    await bot.send(PIECE, as_="alice", thread_id=memory.message_id)
    replies = await bot.send(f"respond #2 {PIECE}", as_="alice", dm=True, platform="telegram")
    assert "Posted under prompt #2 in #writers on Telegram" in plain(replies)
    under = [d for d in replies if d.space == SpaceRef("telegram", "writers")]
    assert under and under[0].outbound.reply_to == telegram.message_id
    people = {person.id for _, _, person in recorder.responded}
    assert len(recorder.responded) == 2 and len(people) == 1
    responses = await rows(bot, tables.responses)
    assert [(r.posting_id, r.via) for r in responses] == [(1, "thread"), (2, "respond")]


class OwnPrompts:
    """A third-party source: a text file of the group's own prompts, one per line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @hookimpl
    def register_prompt_sources(self, register: Any) -> None:
        def ours(bot: Any) -> list[Prompt]:
            texts = self.path.read_text().splitlines()
            return [Prompt(f"ours:{n}", t, "ours", ("ours",)) for n, t in enumerate(texts) if t]

        register(PromptSource("ours", ours, priority=20, description="our own file"))
        register(PromptSource("builtin", ours))  # a name already taken: ignored


@pytest.fixture
def own_file(tmp_path: Path) -> Path:
    path = tmp_path / "our-prompts.txt"
    path.write_text("Write about the group's first meeting.\n\nA poem for the tea urn.\n")
    return path


async def test_a_third_party_source_is_a_few_lines(tmp_path: Path, own_file: Path) -> None:
    harness = SalonHarness(
        default_config(tmp_path / "salon.db"),
        ManualClock(),
        ["prompts", ("our_prompts", OwnPrompts(own_file))],
    )
    await harness.start()
    try:
        replies = await harness.send("!prompts sources", as_="olive")
        assert "ours (2 prompts, priority 20): our own file" in plain(replies)
        assert "builtin (190 prompts, priority 0)" in plain(replies)
        first = plain(await harness.send("!prompts now", as_="olive"))
        second = plain(await harness.send("!prompts now", as_="olive"))
        ours = {"Write about the group's first meeting.", "A poem for the tea urn."}
        assert {first.splitlines()[1], second.splitlines()[1]} == ours
        third = plain(await harness.send("!prompts now", as_="olive"))
        assert third.splitlines()[1] not in ours  # used up: on to the built-in list
    finally:
        await harness.stop()


async def test_only_the_configured_sources_are_used(tmp_path: Path, own_file: Path) -> None:
    config = default_config(tmp_path / "salon.db")
    config["plugins"] = {"prompts": {"sources": ["ours"]}}
    harness = SalonHarness(config, ManualClock(), ["prompts", ("our", OwnPrompts(own_file))])
    await harness.start()
    try:
        replies = await harness.send("!prompts sources", as_="olive")
        assert "builtin (not used" in plain(replies)
        replies = await harness.send("!prompt poetry", as_="alice")
        assert "I have no prompts tagged 'poetry'. Try one of: ours." in plain(replies)
    finally:
        await harness.stop()


async def test_my_data_forget_me_and_merging(
    two_platforms: tuple[SalonHarness, Recorder],
) -> None:
    bot, _ = two_platforms
    await bot.send("!prompt suggest A poem about the last tram home.", as_="alice")
    (posted, *_) = prompts_posted(await bot.send("!prompts now", as_="olive"))
    await bot.send(PIECE, as_="alice", thread_id=posted.message_id)
    # alice's telegram account, a separate person so far, responded too: merging keeps one
    await bot.send(f"respond #1 {PIECE}", as_="alice", dm=True, platform="telegram")
    assert len(await rows(bot, tables.responses)) == 2
    await link(bot, "alice")
    responses = await rows(bot, tables.responses)
    assert len(responses) == 1
    replies = await bot.send("my data", as_="alice", dm=True)
    text = plain(replies)
    assert "A poem about the last tram home." in text and "to prompt #1 (32 words)" in text
    replies = await bot.send("forget me", as_="alice", dm=True)
    yes, _ = replies[-1].outbound.buttons
    await bot.press(yes, as_="alice", dm=True)
    assert await rows(bot, tables.responses) == []
    assert await rows(bot, tables.suggestions) == []


async def test_a_community_prompt_is_one_no_space_has_had(
    two_platforms: tuple[SalonHarness, Recorder],
) -> None:
    bot, _ = two_platforms
    earlier = set()
    for _ in range(5):
        (posted,) = prompts_posted(await bot.send("!prompts now", as_="olive"))
        earlier.add(posted.outbound.body.plain().splitlines()[1])
    posted = prompts_posted(await bot.send("prompts now everywhere", as_="olive", dm=True))
    texts = {p.outbound.body.plain().splitlines()[1] for p in posted}
    assert len(posted) == 2 and len(texts) == 1 and not texts & earlier

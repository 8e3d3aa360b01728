"""Sprint data belongs to people (my data, forget me, merging); all without the check-ins
plugin, whose absence the log button explains."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salon.core.testing import PluginSpec, SalonHarness

from .helpers import in_space, last, snapshot

MINUTE = timedelta(minutes=1)


async def one_sprint(harness: SalonHarness) -> list:  # type: ignore[type-arg]
    await harness.send("!sprint 10", as_="alice", platform="slack")
    await harness.send("!sprint join", as_="bob", platform="telegram")
    await harness.advance(11 * MINUTE)
    await harness.send("!sprint wc 300", as_="alice", platform="slack")
    return await harness.send("!sprint wc 200", as_="bob", platform="telegram")


async def test_my_data_and_forget_me(salon_bot: SalonHarness) -> None:
    await one_sprint(salon_bot)
    data = await salon_bot.send("my data", as_="bob", platform="telegram", dm=True)
    assert "Sprints: 1 sprint with a count, 200 words" in last(data)
    asked = await salon_bot.send("forget me", as_="bob", platform="telegram", dm=True)
    [yes, _no] = asked[-1].outbound.buttons
    await salon_bot.press(yes, as_="bob", platform="telegram", dm=True)
    rows = (await snapshot(salon_bot))["sprints_entries"]
    assert len(rows) == 1  # only alice's entry is left


async def test_linking_two_accounts_merges_their_sprints(salon_bot: SalonHarness) -> None:
    await one_sprint(salon_bot)
    await one_sprint(salon_bot)
    code = last(await salon_bot.send("link", as_="alice", platform="slack", dm=True))
    token = next(w for w in code.replace("`", " ").split() if "-" in w and len(w) == 9)
    await salon_bot.send(f"link {token}", as_="bob", platform="telegram", dm=True)
    stats = await salon_bot.send("!sprint stats", as_="alice", platform="slack")
    # Both were in both sprints: one entry per sprint is kept (alice's, the kept person's).
    assert "Your sprints: 2 sprints, 600 words" in last(stats)


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return ["sprints"]  # no check-ins plugin: nothing keeps a daily log


async def test_without_check_ins_the_log_button_says_so(salon_bot: SalonHarness) -> None:
    results = await one_sprint(salon_bot)
    button = in_space(results, "slack")[0].outbound.buttons[0]
    before = await snapshot(salon_bot)
    reply = await salon_bot.press(button, as_="alice", platform="slack")
    assert "There is no daily log here (the check-ins plugin is not on)." in last(reply)
    assert await snapshot(salon_bot) == before

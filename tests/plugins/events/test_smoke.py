from __future__ import annotations

from plugins.events.helpers import create_event, posts_in
from salon.core.testing import SalonHarness


async def test_create_posts_with_buttons(salon_bot: SalonHarness) -> None:
    done = await create_event(salon_bot, capacity="3", place="Room 2")
    print(salon_bot.texts(done))
    post = posts_in(salon_bot)[-1]
    print(post.text)
    assert [b.label for b in post.outbound.buttons] == ["Going", "Maybe", "Can't"]

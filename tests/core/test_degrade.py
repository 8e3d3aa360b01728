"""What a platform cannot show is said in words: files it cannot take, deletions it cannot do."""

from __future__ import annotations

from typing import ClassVar

from salon.core import Capabilities, File, Outbound, Sent, SpaceRef, md
from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.degrade import fit
from salon.core.memory_adapter import MemoryAdapter

ICS = File("write-in.ics", "text/calendar", b"x" * 2048)
HERE = SpaceRef("memory", "general")


class PlainText(MemoryAdapter):
    """A platform with text only: no uploads, no edits, no deletes."""

    capabilities: ClassVar[Capabilities] = Capabilities()


def test_files_a_platform_cannot_upload_are_named_with_their_size() -> None:
    fitted = fit(Outbound(md("See you Saturday."), space=HERE, files=(ICS,)), Capabilities())
    assert fitted is not None and fitted.files == ()
    assert fitted.body.plain() == (
        "See you Saturday.\n(The file “write-in.ics”, 2 KB, could not be attached here.)"
    )


def test_a_deletion_becomes_an_edit_or_nothing() -> None:
    deletion = Outbound.deletion(Sent("m1", HERE))
    edited = fit(deletion, Capabilities(edits=True))
    assert edited is not None and not edited.delete and edited.edit_of == "m1"
    assert edited.body.plain() == "(This message was removed.)"
    assert fit(deletion, Capabilities()) is None
    assert fit(deletion, Capabilities(deletes=True)) is deletion


async def test_the_send_queue_fits_messages_to_the_adapter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = config_from_mapping({"database": {"url": f"sqlite:///{tmp_path / 's.db'}"}})
    bot = Bot(config, env={})
    adapter = PlainText(bot)
    bot.add_adapter(adapter)
    await bot.start(run_scheduler=False)
    try:
        bot.send(Outbound(md("Invitation"), space=HERE, files=(ICS,)))
        bot.send(Outbound.deletion(Sent("m1", HERE)))
        await bot.outbound.drain()
    finally:
        await bot.stop()
    [delivered] = adapter.delivered
    assert delivered.text.endswith("could not be attached here.)_")
    assert delivered.outbound.files == ()

"""A feature that exercises the message model on every adapter: long answers, documents,
files and images sent, a message edited on every vote with its buttons, a deletion."""

from __future__ import annotations

import base64
from collections.abc import Callable

from salon.core import (
    Action,
    Button,
    ButtonPress,
    Command,
    Context,
    File,
    Image,
    Message,
    Sent,
    hookimpl,
)

#: A one-pixel PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//salon//test//EN\r\nBEGIN:VEVENT\r\n"
    b"UID:write-in-1@salon\r\nDTSTAMP:20261201T180000Z\r\nDTSTART:20261205T180000Z\r\n"
    b"DTEND:20261205T200000Z\r\nSUMMARY:Write-in\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
PLUGIN = "messagestest"


class MessagesPlugin:
    """``chapter`` asks for a long answer; files sent in a DM are read as documents;
    ``invite`` sends an .ics file and a PNG; ``vote`` offers buttons that edit the message."""

    def __init__(self) -> None:
        self.answers: list[str] = []
        self.documents: list[tuple[str, ...]] = []
        self.votes: dict[str, int] = {}

    @hookimpl
    def register_commands(self, register: Callable[[Command], None]) -> None:
        register(Command("chapter", self.chapter, help="Ask for a chapter."))
        register(Command("invite", self.invite, help="Send an invitation file."))
        register(Command("vote", self.vote, help="Offer a vote."))
        register(Command("poster", self.poster, help="Offer a vote under a picture."))

    @hookimpl
    def register_actions(self, register: Callable[[Action], None]) -> None:
        register(Action("m.vote", self.voted))
        register(Action("m.remove", self.remove))

    def chapter(self, ctx: Context) -> None:
        ctx.bot.awaited.expect(ctx.member.ref, PLUGIN)
        ctx.reply("Paste your chapter.")

    @hookimpl
    async def message_received(self, message: Message, ctx: Context) -> bool | None:
        if not ctx.space.is_direct:
            return None
        if message.attachments:
            paragraphs = await ctx.read_document(message.attachments[0])
            self.documents.append(paragraphs)
            ctx.reply(f"read {len(paragraphs)} paragraphs, starting {paragraphs[0][:30]}")
            return True
        if ctx.member.ref in ctx.bot.awaited:
            ctx.bot.awaited.release(ctx.member.ref, PLUGIN)
            self.answers.append(message.text)
            ctx.reply(f"got your chapter: {len(message.text):,} characters")
            return True
        return None

    def invite(self, ctx: Context) -> None:
        ctx.reply(
            "The write-in is on Saturday.",
            image=Image(PNG, "chart.png", alt_text="a tiny chart"),
            files=(File("write-in.ics", "text/calendar", ICS),),
        )

    def vote(self, ctx: Context) -> None:
        ctx.reply("Votes: 0", buttons=self.buttons())

    def poster(self, ctx: Context) -> None:
        ctx.reply("Votes: 0", image=Image(PNG, "poster.png"), buttons=self.buttons())

    @staticmethod
    def buttons() -> tuple[Button, ...]:
        return (Button("+1", "m.vote", "1"), Button("Remove", "m.remove"))

    def voted(self, ctx: Context, press: ButtonPress) -> None:
        assert press.message_id is not None
        count = self.votes[press.message_id] = self.votes.get(press.message_id, 0) + 1
        ctx.edit(press.message_id, f"Votes: {count}", buttons=self.buttons())

    def remove(self, ctx: Context, press: ButtonPress) -> None:
        assert press.message_id is not None
        ctx.delete(Sent(press.message_id, ctx.space.ref))

"""A tiny stand-in for the prompts and critique plugins: commands that fire their hooks, as
those plugins do after their commit (the challenges and badges plugins never import them)."""

from __future__ import annotations

from collections.abc import Callable

from salon.core import (
    INT,
    Arg,
    Command,
    Context,
    Critique,
    Piece,
    Prompt,
    PromptResponse,
    hookimpl,
)
from salon.core.hookspecs import critique, prompts

PROMPT = Prompt("builtin:1", "Write about a door left open.", "builtin", ("fiction",))


def _fire(ctx: Context, spec: Callable[..., object], **kwargs: object) -> None:
    bot = ctx.bot

    async def call() -> None:
        await bot.notify(spec, community=bot.community, bot=bot, **kwargs)  # type: ignore[arg-type]

    ctx.after_commit(call)


async def respond(ctx: Context, response_id: int) -> None:
    async with ctx.transaction():
        response = PromptResponse(response_id, 1, PROMPT.id, ctx.person.id, 120, ctx.now())
        _fire(ctx, prompts.prompt_responded, response=response, prompt=PROMPT, person=ctx.person)
    ctx.reply("responded")


async def submit(ctx: Context, piece_id: int) -> None:
    async with ctx.transaction():
        piece = Piece(piece_id, ctx.person.id, "A title", 900, submitted_at=ctx.now())
        _fire(ctx, critique.piece_submitted, piece=piece, author=ctx.person)
    ctx.reply("submitted")


async def give(ctx: Context, critique_id: int) -> None:
    async with ctx.transaction():
        piece = Piece(99, 999, "Theirs", 900, status="released")
        given = Critique(critique_id, 99, ctx.person.id, 400, ctx.now())
        _fire(
            ctx,
            critique.critique_submitted,
            critique=given,
            piece=piece,
            critic=ctx.person,
            author=ctx.person,
        )
    ctx.reply("critiqued")


class Fakes:
    @hookimpl
    def register_commands(self, register: Callable[[Command], None]) -> None:
        register(
            Command(
                "fakerespond", respond, help="Respond to a prompt.", args=(Arg("response_id", INT),)
            )
        )
        register(
            Command("fakesubmit", submit, help="Submit a piece.", args=(Arg("piece_id", INT),))
        )
        register(
            Command("fakecritique", give, help="Send a critique.", args=(Arg("critique_id", INT),))
        )

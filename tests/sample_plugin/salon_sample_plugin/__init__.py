"""A third-party plugin as an outside author would write it: one command, one hook."""

from salon.core import Arg, Command, Context, hookimpl


def cheer(ctx: Context, name: str) -> None:
    ctx.reply("Go, ", name, "! Every word counts.")


@hookimpl
def register_commands(register):
    register(Command("cheer", cheer, help="Cheer a fellow writer on.", args=(Arg("name"),)))

"""The basics: ``help``, ``help <command>``, ``ping``, ``about`` and ``tz``."""

from __future__ import annotations

import importlib.metadata
from zoneinfo import ZoneInfo

from salon.core import (
    TEXT,
    ZONE,
    Arg,
    Command,
    Context,
    Part,
    bold,
    bullets,
    code,
    italic,
    lines,
    md,
    shorten,
)
from salon.core.hookspecs import runtime


def _prefix(ctx: Context) -> str:
    return ctx.bot.config.commands.prefix


async def help_command(ctx: Context, command: str | None = None) -> None:
    prefix = _prefix(ctx)
    if command is None:
        visible = ctx.bot.commands.visible_to(ctx.member.role)
        ctx.reply(
            lines(
                md("Commands (start them with ", code(prefix), " in group chats):"),
                bullets(*[md(bold(c.label), " — ", c.help) for c in visible]),
                md("Send ", code(f"{prefix}help <command>"), " for details."),
            )
        )
        return
    # "help my data" explains "my"; "help !wc" explains "wc"; "help checkin create" the
    # subcommand.
    words = command.lower().split()
    name = words[0].removeprefix(prefix)
    found = ctx.bot.commands.get(name)
    if found is None:
        suggestions = ctx.bot.commands.suggest(name)
        hint = (
            md(" Did you mean ", code(suggestions[0]), "?")
            if suggestions
            else md(" Send ", code(f"{prefix}help"), " to see them all.")
        )
        ctx.reply(md("There is no command ", code(shorten(name)), ".") + hint)
        return
    for word in words[1:]:
        sub = found.subcommand(word)
        if sub is None:
            break
        found = sub
    rows: list[Part] = [md(bold(found.usage(prefix))), md(found.help)]
    if found.details:
        rows.append(md(found.details))
    if found.open_args:
        rows.append(
            bullets(*[md(code(a.name), " — ", a.help or a.type.name) for a in found.open_args])
        )
    visible = [s for s in found.subcommands if ctx.member.is_organiser or s.role.value == "member"]
    if visible:
        rows.append(bullets(*[md(bold(s.label), " — ", s.help) for s in visible]))
        rows.append(md("Send ", code(f"{prefix}help {found.label} <subcommand>"), " for details."))
    if found.examples:
        rows.append(md("Examples: ", *_joined([code(prefix + e) for e in found.examples])))
    if found.aliases:
        rows.append(md("Also: ", ", ".join(found.aliases)))
    if found.role.value == "organiser":
        rows.append(italic("Organisers only."))
    ctx.reply(lines(*rows))


def _joined(parts: list[Part]) -> list[Part]:
    out: list[Part] = []
    for index, part in enumerate(parts):
        if index:
            out.append(", ")
        out.append(part)
    return out


def ping(ctx: Context) -> None:
    ctx.reply("pong")


def about(ctx: Context) -> None:
    try:
        version = importlib.metadata.version("salon")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    plugins = sorted(name for name, plugin in ctx.bot.pm.list_name_plugin() if plugin)
    ctx.reply(
        lines(
            md(bold(ctx.bot.community.name), " — run by salon ", version),
            md("Platforms: ", ", ".join(sorted(ctx.bot.adapters)) or "none"),
            md("Plugins: ", ", ".join(plugins)),
        )
    )


async def tz(ctx: Context, zone: object = None) -> None:
    person = ctx.person
    if zone is None:
        ctx.reply(
            md(
                "Your time zone is ",
                bold(person.tz.key),
                "" if person.has_own_tz else " (the community's)",
                ". Change it with ",
                code(f"{_prefix(ctx)}tz Europe/Berlin"),
                ".",
            )
        )
        return
    assert isinstance(zone, ZoneInfo)
    bot = ctx.bot
    async with ctx.transaction() as db:
        await bot.people.set_timezone(db, person, zone)

    async def changed() -> None:
        bot.people.invalidate(person.id)
        await bot.notify(
            runtime.timezone_changed,
            member=ctx.member,
            person=person,
            tz=zone,
            community=bot.community,
            bot=bot,
        )

    ctx.after_commit(changed)
    local = ctx.now().astimezone(zone)
    ctx.reply(md("Time zone set to ", bold(zone.key), f" (it is {local:%H:%M} there now)."))


COMMANDS = (
    Command(
        "help",
        help_command,
        help="List the commands, or explain one.",
        args=(Arg("command", TEXT, optional=True, rest=True, help="a command to explain"),),
        aliases=("commands",),
        examples=("help", "help tz"),
    ),
    Command("ping", ping, help="Check that I'm listening."),
    Command("about", about, help="What this bot is and what it runs."),
    Command(
        "tz",
        tz,
        help="See or set your time zone (for reminders at your local time).",
        args=(Arg("zone", ZONE, optional=True, help="an IANA name such as Europe/Berlin"),),
        examples=("tz", "tz America/Los_Angeles"),
    ),
)

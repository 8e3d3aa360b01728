"""``my data`` and ``forget me``: every plugin's data about a person, gathered or deleted.

They live in the core's essential plugin, so disabling a feature never disables them; each
plugin contributes through the ``export_person_data`` and ``forget_person`` hooks.
"""

from __future__ import annotations

from salon.core import (
    Button,
    ButtonPress,
    Context,
    Markup,
    UserError,
    bold,
    lines,
    md,
    platform_title,
)
from salon.core.hookspecs import people as people_hooks

FORGET_ACTION = "basics.forget"
KEEP = "keep"


async def my_data_command(ctx: Context, what: str | None = None) -> None:
    """``my data`` (or just ``my``, as a platform's command menu sends it)."""
    person = ctx.person
    bot = ctx.bot
    async with bot.read() as db:
        sections = await bot.gather(
            people_hooks.export_person_data, person=person, connection=db, bot=bot
        )
    accounts = ", ".join(f"{platform_title(a.platform)} {a.id}" for a in person.accounts)
    core: list[Markup | str] = [
        md(bold(f"Everything salon keeps about {person.display_name}")),
        f"Accounts: {accounts}",
        f"Time zone: {person.tz.key}" + ("" if person.has_own_tz else " (the community's)"),
        "Direct messages go to: " + platform_title(person.dm_account.platform),
    ]
    body = lines(*core, *[section for section in sections if section is not None])
    if ctx.space.is_direct:
        ctx.reply(body)
    else:
        ctx.send_to(person, body)
        ctx.reply("I've sent your data to you in a direct message.")


async def forget_command(ctx: Context, who: str | None = None) -> None:
    """``forget me`` (or just ``forget``): the buttons ask before anything is deleted."""
    count = len(ctx.person.accounts)
    scope = "" if count == 1 else f" on all {count} of your linked accounts"
    ctx.reply(
        "This deletes everything salon keeps about you" + scope + ": goals, word counts, "
        "streaks, check-in answers, buddy pairings, your time zone and linked accounts. "
        "It cannot be undone. Are you sure?",
        buttons=(
            Button("Yes, forget me", action=FORGET_ACTION, value=str(ctx.person.id)),
            Button("No, keep my data", action=FORGET_ACTION, value=KEEP),
        ),
    )


async def forget_pressed(ctx: Context, press: ButtonPress) -> None:
    if press.value == KEEP:
        ctx.reply("Nothing was deleted.")
        return
    person = ctx.person
    if press.value != str(person.id):
        raise UserError(
            "This button belongs to someone else (or to your accounts before they were "
            "linked); send forget me to get your own."
        )
    bot = ctx.bot
    async with ctx.transaction() as db:
        await bot.gather(people_hooks.forget_person, person=person, connection=db, bot=bot)
        await bot.people.forget(db, person)
    people = bot.people
    ctx.after_commit(lambda: people.invalidate(person.id))
    ctx.reply("Done: everything salon kept about you is deleted. Thanks for writing with us.")

"""Linked accounts: ``link``, ``link CODE``, ``accounts``, ``unlink``, ``dm here`` and ``name``.

One person may write from Slack, Telegram and Matrix; these commands join their accounts into
one person (see ``docs/community.md``). Organisers can link for a member (``link slack:U1
telegram:42``) only once that member pressed the confirmation button on both accounts.
"""

from __future__ import annotations

from salon.core import (
    Button,
    ButtonPress,
    Context,
    MemberRef,
    UserError,
    bold,
    bullets,
    code,
    lines,
    md,
    platform_title,
)
from salon.core.linking import CODE_LIFETIME

CONFIRM_ACTION = "basics.confirm_link"
DECLINE = "decline"
MAX_NAME = 64


def _prefix(ctx: Context) -> str:
    return ctx.bot.config.commands.prefix


def _invalidate_after_commit(ctx: Context, *person_ids: int) -> None:
    """Changes made in the handler's transaction reach the people cache once it commits."""
    people = ctx.bot.people
    ctx.after_commit(lambda: people.invalidate(*person_ids))


async def link_command(ctx: Context, code_or_accounts: str | None = None) -> None:
    prefix = _prefix(ctx)
    words = (code_or_accounts or "").split()
    if len(words) == 2 and all(":" in w for w in words):
        await _link_for_member(ctx, words[0], words[1])
        return
    if len(words) > 1:
        raise UserError(
            f"Send {prefix}link for a code, then {prefix}link CODE from your other account.",
            show_usage=True,
        )
    if not words:
        async with ctx.transaction() as db:
            code_text = await ctx.bot.linking.issue_code(db, ctx.person, ctx.member.ref, ctx.now())
        minutes = int(CODE_LIFETIME.total_seconds() // 60)
        body = lines(
            md("Your link code: ", bold(code_text)),
            md(
                f"Within {minutes} minutes, send ",
                code(f"link {code_text}"),
                " to me in a direct message from your account on the other platform. "
                "Both accounts then share one set of goals, streaks and settings. "
                "The code works once; don't share it.",
            ),
        )
        if ctx.space.is_direct:
            ctx.reply(body)
        else:
            ctx.send_direct(ctx.member.ref, body)
            ctx.reply("I've sent you a link code in a direct message.")
        return
    if not ctx.space.is_direct:
        raise UserError(
            f"Send {prefix}link CODE to me in a direct message, so nobody else sees the code. "
            "(That code still works.)"
        )
    before = ctx.person
    async with ctx.transaction() as db:
        outcome = await ctx.bot.linking.redeem_code(
            db, ctx.person, ctx.member.ref, words[0], ctx.now()
        )
    if not outcome.is_linked:
        _invalidate_after_commit(ctx, before.id)
        ctx.reply(outcome.message)
        return
    person = outcome.person
    assert person is not None
    _invalidate_after_commit(ctx, person.id, before.id)
    platforms = ", ".join(platform_title(a.platform) for a in person.accounts)
    ctx.reply(
        lines(
            md(
                "Linked! Your accounts (",
                platforms,
                ") are one person now: ",
                bold(person.display_name),
                ".",
            ),
            md(
                "Goals, word counts, streaks, check-ins and settings are shared. See them with ",
                code(f"{prefix}accounts"),
                "; undo with ",
                code(f"{prefix}unlink {ctx.member.ref.platform}"),
                ".",
            ),
        )
    )
    for account in person.accounts:
        if account != ctx.member.ref and account not in before.accounts:
            ctx.send_direct(
                account,
                md(
                    "Your ",
                    platform_title(ctx.member.ref.platform),
                    " account was just linked to this one. If that wasn't you, send ",
                    code(f"{prefix}unlink {ctx.member.ref.platform}"),
                    " here.",
                ),
            )


async def _link_for_member(ctx: Context, first: str, second: str) -> None:
    """Organisers: ask both accounts to confirm with a button before linking them."""
    if not ctx.member.is_organiser:
        raise UserError("Only organisers can link someone else's accounts.")
    try:
        refs = [MemberRef.parse(first), MemberRef.parse(second)]
    except ValueError:
        raise UserError("Write the accounts as platform:id, e.g. slack:U024BE7LH.") from None
    if refs[0].platform == refs[1].platform:
        raise UserError("Those are two accounts on one platform; a person has one per platform.")
    for ref in refs:
        if ref.platform not in ctx.bot.adapters:
            raise UserError(f"This bot is not connected to {ref.platform!r}.")
    value = f"{refs[0]} {refs[1]}"
    for ref, other in (refs, refs[::-1]):
        ctx.send_direct(
            ref,
            md(
                "An organiser asked to link this account with your ",
                platform_title(other.platform),
                " account ",
                code(other.id),
                ", so both share your goals, streaks and settings. "
                "Only confirm if both accounts are yours.",
            ),
            buttons=(
                Button("Yes, link them", action=CONFIRM_ACTION, value=value),
                Button("No", action=CONFIRM_ACTION, value=DECLINE),
            ),
        )
    ctx.reply(
        "I've asked the member on both accounts to confirm; the accounts are linked once "
        "they press the button on both."
    )


async def confirm_pressed(ctx: Context, press: ButtonPress) -> None:
    if press.value == DECLINE:
        ctx.reply("Nothing was linked.")
        return
    try:
        refs = [MemberRef.parse(text) for text in press.value.split()]
    except ValueError:
        raise UserError("That button no longer works.") from None
    if ctx.member.ref not in refs or len(refs) != 2:
        raise UserError("This button belongs to someone else.")
    other = refs[1] if refs[0] == ctx.member.ref else refs[0]
    async with ctx.transaction() as db:
        outcome = await ctx.bot.linking.confirm(db, ctx.person, ctx.member.ref, other, ctx.now())
    if outcome.person is None:
        if outcome.is_waiting:
            ctx.reply(
                f"Thanks. Now press the button in the message on your "
                f"{platform_title(other.platform)} account too."
            )
        else:
            ctx.reply(outcome.message)
        return
    _invalidate_after_commit(ctx, outcome.person.id, ctx.person.id)
    platforms = ", ".join(platform_title(a.platform) for a in outcome.person.accounts)
    ctx.reply(md("Linked! Your accounts (", platforms, ") are one person now."))


async def accounts_command(ctx: Context) -> None:
    person = ctx.person
    prefix = _prefix(ctx)
    rows = []
    for account in person.accounts:
        note = " — direct messages go here" if account == person.dm_account else ""
        if account == ctx.member.ref:
            note += " (this one)"
        rows.append(md(bold(platform_title(account.platform)), ": ", code(account.id), note))
    tail = (
        md("Link another with ", code(f"{prefix}link"), " (in a direct message).")
        if len(person.accounts) == 1
        else md("Unlink one with ", code(f"{prefix}unlink <platform>"), ".")
    )
    ctx.reply(lines(md("Your accounts, as ", bold(person.display_name), ":"), bullets(*rows), tail))


async def unlink_command(ctx: Context, platform: str) -> None:
    wanted = platform.lower()
    async with ctx.transaction() as db:
        account = await ctx.bot.linking.unlink(db, ctx.person, wanted, ctx.now())
    _invalidate_after_commit(ctx, ctx.person.id)
    ctx.reply(
        md(
            "Unlinked your ",
            platform_title(account.platform),
            " account. It starts afresh; everything so far stays with your other accounts.",
        )
    )


async def dm_command(ctx: Context, where: str | None = None) -> None:
    prefix = _prefix(ctx)
    person = ctx.person
    if where is None:
        how = (
            "you chose it"
            if person.dm_platform
            else "the one you last wrote from; choose with dm here"
        )
        ctx.reply(
            md(
                "Direct messages go to your ",
                bold(platform_title(person.dm_account.platform)),
                f" account ({how}).",
            )
        )
        return
    platform = None if where == "last" else ctx.member.ref.platform
    async with ctx.transaction() as db:
        await ctx.bot.people.set_dm_platform(db, person, platform)
    _invalidate_after_commit(ctx, person.id)
    if platform is None:
        ctx.reply("Direct messages will go to the account you last wrote from.")
    else:
        ctx.reply(
            md(
                "Direct messages will come here, to ",
                platform_title(platform),
                ". Undo with ",
                code(f"{prefix}dm last"),
                ".",
            )
        )


async def name_command(ctx: Context, name: str | None = None) -> None:
    prefix = _prefix(ctx)
    if name is None:
        ctx.reply(
            md(
                "I call you ",
                bold(ctx.person.display_name),
                ". Change it with ",
                code(f"{prefix}name Ada L."),
                ".",
            )
        )
        return
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise UserError(f"A name is 1 to {MAX_NAME} characters.")
    async with ctx.transaction() as db:
        await ctx.bot.people.set_display_name(db, ctx.person, cleaned)
    _invalidate_after_commit(ctx, ctx.person.id)
    ctx.reply(md("From now on I'll call you ", bold(cleaned), " on every platform."))

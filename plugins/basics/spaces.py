"""Organisers: ``spaces``, ``space join [group]`` and ``space leave [group]``.

The community's spaces are where announcements and community-wide digests go (see
``docs/community.md``); ``[community] spaces`` in the config joins spaces at start.
"""

from __future__ import annotations

import re

from salon.core import Context, UserError, bold, bullets, code, lines, md

GROUP_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


async def spaces_command(ctx: Context) -> None:
    prefix = ctx.bot.config.commands.prefix
    spaces = ctx.bot.spaces
    known = spaces.known()
    if not known:
        ctx.reply("I haven't seen any group spaces yet; add me to one and say hello.")
        return
    rows = []
    for space in known:
        label = spaces.label(space.ref)
        if space.is_joined:
            groups = f" (groups: {', '.join(space.groups)})" if space.groups else ""
            rows.append(md(bold(label), " — in the community", groups))
        else:
            rows.append(md(label, " — not in the community"))
    ctx.reply(
        lines(
            "Spaces I know:",
            bullets(*rows),
            md(
                "In a space, ",
                code(f"{prefix}space join"),
                " adds it to the community (",
                code(f"{prefix}space join announcements"),
                " also to a group).",
            ),
        )
    )


def _group(rest: str | None) -> str | None:
    if rest is None:
        return None
    group = rest.strip().lower()
    if not GROUP_NAME.match(group):
        raise UserError(
            "A group name is a short word of lowercase letters, digits, - or _ "
            "(e.g. announcements)."
        )
    return group


async def space_command(ctx: Context, action: str, group: str | None = None) -> None:
    if ctx.space.is_direct:
        raise UserError("Send this in the group space you mean, not in a direct message.")
    name = _group(group)
    spaces = ctx.bot.spaces
    label = spaces.label(ctx.space.ref)
    if action == "join":
        async with ctx.transaction() as db:
            joined = await spaces.join(db, ctx.space, () if name is None else (name,))
        ctx.after_commit(lambda: spaces.remember(joined))
        where = f" and its group {name}" if name else ""
        ctx.reply(md(bold(label), f" is now part of the community{where}."))
        return
    known = spaces.get(ctx.space.ref)
    if known is None or not known.is_joined or (name is not None and name not in known.groups):
        what = f"in the group {name}" if name else "part of the community"
        raise UserError(f"{label} is not {what}.")
    async with ctx.transaction() as db:
        left = await spaces.leave(db, ctx.space.ref, name)
    ctx.after_commit(lambda: spaces.remember(left))
    if name:
        ctx.reply(md(bold(label), f" has left the group {name}."))
    else:
        ctx.reply(md(bold(label), " is no longer part of the community."))

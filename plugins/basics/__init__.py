"""The commands every community has, written as a plugin would be: help, ping, about, tz,
linked accounts (link, accounts, unlink, dm, name), the community's spaces (spaces, space) and
privacy (my data, forget me).

This plugin is essential (it cannot be disabled), so ``forget me`` always works.
"""

from __future__ import annotations

from collections.abc import Callable

from salon.core import TEXT, WORD, Action, Arg, Command, Role, choice, hookimpl
from salon.plugins.basics import accounts, privacy, spaces
from salon.plugins.basics.commands import COMMANDS

__all__ = ["register_actions", "register_commands"]


@hookimpl
def register_commands(register: Callable[[Command], None]) -> None:
    for command in COMMANDS:
        register(command)
    register(
        Command(
            "link",
            accounts.link_command,
            help="Link your accounts on several platforms into one (link, then link CODE).",
            args=(
                Arg(
                    "code_or_accounts",
                    TEXT,
                    optional=True,
                    rest=True,
                    help="the code from your other account",
                ),
            ),
            details=(
                "Send link in a direct message to get a one-time code, then send link CODE "
                "from your account on the other platform within 10 minutes. Organisers can "
                "link for a member with link slack:U123 telegram:456; the member confirms on "
                "both accounts."
            ),
            examples=("link", "link K7QX-M2PA"),
        )
    )
    register(
        Command("accounts", accounts.accounts_command, help="List the accounts linked to you.")
    )
    register(
        Command(
            "unlink",
            accounts.unlink_command,
            help="Unlink your account on one platform (not the last one).",
            args=(Arg("platform", WORD, help="slack, telegram, matrix, ..."),),
            examples=("unlink telegram",),
        )
    )
    register(
        Command(
            "dm",
            accounts.dm_command,
            help="Where my direct messages reach you: dm here, or dm last (where you wrote last).",
            args=(Arg("where", choice("here", "last"), optional=True),),
            examples=("dm", "dm here", "dm last"),
        )
    )
    register(
        Command(
            "name",
            accounts.name_command,
            help="See or change the name I call you on every platform.",
            args=(Arg("name", TEXT, optional=True, rest=True, help="your name"),),
            examples=("name", "name Ada L."),
        )
    )
    register(
        Command(
            "spaces",
            spaces.spaces_command,
            help="The community's spaces on every platform.",
            role=Role.ORGANISER,
        )
    )
    register(
        Command(
            "space",
            spaces.space_command,
            help="Add this space to the community (or a group of it), or take it out.",
            args=(
                Arg("action", choice("join", "leave")),
                Arg("group", WORD, optional=True, help="a group, e.g. announcements"),
            ),
            role=Role.ORGANISER,
            examples=("space join", "space join announcements", "space leave"),
        )
    )
    register(
        Command(
            "my",
            privacy.my_data_command,
            help="Everything salon keeps about you, as text (sent by DM).",
            args=(Arg("what", choice("data"), optional=True),),
            title="my data",
        )
    )
    register(
        Command(
            "forget",
            privacy.forget_command,
            help="Delete everything salon keeps about you (asks you to confirm first).",
            args=(Arg("who", choice("me"), optional=True),),
            title="forget me",
        )
    )


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    register(Action(privacy.FORGET_ACTION, privacy.forget_pressed))
    register(Action(accounts.CONFIRM_ACTION, accounts.confirm_pressed))

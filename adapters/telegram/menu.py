"""The command menu: ``setMyCommands`` from the commands ``help`` lists.

Members see the commands ``help`` shows a member; each organiser on Telegram gets, in their
private chat, the organiser list too. Telegram allows names of 1-32 ``[a-z0-9_]`` characters and
descriptions of 1-256 characters (https://core.telegram.org/bots/api#botcommand), 100 commands.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import telegram
from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from salon.core import Command, CommandTable, MemberRef, Role

log = logging.getLogger(__name__)

_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_DESCRIPTION_LIMIT = 256
_COMMAND_LIMIT = 100


def bot_commands(commands: Iterable[Command]) -> list[BotCommand]:
    """The menu entries for ``commands``; names Telegram cannot show (``-``) are left out."""
    menu = []
    for command in commands:
        if not _NAME.match(command.name):
            continue
        description = " ".join(command.help.split()) or command.name
        if len(description) > _DESCRIPTION_LIMIT:
            description = description[: _DESCRIPTION_LIMIT - 1] + "…"
        menu.append(BotCommand(command.name, description))
    return menu[:_COMMAND_LIMIT]


async def publish_menu(
    ptb: telegram.Bot, table: CommandTable, organisers: Iterable[MemberRef]
) -> None:
    """Set the default menu, and the organisers' menu in their private chats."""
    await ptb.set_my_commands(bot_commands(table.visible_to(Role.MEMBER)))
    organiser_menu = bot_commands(table.visible_to(Role.ORGANISER))
    for organiser in organisers:
        if organiser.platform != "telegram" or not organiser.id.isdigit():
            continue
        try:
            await ptb.set_my_commands(organiser_menu, scope=BotCommandScopeChat(int(organiser.id)))
        except TelegramError as error:  # e.g. the organiser has not started the bot yet
            log.info("no organiser command menu for %s: %s", organiser.id, error)

"""People: one person behind several platform accounts (see ``docs/community.md``).

Every plugin that keys a table on ``person_id`` implements all three: merging two people's rows
when they link accounts, and the person's part of ``my data`` and ``forget me``. They are
called inside the core's transaction; raising rolls it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salon.core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from salon.core.bot import Bot
    from salon.core.markup import Markup
    from salon.core.model import Person


@hookspec
def people_merged(kept: Person, merged: Person, connection: AsyncConnection, bot: Bot) -> None:
    """Two people were linked into one: move ``merged``'s rows to ``kept``.

    Called inside the linking transaction, before the core moves the accounts and deletes
    ``merged``; raising rolls the whole link back. Every plugin that keys a table on
    ``person_id`` implements it, and leaves no duplicate rows (merge them: sum a day's
    progress, keep the newer goal, ...).

    :param kept: the person who stays (the one who asked for the link code).
    :param merged: the person whose accounts join ``kept``; their id disappears.
    :param connection: the transaction to write in.
    :param bot: the running bot.
    """


@hookspec
def export_person_data(person: Person, connection: AsyncConnection, bot: Bot) -> Markup | None:
    """Describe everything this plugin keeps about ``person``, for ``my data``.

    Every plugin that stores something about people implements it. The sections of all
    plugins are sent to the person in one direct message.

    :param person: who asked, with every linked account.
    :param connection: a read-only connection.
    :param bot: the running bot.
    :returns: a section (a bold heading, then lines), or ``None`` when there is nothing.
    """


@hookspec
def forget_person(person: Person, connection: AsyncConnection, bot: Bot) -> None:
    """Delete everything this plugin keeps about ``person`` (``forget me``).

    Called inside one transaction for every plugin; the core deletes its own rows (accounts,
    person, preferences, link codes) afterwards. Raising rolls everything back, and the member
    is told something went wrong. Every plugin that stores something about people implements
    it; ``forget me`` works even when features are disabled, since it lives in the core.

    :param person: whose data to delete, with every linked account.
    :param connection: the transaction to write in.
    :param bot: the running bot (to cancel scheduled jobs).
    """

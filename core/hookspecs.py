"""Every hook salon calls, grouped by family. Plugins implement them with ``@hookimpl``.

An implementation may take any subset of a hook's arguments and may be ``def`` or
``async def``. Registry hooks (``register_*``) are called once at startup; their results form
the tables the hot path reads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy.ext.asyncio import AsyncConnection

    from salon.core.bot import Bot
    from salon.core.checkins import BuddyPair, CheckIn, Goal, ProgressEntry, Streak
    from salon.core.commands import Action, Command
    from salon.core.context import Context
    from salon.core.errors import DeliveryError
    from salon.core.markup import Markup
    from salon.core.model import Community, Member, Message, Outbound, Person, Space
    from salon.core.scheduler import JobHandler

hookspec = pluggy.HookspecMarker("salon")
hookimpl = pluggy.HookimplMarker("salon")


# ---------------------------------------------------------------------------------------------
# Runtime: what every feature needs to plug in
# ---------------------------------------------------------------------------------------------


@hookspec
def register_commands(register: Callable[[Command], None]) -> None:
    """Declare the commands this plugin offers.

    Called once at startup. Duplicate names across plugins stop startup, naming both plugins.

    :param register: call it with each ``Command`` (name, handler, arguments, help, role).
    """


@hookspec
def register_actions(register: Callable[[Action], None]) -> None:
    """Declare the button actions this plugin handles.

    Called once at startup. A ``Button(action="myplugin.choose")`` pressed by a member runs
    the ``Action`` registered with that id.

    :param register: call it with each ``Action`` (id, handler).
    """


@hookspec
def register_jobs(register: Callable[[JobHandler], None]) -> None:
    """Declare the kinds of scheduled job this plugin runs.

    Called once at startup. Jobs themselves are scheduled with ``bot.scheduler.schedule``.

    :param register: call it with each ``JobHandler`` (kind, run).
    """


@hookspec
def register_config(register: Callable[[type[Any]], None]) -> None:
    """Declare the attrs class that validates this plugin's ``[plugins.<name>]`` table.

    Called once at startup; errors name the key. The structured settings are then
    available as ``bot.plugin_config(<name>)``.

    :param register: call it with the attrs class (every field needs a default).
    """


@hookspec
def register_migrations(register: Callable[[Path], None]) -> None:
    """Declare the directory of Alembic revisions that create this plugin's tables.

    The plugin's first revision uses ``branch_labels = ("<plugin name>",)`` and
    ``down_revision = None``. ``salon db upgrade`` applies every branch.

    :param register: call it with the directory's ``Path``.
    """


@hookspec(firstresult=True)
def message_received(message: Message, ctx: Context) -> bool | None:
    """A member sent a message that is not a command (a DM answer, a group chat line).

    Return ``True`` when the plugin consumed it. Stops at the first non-None result.

    :param message: the neutral message.
    :param ctx: reply and transaction for this event.
    :returns: ``True`` if handled, else ``None``.
    """


@hookspec
def member_joined(member: Member, space: Space, community: Community) -> None:
    """A member joined a space the bot is in (or started a DM with the bot).

    :param member: who joined.
    :param space: where.
    :param community: the community.
    """


@hookspec
def timezone_changed(
    member: Member, person: Person, tz: ZoneInfo, community: Community, bot: Bot
) -> None:
    """A person set their time zone (the ``tz`` command); called after the commit.

    Plugins that schedule work at people's local times move it here.

    :param member: the account the ``tz`` command came from.
    :param person: whose time zone changed (as it was before the change, apart from ``tz``).
    :param tz: the new time zone.
    :param community: the community.
    :param bot: the running bot, to reschedule through.
    """


@hookspec
def startup(bot: Bot) -> None:
    """salon started: storage, scheduler and adapters are ready.

    A plugin that raises here is logged and disabled; the bot keeps running.

    :param bot: the running bot (the public core API).
    """


@hookspec
def shutdown(bot: Bot) -> None:
    """salon is stopping; release what ``startup`` acquired.

    :param bot: the running bot.
    """


@hookspec
def delivery_failed(outbound: Outbound, error: DeliveryError, bot: Bot) -> None:
    """A message could not be delivered (e.g. the member never started the Telegram bot).

    :param outbound: the message that was not delivered.
    :param error: why; ``error.unreachable`` when the member cannot be reached at all.
    :param bot: the running bot, to tell the organisers.
    """


@hookspec
def handle_error(error: BaseException, error_id: str, where: str) -> None:
    """An unexpected error happened; the member was told only "something went wrong".

    Without implementations the error is logged with its traceback.

    :param error: the exception.
    :param error_id: the short id quoted to the member and in the log.
    :param where: what was running (a command name, a job kind, ...).
    """


# ---------------------------------------------------------------------------------------------
# People: one person behind several platform accounts (see docs/community.md)
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Check-ins: fired by the check-in plugin, after its transaction commits
# ---------------------------------------------------------------------------------------------


@hookspec
def checkin_recorded(
    checkin: CheckIn, member: Member, person: Person, community: Community
) -> None:
    """A member's check-in was stored.

    Called after the transaction commits; raising here is logged and does not undo it.

    :param checkin: the stored check-in, with the member's progress toward their goal.
    :param member: the account they checked in from.
    :param person: who checked in.
    :param community: the community.
    """


@hookspec
def progress_logged(
    entry: ProgressEntry, member: Member, person: Person, community: Community
) -> None:
    """A member logged progress (``wc 1200``); called after the transaction commits.

    :param entry: the day's total after the change.
    :param member: the account they logged it from.
    :param person: who logged it.
    :param community: the community.
    """


@hookspec
def goal_set(goal: Goal, member: Member, person: Person, community: Community) -> None:
    """A member set or changed a goal; called after the transaction commits.

    :param goal: the new goal.
    :param member: the account they set it from (or their DM account).
    :param person: whose goal.
    :param community: the community.
    """


@hookspec
def goal_reached(goal: Goal, member: Member, person: Person, community: Community) -> None:
    """A member's progress reached their goal's target (once per goal and period).

    :param goal: the goal, with ``progress >= target``.
    :param member: the account they set it from (or their DM account).
    :param person: whose goal.
    :param community: the community.
    """


@hookspec
def streak_broken(streak: Streak, member: Member, person: Person, community: Community) -> None:
    """A member's daily streak ended (no progress, grace days used up).

    :param streak: the streak as it was before it broke.
    :param member: their DM account.
    :param person: whose streak.
    :param community: the community.
    """


@hookspec
def buddies_paired(pair: BuddyPair, community: Community) -> None:
    """Writing buddies were matched (a pair, or a trio); called after the commit.

    :param pair: the people matched (by ``person_id``).
    :param community: the community.
    """

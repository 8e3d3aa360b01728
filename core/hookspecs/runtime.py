"""Runtime: what every feature needs to plug in.

Registry hooks (``register_*``) are called once at startup; their results form the tables the
hot path reads. Event hooks are called as things happen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salon.core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from salon.core.bot import Bot
    from salon.core.commands import Action, Command
    from salon.core.context import Context
    from salon.core.dialogs import Dialog
    from salon.core.errors import DeliveryError
    from salon.core.model import Community, Member, Message, Outbound, Person, Space
    from salon.core.scheduler import JobHandler
    from salon.core.web import WebRoute


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


@hookspec
def register_dialogs(register: Callable[[Dialog], None]) -> None:
    """Declare the multi-step DM conversations this plugin starts.

    Called once at startup. Start one with ``await bot.dialogs.start(ctx, "<id>", member)``;
    the member's answers reach the dialog's ``on_done``, never another plugin.

    :param register: call it with each ``Dialog`` (id, questions, on_done, ...).
    """


@hookspec
def register_routes(register: Callable[[WebRoute], None]) -> None:
    """Declare HTTP routes this plugin serves on salon's web server (a calendar feed, ...).

    Called once at startup. ``salon run`` starts the web server (``[web] host``/``port``)
    when any plugin or adapter has routes. A handler gets a ``WebRequest`` and the bot and
    returns a ``WebResponse``; it is public, so it checks any token itself.

    :param register: call it with each ``WebRoute`` (path, handler, methods).
    """


@hookspec
def register_hookspecs(register: Callable[[object], None]) -> None:
    """Publish a hook family of this plugin's own, for other plugins to implement.

    Called once, when the plugin manager is built, before implementations are checked. The
    family is a module (or class) of ``@hookspec`` functions, as in ``salon.core.hookspecs``;
    ``salon hooks`` lists it under the plugin's name. Fire one with
    ``await bot.notify(myhooks.thing_happened, ...)``.

    :param register: call it with the module of hookspecs.
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
def member_joined(member: Member, space: Space, community: Community, bot: Bot) -> None:
    """A member joined a space the bot is in (or started a DM with the bot).

    :param member: who joined.
    :param space: where.
    :param community: the community.
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably (``tx.send_direct(member.ref, ...)``).
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

    No inbound event is handled until every plugin's ``startup`` has finished. A plugin that
    raises here is logged and disabled with its commands, actions and job handlers (its
    scheduled jobs wait, untouched, until it is back); ``salon plugins`` shows why; the bot
    keeps running.

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
def handle_error(error: BaseException, error_id: str, where: str, bot: Bot) -> None:
    """An unexpected error happened; the member was told only "something went wrong".

    Without implementations the error is logged with its traceback.

    :param error: the exception.
    :param error_id: the short id quoted to the member and in the log.
    :param where: what was running (a command name, a job kind, ...).
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably (``tx.send_direct(member.ref, ...)``).
    """

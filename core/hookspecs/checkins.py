"""Check-ins: fired by the check-in plugin, after its transaction commits.

The family's value types live beside it (``checkins_types``), so a badge plugin or a coach can
react to check-ins without importing the check-in plugin.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from salon.core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.hookspecs.checkins_types import BuddyPair, CheckIn, Goal, ProgressEntry, Streak
    from salon.core.model import Community, Member, Person
    from salon.core.storage import AsyncConnection


@hookspec
def checkin_recorded(
    checkin: CheckIn, member: Member, person: Person, community: Community, bot: Bot
) -> None:
    """A member's check-in was stored.

    Called after the transaction commits; raising here is logged and does not undo it.

    :param checkin: the stored check-in, with the member's progress toward their goal.
    :param member: the account they checked in from.
    :param person: who checked in.
    :param community: the community.
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably (``tx.send_direct(member.ref, ...)``).
    """


@hookspec
def progress_logged(
    entry: ProgressEntry, member: Member, person: Person, community: Community, bot: Bot
) -> None:
    """A member logged progress (``wc 1200``); called after the transaction commits.

    :param entry: the day's total after the change.
    :param member: the account they logged it from.
    :param person: who logged it.
    :param community: the community.
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably (``tx.send_direct(member.ref, ...)``).
    """


@hookspec
def goal_set(goal: Goal, member: Member, person: Person, community: Community, bot: Bot) -> None:
    """A member set or changed a goal; called after the transaction commits.

    :param goal: the new goal.
    :param member: the account they set it from (or their DM account).
    :param person: whose goal.
    :param community: the community.
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably (``tx.send_direct(member.ref, ...)``).
    """


@hookspec
def goal_reached(
    goal: Goal, member: Member, person: Person, community: Community, bot: Bot
) -> None:
    """A member's progress reached their goal's target (once per goal and period).

    :param goal: the goal, with ``progress >= target``.
    :param member: the account they set it from (or their DM account).
    :param person: whose goal.
    :param community: the community.
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably (``tx.send_direct(member.ref, ...)``).
    """


@hookspec
def streak_broken(
    streak: Streak, member: Member, person: Person, community: Community, bot: Bot
) -> None:
    """A member's daily streak ended (no progress, grace days used up).

    :param streak: the streak as it was before it broke.
    :param member: their DM account.
    :param person: whose streak.
    :param community: the community.
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably (``tx.send_direct(member.ref, ...)``).
    """


@hookspec
def buddies_paired(pair: BuddyPair, community: Community, bot: Bot) -> None:
    """Writing buddies were matched (a pair, or a trio); called after the commit.

    :param pair: the people matched (by ``person_id``).
    :param community: the community.
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably (``tx.send_direct(member.ref, ...)``).
    """


@hookspec(firstresult=True)
def log_progress(
    person: Person, amount: int, note: str, source: str, key: str, bot: Bot
) -> ProgressEntry | None:
    """Add ``amount`` words to the person's log for today (in their zone), as ``wc +N`` would.

    Implemented by the check-in plugin, so a sprint or a challenge can add words without
    importing it; ``progress_logged`` and goals follow as for ``wc``.

    :param person: whose log.
    :param amount: words to add (positive).
    :param note: a short note kept with the entry (user text: escaped when shown).
    :param source: what logged it, for the member's history (``"sprint 12"``).
    :param key: an idempotency key: a second call with the same key adds nothing and returns
        the day's entry.
    :param bot: the running bot.
    :returns: the day's entry after the change, or ``None`` when no check-in plugin keeps a log.
    """


@hookspec(firstresult=True)
def current_streak(person: Person, bot: Bot, connection: AsyncConnection | None) -> Streak | None:
    """The person's daily writing streak today (in their zone), as the check-in plugin counts it
    (grace days included), so badges or a streak warning need not import it.

    Stops at the first non-None result.

    :param person: whose streak.
    :param bot: the running bot.
    :param connection: an open connection to read in (e.g. a job's ``ctx.db``), or ``None``.
    :returns: the streak (``length`` 0 when it is not alive), or ``None`` when no check-in
        plugin keeps a log.
    """


@hookspec(firstresult=True)
def progress_history(
    person: Person, start: date, end: date, bot: Bot, connection: AsyncConnection | None
) -> tuple[ProgressEntry, ...] | None:
    """The person's logged days from ``start`` to ``end`` (both included, their local days),
    so a coach or a report can read progress without importing the check-in plugin.

    Stops at the first non-None result.

    :param person: whose log.
    :param start: the first local day.
    :param end: the last local day.
    :param bot: the running bot.
    :param connection: an open connection to read in (e.g. a job's ``ctx.db``), or ``None``.
    :returns: one entry per day with progress, oldest first (days without any are left out),
        or ``None`` when no check-in plugin keeps a log.
    """


@hookspec(firstresult=True)
def away_until(person: Person, bot: Bot, connection: AsyncConnection | None) -> date | None:
    """The day the person is back, when they paused with ``away`` and are away today (in
    their zone), so another plugin's nudges can pause too.

    Stops at the first non-None result.

    :param person: who.
    :param bot: the running bot.
    :param connection: an open connection to read in (e.g. a job's ``ctx.db``), or ``None``.
    :returns: the first day they are back, or ``None`` when they are not away (or no
        check-in plugin is installed).
    """

"""Coaching: a personal writing plan, routine nudges, a weekly review and a coach role.

Every member can make a plan (``plan``: a few questions, then words per writing day shown
against what they wrote), get nudged at their own writing times, and get a weekly review with
a chart and one question whose answer goes into their journal. Organisers name coaches; a
member asks one, and with the member's consent the coach sees their plan and reviews, gives
feedback and schedules 1:1s. Progress, streaks and ``away`` come from the check-in hooks;
1:1 events from the events hooks. See ``docs/coaching.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from salon.core import (
    DATETIME,
    POSITIVE_INT,
    TEXT,
    WORD,
    Action,
    Arg,
    Bot,
    Command,
    Dialog,
    JobHandler,
    Markup,
    Person,
    Piece,
    Role,
    choice,
    hookimpl,
)
from salon.core.storage import AsyncConnection
from salon.plugins.coaching import coaches, coachview, nudges, plans, privacy, reviews
from salon.plugins.coaching.config import CoachingConfig
from salon.plugins.coaching.store import DIGEST_JOB, NUDGE_JOB, REMIND_JOB, REVIEW_JOB

__all__ = [
    "export_person_data",
    "forget_person",
    "people_merged",
    "piece_submitted",
    "register_actions",
    "register_commands",
    "register_config",
    "register_dialogs",
    "register_jobs",
    "register_migrations",
    "timezone_changed",
]

WHO = Arg("who", WORD, help="a mention, an account or #<person id>")


@hookimpl
def register_commands(register: Callable[[Command], None]) -> None:
    register(
        Command(
            "plan",
            plans.plan_command,
            help="Your writing plan: words per writing day to finish on time.",
            details="plan alone shows your plan against what you wrote, or asks the questions "
            "to make one.",
            examples=("plan", "plan new", "plan end"),
            subcommands=(
                Command("new", plans.plan_new, help="Answer the plan questions again."),
                Command("end", plans.plan_end, help="End your plan: no nudges or reviews."),
            ),
        )
    )
    register(
        Command(
            "journal",
            reviews.journal_command,
            help="Your answers to the weekly review's question, your notes and coach feedback.",
            examples=("journal", "journal write I wrote best in the mornings"),
            subcommands=(
                Command(
                    "write",
                    reviews.journal_write,
                    help="Keep a note (or answer this week's review question).",
                    args=(Arg("text", TEXT, rest=True, help="what to keep"),),
                ),
            ),
        )
    )
    register(
        Command(
            "coach",
            coaches.coach_status,
            help="Coaching: ask a coach, see your coach or coachees.",
            details="coach alone shows your coaching. Coaches see a member's plan and reviews "
            "only while the member consents.",
            examples=("coach request @maya", "coach consent off", "coach view @sam"),
            subcommands=(
                Command("list", coaches.coach_list, help="The coaches the organisers named."),
                Command(
                    "add",
                    coaches.coach_add,
                    help="Name a coach.",
                    args=(WHO,),
                    role=Role.ORGANISER,
                ),
                Command(
                    "remove",
                    coaches.coach_remove,
                    help="A coach is no coach any more; their coaching ends.",
                    args=(WHO,),
                    role=Role.ORGANISER,
                ),
                Command(
                    "request",
                    coaches.coach_request,
                    help="Ask a coach to coach you (they see your plan once they accept).",
                    args=(WHO,),
                ),
                Command(
                    "accept",
                    coaches.coach_accept,
                    help="Accept a member's request (or press Accept).",
                    args=(WHO,),
                ),
                Command(
                    "decline",
                    coaches.coach_decline,
                    help="Turn a member's request down.",
                    args=(WHO,),
                ),
                Command(
                    "end",
                    coaches.coach_end,
                    help="End coaching, as the member or the coach.",
                    args=(WHO,),
                ),
                Command(
                    "consent",
                    coaches.coach_consent,
                    help="Let your coach see your plan and reviews (on) or not (off).",
                    args=(Arg("switch", choice("on", "off"), help="on or off"),),
                ),
                Command(
                    "view",
                    coachview.coach_view,
                    help="A coachee's plan, progress, streak and reviews (with their consent).",
                    args=(WHO,),
                ),
                Command(
                    "feedback",
                    coachview.coach_feedback,
                    help="Feedback on a coachee's latest weekly review.",
                    args=(WHO, Arg("text", TEXT, rest=True, help="your feedback")),
                ),
                Command(
                    "piece",
                    coachview.coach_piece,
                    help="Feedback on a coachee's critique-queue piece.",
                    args=(
                        Arg("piece", POSITIVE_INT, help="the piece's number"),
                        Arg("text", TEXT, rest=True, help="your feedback"),
                    ),
                ),
                Command(
                    "session",
                    coachview.coach_session,
                    help="Schedule a 1:1 with a coachee (an event, or a reminder to both).",
                    args=(WHO, Arg("when", DATETIME, help="e.g. 2026-12-03 18:00 or fri 18:00")),
                ),
            ),
        )
    )


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    register(Action(coaches.ANSWER_ACTION, coaches.answer_pressed))


@hookimpl
def register_dialogs(register: Callable[[Dialog], None]) -> None:
    register(plans.dialog())
    register(reviews.dialog())


@hookimpl
def register_jobs(register: Callable[[JobHandler], None]) -> None:
    register(JobHandler(NUDGE_JOB, nudges.nudge))
    register(JobHandler(REVIEW_JOB, reviews.review_job))
    register(JobHandler(DIGEST_JOB, coachview.digest_job))
    register(JobHandler(REMIND_JOB, coachview.session_reminder))


@hookimpl
def register_config(register: Callable[[type[Any]], None]) -> None:
    register(CoachingConfig)


@hookimpl
def register_migrations(register: Callable[[Path], None]) -> None:
    register(Path(__file__).parent / "migrations")


@hookimpl
async def timezone_changed(person: Person, tz: ZoneInfo, bot: Bot) -> None:
    await plans.reschedule_in_zone(bot, person, tz)


@hookimpl
async def piece_submitted(piece: Piece, author: Person, bot: Bot) -> None:
    await coachview.piece_submitted(piece, author, bot)


@hookimpl
async def people_merged(
    kept: Person, merged: Person, connection: AsyncConnection, bot: Bot
) -> None:
    await privacy.merge(kept, merged, connection, bot)


@hookimpl
async def export_person_data(person: Person, connection: AsyncConnection, bot: Bot) -> Markup:
    return await privacy.export(person, connection, bot)


@hookimpl
async def forget_person(person: Person, connection: AsyncConnection, bot: Bot) -> None:
    await privacy.forget(person, connection, bot)

"""Where the platform shows forms, a check-in can be answered all at once; elsewhere the
questions come one at a time, as before."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.checkins.helpers import dm_texts, join, last, person_id, setup_checkin, utc
from salon.core import CheckIn, Form, hookimpl
from salon.core.storage import sa
from salon.core.testing import RICH, WITH_FORMS, Platform, SalonHarness
from salon.plugins.checkins import tables

THURSDAY_NINE = utc(2026, 1, 8, 9, 0)
ANSWERS = {"q0": "Two scenes", "q1": "The ending", "q2": "Nothing"}


class Recorded:
    def __init__(self) -> None:
        self.checkins: list[CheckIn] = []

    @hookimpl
    def checkin_recorded(self, checkin: CheckIn) -> None:
        self.checkins.append(checkin)


@pytest.fixture
def recorded() -> Recorded:
    return Recorded()


@pytest.fixture
def salon_plugins(recorded: Recorded) -> list[Any]:
    return ["checkins", ("recorded", recorded)]


@pytest.fixture
def salon_platforms() -> list[Platform]:
    return [Platform("memory", WITH_FORMS)]


async def asked_with_form(harness: SalonHarness, name: str = "bob") -> Form:
    await setup_checkin(harness)
    await join(harness, name)
    await harness.advance(to=THURSDAY_NINE)
    [question] = harness.sent_to(name)
    assert question.outbound.form is not None
    return question.outbound.form


async def status_of(harness: SalonHarness, name: str) -> tuple[str, Any]:
    async with harness.bot.storage.engine.connect() as db:
        row = (
            await db.execute(
                sa.select(tables.responses.c.status, tables.responses.c.answers).where(
                    tables.responses.c.person_id == await person_id(harness, name)
                )
            )
        ).one()
    return row.status, row.answers


async def test_the_first_question_offers_a_form_with_every_question(
    salon_bot: SalonHarness,
) -> None:
    form = await asked_with_form(salon_bot)

    assert (form.title, form.action) == ("Check-in", "salon.dialog:checkins.answer")
    assert [(f.name, f.label) for f in form.fields] == [
        ("q0", "What did you write since the last check-in?"),
        ("q1", "What's next?"),
        ("q2", "Anything blocking you?"),
    ]


@pytest.mark.parametrize("salon_platforms", [[Platform("memory", RICH)]])
async def test_without_forms_the_question_is_text_only(salon_bot: SalonHarness) -> None:
    await setup_checkin(salon_bot)
    await join(salon_bot, "bob")

    await salon_bot.advance(to=THURSDAY_NINE)

    [question] = salon_bot.sent_to("bob")
    assert question.outbound.form is None
    assert "(1/3) What did you write" in dm_texts(salon_bot, "bob")[0]


async def test_submitting_the_form_records_the_checkin_at_once(
    salon_bot: SalonHarness, recorded: Recorded
) -> None:
    form = await asked_with_form(salon_bot)

    replies = await salon_bot.submit(form, ANSWERS, as_="bob", dm=True)

    assert "Thanks — you're checked in for #general on Memory" in last(replies)
    assert replies[-1].recipient is None and replies[-1].space is not None  # in the DM
    assert await status_of(salon_bot, "bob") == (
        "done",
        [[q.label, ANSWERS[q.name]] for q in form.fields],
    )
    [checkin] = recorded.checkins
    assert checkin.answers[1] == ("What's next?", "The ending")
    replies = await salon_bot.send("And another thing", as_="bob", dm=True)
    assert "I don't know the command" in last(replies)  # no longer awaited


async def test_a_submission_after_text_answers_and_a_second_one(
    salon_bot: SalonHarness, recorded: Recorded
) -> None:
    form = await asked_with_form(salon_bot)
    await salon_bot.send("Typed first", as_="bob", dm=True)

    await salon_bot.submit(form, {"q0": "", "q1": "Next", "q2": "No"}, as_="bob", dm=True)
    replies = await salon_bot.submit(form, ANSWERS, as_="bob", dm=True)

    status, answers = await status_of(salon_bot, "bob")
    assert (status, [a for _, a in answers]) == ("done", ["Typed first", "Next", "No"])
    assert "Those questions are closed already" in last(replies)
    assert len(recorded.checkins) == 1


async def test_a_redelivered_submission_is_applied_once(
    salon_bot: SalonHarness, recorded: Recorded
) -> None:
    form = await asked_with_form(salon_bot)

    await salon_bot.submit(form, ANSWERS, as_="bob", dm=True, event_id="V1-h1")
    await salon_bot.restart()
    replies = await salon_bot.submit(form, ANSWERS, as_="bob", dm=True, event_id="V1-h1")

    assert replies == []
    assert len(recorded.checkins) == 1


async def test_a_missing_answer_is_asked_for_and_nothing_is_recorded(
    salon_bot: SalonHarness, recorded: Recorded
) -> None:
    form = await asked_with_form(salon_bot)

    replies = await salon_bot.submit(form, {"q0": "Words", "q1": " "}, as_="bob", dm=True)

    assert last(replies) == "Please answer this one too: What's next?"
    assert await status_of(salon_bot, "bob") == ("asking", [])
    assert recorded.checkins == []

"""Dialogs: questions in a DM, skip and cancel, a form where the platform has one, state that
survives a restart, expiry, and answers that reach the plugin that asked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from salon.core import (
    POSITIVE_INT,
    Command,
    Context,
    Dialog,
    Form,
    Job,
    JobContext,
    JobHandler,
    MemberRef,
    Question,
    UserError,
    hookimpl,
)
from salon.core.dialogs import Answers
from salon.core.storage import AsyncConnection
from salon.core.testing import PLAIN, WITH_FORMS, HarnessError, Platform, SalonHarness


class Intake:
    """Asks for a piece to critique: title, what feedback is wanted (optional), word count."""

    def __init__(self) -> None:
        self.done: list[Answers] = []
        self.expired: list[Answers] = []

    @hookimpl
    def register_dialogs(self, register: Any) -> None:
        register(
            Dialog(
                "critique.intake",
                (
                    Question("title", "What is the piece called?", multiline=False),
                    Question("wanted", "What feedback do you want?", optional=True),
                    Question("length", "How many words is it?", multiline=False, type=POSITIVE_INT),
                ),
                on_done=self.finished,
                title="Submit a piece for critique",
                expires=timedelta(hours=2),
                on_expire=self.on_expire,
            )
        )

    @hookimpl
    def register_commands(self, register: Any) -> None:
        register(Command("submit", self.submit, help="Submit a piece for critique."))

    async def submit(self, ctx: Context) -> None:
        await ctx.bot.dialogs.start(ctx, "critique.intake", ctx.member.ref, data={"round": 7})

    async def finished(self, ctx: Context, db: AsyncConnection, answers: Answers) -> None:
        if answers.values["length"] > 100_000:
            raise UserError("That is a novel! Critique rounds take up to 100,000 words.")
        self.done.append(answers)
        ctx.reply(f"Thanks, {answers.values['title']} is in round {answers.data['round']}.")

    def on_expire(self, ctx: Any, answers: Answers) -> None:
        self.expired.append(answers)


class Greedy:
    """Consumes every plain message it sees: it must not steal a dialog's answers."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl
    def message_received(self, message: Any) -> bool:
        self.seen.append(message.text)
        return True


@pytest.fixture
def intake() -> Intake:
    return Intake()


@pytest.fixture
def greedy() -> Greedy:
    return Greedy()


@pytest.fixture
def salon_plugins(intake: Intake, greedy: Greedy) -> list[Any]:
    return [("greedy", greedy), ("critique", intake)]


def dm(harness: SalonHarness, name: str = "alice") -> list[str]:
    return harness.texts(harness.sent_to(name)) + [
        d.text for d in harness.replies if d.space == harness.space(dm_of=name).ref
    ]


@pytest.mark.parametrize("salon_platforms", [[Platform("memory", PLAIN)]])
async def test_questions_one_by_one_with_skip_across_a_restart(
    salon_bot: SalonHarness, intake: Intake, greedy: Greedy
) -> None:
    [first] = await salon_bot.send("!submit")
    assert first.outbound.recipient == salon_bot.member("alice").ref
    assert first.text.splitlines() == [
        "Submit a piece for critique",
        "(1/3) What is the piece called?",
        "Send `cancel` to stop. Until then, what you write here is your answer; start commands "
        "with `!`.",
    ]
    replies = await salon_bot.send("The Lighthouse", dm=True)
    assert salon_bot.texts(replies) == ["(2/3) What feedback do you want? _(skip to leave it out)_"]
    await salon_bot.restart()  # the conversation is in the database, not in memory
    replies = await salon_bot.send("skip", dm=True)
    assert salon_bot.texts(replies) == ["(3/3) How many words is it?"]
    replies = await salon_bot.send("skip", dm=True)  # a required one cannot be skipped
    assert "This one can't be skipped" in salon_bot.texts(replies)[0]
    replies = await salon_bot.send("about 4k", dm=True)  # the type is checked, then asked again
    assert salon_bot.texts(replies) == [
        "'about 4k' is not a whole number.\n(3/3) How many words is it?"
    ]
    replies = await salon_bot.send("250000", dm=True)  # on_done refuses: asked again
    assert salon_bot.texts(replies) == [
        "That is a novel! Critique rounds take up to 100,000 words."
    ]
    replies = await salon_bot.send("4,200", dm=True)
    assert salon_bot.texts(replies) == ["Thanks, The Lighthouse is in round 7."]
    [answers] = intake.done
    assert dict(answers.values) == {"title": "The Lighthouse", "wanted": None, "length": 4200}
    assert greedy.seen == []  # every answer went to the plugin that asked
    replies = await salon_bot.send("hello again", dm=True)
    assert greedy.seen == ["hello again"]  # the dialog is over: plain DMs flow as usual


async def test_commands_still_work_mid_dialog_and_cancel_closes_it(
    salon_bot: SalonHarness, intake: Intake
) -> None:
    await salon_bot.send("!submit")
    assert salon_bot.texts(await salon_bot.send("!ping", dm=True)) == ["pong"]
    replies = await salon_bot.send("Cancel", dm=True)
    assert salon_bot.texts(replies) == ["Cancelled; nothing was saved."]
    assert intake.done == []
    assert await salon_bot.bot.scheduler.next_run("dialog:memory:alice") is None


async def test_a_redelivered_answer_is_applied_once(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!submit")
    await salon_bot.send("Title one", dm=True, event_id="E1")
    replies = await salon_bot.send("Title one", dm=True, event_id="E1")
    assert replies == []
    replies = await salon_bot.send("more detail please", dm=True)
    assert salon_bot.texts(replies) == ["(3/3) How many words is it?"]


@pytest.mark.parametrize("salon_platforms", [[Platform("memory", WITH_FORMS)]])
async def test_where_forms_are_shown_all_questions_can_be_answered_at_once(
    salon_bot: SalonHarness, intake: Intake
) -> None:
    [first] = await salon_bot.send("!submit")
    form = first.outbound.form
    assert form is not None and [f.name for f in form.fields] == ["title", "wanted", "length"]
    assert "all at once with the button" in first.text
    replies = await salon_bot.submit(form, {"title": "Gulls", "length": ""}, dm=True)
    assert salon_bot.texts(replies) == ["Please answer this one too: _How many words is it?_"]
    replies = await salon_bot.submit(form, {"title": "Gulls", "length": "900"}, dm=True)
    assert salon_bot.texts(replies) == ["Thanks, Gulls is in round 7."]
    assert dict(intake.done[0].values) == {"title": "Gulls", "wanted": None, "length": 900}
    replies = await salon_bot.submit(form, {"title": "Again", "length": "1"}, dm=True)
    assert salon_bot.texts(replies) == [
        "Those questions are closed already (answered, skipped or expired); nothing was changed."
    ]


async def test_a_form_cannot_be_submitted_where_the_platform_shows_none(
    salon_bot: SalonHarness,
) -> None:
    [first] = await salon_bot.send("!submit")
    assert first.outbound.form is None  # text only here
    forged = Form("Submit a piece for critique", (), "salon.dialog:critique.intake")
    with pytest.raises(HarnessError, match="shows no forms"):
        await salon_bot.submit(forged, {"title": "x", "length": "1"}, dm=True)


async def test_an_unfinished_dialog_expires_and_the_member_is_told(
    salon_bot: SalonHarness, intake: Intake, greedy: Greedy
) -> None:
    await salon_bot.send("!submit")
    await salon_bot.send("Half done", dm=True)
    await salon_bot.restart()
    replies = await salon_bot.advance(timedelta(hours=3))
    assert salon_bot.texts(replies) == [
        "The questions I asked (Submit a piece for critique) have expired; nothing was saved."
    ]
    assert dict(intake.expired[0].values) == {"title": "Half done"}
    await salon_bot.send("late answer", dm=True)
    assert greedy.seen == ["late answer"] and intake.done == []


async def test_several_platforms_in_one_bot_each_with_its_own_dialog(
    salon_config: dict[str, Any], salon_clock: Any, intake: Intake, greedy: Greedy
) -> None:
    harness = SalonHarness(
        salon_config,
        salon_clock,
        [("greedy", greedy), ("critique", intake)],
        platforms=[Platform("chat", WITH_FORMS), Platform("sms", PLAIN)],
    )
    await harness.start()
    try:
        [on_chat] = await harness.send("!submit", platform="chat")
        [on_sms] = await harness.send("!submit", platform="sms")
        assert "all at once" in on_chat.text and "all at once" not in on_sms.text
        await harness.send("From SMS", dm=True, platform="sms")
        replies = await harness.send("From chat", dm=True, platform="chat")
        assert harness.texts(replies) == [
            "(2/3) What feedback do you want? _(skip to leave it out)_"
        ]
        assert harness.texts(harness.sent_to("alice", platform="sms"))[0].startswith("Submit")
    finally:
        await harness.stop()


class Scheduled(Intake):
    """Starts the same dialog from a scheduled job, in the job's transaction."""

    @hookimpl
    def register_jobs(self, register: Any) -> None:
        register(JobHandler("critique.ask", self.ask))

    async def ask(self, ctx: JobContext, job: Job) -> None:
        member = MemberRef(job.payload["platform"], job.payload["id"])
        await ctx.bot.dialogs.start(ctx, "critique.intake", member, data={"round": 8})


async def test_a_job_starts_a_dialog_in_its_own_transaction(
    salon_config: dict[str, Any], salon_clock: Any
) -> None:
    plugin = Scheduled()
    harness = SalonHarness(salon_config, salon_clock, [("critique", plugin)])
    await harness.start()
    try:
        async with harness.bot.transaction() as tx:
            await harness.bot.scheduler.schedule(
                "ask-bob",
                "critique.ask",
                at=salon_clock.now() + timedelta(minutes=5),
                payload={"platform": "memory", "id": "bob"},
                connection=tx.db,
            )
        [question] = await harness.advance(timedelta(minutes=5))
        assert question.outbound.recipient == harness.member("bob").ref
        for answer in ("Gulls", "skip", "900"):
            replies = await harness.send(answer, as_="bob", dm=True)
        assert harness.texts(replies) == ["Thanks, Gulls is in round 8."]
    finally:
        await harness.stop()


async def test_a_platform_added_before_start_is_kept_across_a_restart(
    salon_config: dict[str, Any], salon_clock: Any, intake: Intake, greedy: Greedy
) -> None:
    harness = SalonHarness(salon_config, salon_clock, [("critique", intake)])
    harness.add_platform("sms", PLAIN)
    await harness.start()
    try:
        await harness.send("!submit", platform="sms")
        await harness.restart()
        replies = await harness.send("Gulls", dm=True, platform="sms")
        assert harness.texts(replies)[0].startswith("(2/3)")
    finally:
        await harness.stop()


async def test_a_dialog_belongs_to_the_person_not_the_account(
    salon_config: dict[str, Any], salon_clock: Any
) -> None:
    """Asked on one platform, answered from a linked account on another: one conversation."""
    import re

    intake = Intake()
    harness = SalonHarness(salon_config, salon_clock, [("critique", intake)])
    harness.add_platform("telegram", PLAIN)
    await harness.start()
    try:
        [asked] = await harness.send("link", as_="alice", dm=True)
        found = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", asked.text)
        assert found is not None
        await harness.send(f"link {found.group(1)}", as_="alice", dm=True, platform="telegram")

        await harness.send("!submit")  # asked on the first platform
        replies = await harness.send("Gulls", as_="alice", dm=True, platform="telegram")
        assert harness.texts(replies) == [
            "(2/3) What feedback do you want? _(skip to leave it out)_"
        ]
        await harness.send("skip", as_="alice", dm=True)
        replies = await harness.send("900", as_="alice", dm=True, platform="telegram")
        assert harness.texts(replies) == ["Thanks, Gulls is in round 7."]
        [answers] = intake.done
        person = await harness.bot.people.of(harness.member("alice").ref)
        assert person is not None and answers.person_id == person.id
        assert answers.member == harness.member("alice", platform="telegram").ref
    finally:
        await harness.stop()

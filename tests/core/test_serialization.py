"""The durable outbox stores neutral messages as JSON: every field must come back the same."""

from __future__ import annotations

import json

from salon.core import Button, Form, FormField, Image, MemberRef, Outbound, SpaceRef, bold, md
from salon.core.serialization import outbound_from_json, outbound_to_json, outbounds_to_json


def round_trip(outbound: Outbound) -> Outbound:
    return outbound_from_json(json.loads(json.dumps(outbound_to_json(outbound))))


def test_an_outbound_with_a_form_round_trips() -> None:
    form = Form(
        title="Check-in",
        fields=(
            FormField("q0", "What did you write?"),
            FormField("q1", "Blocked?", multiline=False, optional=True),
        ),
        action="checkins.answer_form",
        submit_label="Send",
        open_label="All at once",
    )
    outbound = Outbound(
        md("Hello ", bold("you")),
        recipient=MemberRef("slack", "U1"),
        buttons=(Button("Skip", "checkins.skip", "x"),),
        form=form,
    )

    assert round_trip(outbound) == outbound


def test_an_outbound_without_a_form_round_trips() -> None:
    outbound = Outbound(
        md("chart"),
        space=SpaceRef("slack", "C1"),
        image=Image(b"\x89PNG", alt_text="a chart"),
        thread_id="1.2",
    )

    assert round_trip(outbound) == outbound


def test_files_and_deletions_round_trip() -> None:
    from salon.core import File, Sent

    with_file = Outbound(
        md("Saturday"),
        space=SpaceRef("telegram", "-100"),
        files=(File("write-in.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n\x00\xff"),),
    )
    assert round_trip(with_file) == with_file
    deletion = Outbound.deletion(Sent("42", SpaceRef("telegram", "-100")))
    assert round_trip(deletion) == deletion


def test_a_batch_converts_as_each_outbound_alone() -> None:
    body = md("Check-in time for ", bold("Daily"))
    form = Form(title="Check-in", fields=(FormField("q0", "What did you write?"),), action="a")
    batch = [
        Outbound(body, recipient=MemberRef("slack", f"U{i}"), form=form, key=f"k{i}")
        for i in range(3)
    ] + [Outbound(md("other"), space=SpaceRef("telegram", "-100"), image=Image(b"x", "alt"))]

    assert outbounds_to_json(batch) == [outbound_to_json(outbound) for outbound in batch]
    assert [outbound_from_json(data) for data in outbounds_to_json(batch)] == batch

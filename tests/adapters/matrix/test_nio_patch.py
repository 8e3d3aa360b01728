"""nio still parses through the names ``nio_patch`` replaces: fails when a nio release changes it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import nio
import nio.events.misc
import nio.responses
import nio.schemas
import pytest

from salon.adapters.matrix import nio_patch, schemas

SYNC = {
    "next_batch": "s1",
    "rooms": {
        "join": {
            "!r:localhost": {
                "timeline": {
                    "events": [
                        {
                            "type": "m.room.message",
                            "sender": "@alice:localhost",
                            "event_id": "$1",
                            "origin_server_ts": 1,
                            "content": {"msgtype": "m.text", "body": "!ping"},
                        }
                    ]
                }
            }
        }
    },
}


@pytest.fixture
def counted() -> Iterator[list[Any]]:
    """Count the calls nio's parsing makes through the patched names."""
    calls: list[Any] = []

    def counting(instance: Any, schema: Any) -> None:
        calls.append(schema)
        schemas.validate_json(instance, schema)

    saved = [module.validate_json for module in nio_patch.PATCHED_MODULES]  # type: ignore[attr-defined]
    for module in nio_patch.PATCHED_MODULES:
        module.validate_json = counting  # type: ignore[attr-defined]
    try:
        yield calls
    finally:
        for module, original in zip(nio_patch.PATCHED_MODULES, saved, strict=True):
            module.validate_json = original  # type: ignore[attr-defined]


def test_nio_validates_through_the_replaced_names() -> None:
    nio_patch.uninstall()
    try:
        assert nio.responses.validate_json is nio.schemas.validate_json
        assert nio.events.misc.validate_json is nio.schemas.validate_json
        assert nio_patch.matches_nio()
    finally:
        assert nio_patch.install()
    assert nio_patch.installed()


def test_sync_and_event_parsing_call_them(counted: list[Any]) -> None:
    response = nio.SyncResponse.from_dict(SYNC)
    assert isinstance(response, nio.SyncResponse), response
    event = response.rooms.join["!r:localhost"].timeline.events[0]
    assert isinstance(event, nio.RoomMessageText) and event.body == "!ping"
    # The response schema, and the event's own schemas: the hot path goes through the patch.
    assert nio.schemas.Schemas.sync in counted
    assert nio.schemas.Schemas.room_message_text in counted

"""The compiled schema checks agree with nio's jsonschema validation, defaults included."""

from __future__ import annotations

import copy
import json
from typing import Any

import nio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import ValidationError
from nio.schemas import Schemas

from salon.adapters.matrix import nio_patch, schemas

ALL_SCHEMAS = {
    name: value
    for name, value in vars(Schemas).items()
    if not name.startswith("_") and isinstance(value, dict)
}
ORIGINAL = schemas._original

MESSAGE = {
    "type": "m.room.message",
    "sender": "@alice:localhost",
    "event_id": "$1",
    "origin_server_ts": 1,
    "content": {"msgtype": "m.text", "body": "!ping"},
}
CORPUS: list[Any] = [
    MESSAGE,
    {**MESSAGE, "sender": "alice"},
    {**MESSAGE, "content": {"msgtype": "m.text"}},
    {**MESSAGE, "content": {"msgtype": "m.notice", "body": 3}},
    {**MESSAGE, "origin_server_ts": "soon"},
    {**MESSAGE, "origin_server_ts": True},
    {**MESSAGE, "origin_server_ts": 1.5},
    {**MESSAGE, "content": {"msgtype": "m.image", "body": "x", "url": "mxc://a/b"}},
    {
        "type": "m.reaction",
        "sender": "@a:x",
        "event_id": "$2",
        "origin_server_ts": 1,
        "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$1", "key": "1"}},
    },
    {
        "type": "m.room.member",
        "state_key": "@a:x",
        "sender": "@a:x",
        "event_id": "$3",
        "origin_server_ts": 1,
        "content": {"membership": "join", "displayname": None},
    },
    {
        "type": "m.room.encrypted",
        "sender": "@a:x",
        "event_id": "$4",
        "origin_server_ts": 1,
        "content": {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AAA", "session_id": "s"},
    },
    {"next_batch": "s1", "rooms": {"join": {"!r:x": {"timeline": {"events": [MESSAGE]}}}}},
    {"next_batch": "s1", "rooms": {"invite": {"!r:x": {"invite_state": {"events": [1]}}}}},
    {"event_id": "$5"},
    {"errcode": "M_LIMIT_EXCEEDED", "error": "slow", "retry_after_ms": 10},
    {"content_uri": "mxc://x/y"},
    {"user_id": "@a:x", "device_id": "D"},
    [],
    "text",
    None,
]


def outcome(validate: Any, schema: dict[str, Any], instance: Any) -> tuple[Any, Any]:
    instance = copy.deepcopy(instance)
    try:
        validate(instance, schema)
        result: Any = True
    except ValidationError:
        result = False
    except Exception as error:
        result = type(error).__name__
    return result, json.dumps(instance, sort_keys=True, default=repr)


@pytest.mark.parametrize("instance", CORPUS, ids=range(len(CORPUS)))
def test_agrees_with_jsonschema_on_the_corpus(instance: Any) -> None:
    for name, schema in ALL_SCHEMAS.items():
        assert outcome(schemas.validate_json, schema, instance) == outcome(
            ORIGINAL, schema, instance
        ), name


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "content",
                    "sender",
                    "event_id",
                    "body",
                    "msgtype",
                    "state_key",
                    "membership",
                    "origin_server_ts",
                    "events",
                    "rooms",
                    "join",
                    "m.relates_to",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_agrees_with_jsonschema_on_random_json(instance: Any) -> None:
    for name, schema in ALL_SCHEMAS.items():
        assert outcome(schemas.validate_json, schema, instance) == outcome(
            ORIGINAL, schema, instance
        ), name


def test_sync_parsing_is_unchanged() -> None:
    sync = CORPUS[11]
    nio_patch.uninstall()
    try:
        before = repr(nio.SyncResponse.from_dict(copy.deepcopy(sync)))
    finally:
        assert nio_patch.install()
    assert repr(nio.SyncResponse.from_dict(copy.deepcopy(sync))) == before

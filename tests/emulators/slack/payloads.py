"""Builders for what Slack sends a bot, shared by Socket Mode and the HTTP Events API.

Shapes follow https://api.slack.com/apis/events-api#callback-field,
https://api.slack.com/interactivity/slash-commands#app_command_handling,
https://api.slack.com/reference/interaction-payloads/block-actions and
https://api.slack.com/reference/interaction-payloads/views#view_submission.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from .workspace import Workspace

# Slack still sends the deprecated verification token in payloads; Bolt ignores it.
VERIFICATION_TOKEN = "salon-verification-token"


def new_event_id() -> str:
    """An ``Ev…`` id, unique per event (Slack keeps it across retries)."""
    return "Ev" + uuid.uuid4().hex[:10].upper()


def new_trigger_id() -> str:
    """A ``trigger_id`` as sent with slash commands and interactions, valid for ``views.open``."""
    return f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"


def event_callback(
    workspace: Workspace, event: dict[str, Any], *, event_id: str | None = None
) -> dict[str, Any]:
    """Wrap an inner event (``message``, ``app_mention``, …) into an ``event_callback`` body.

    Missing fields Slack always sends are filled in: ``ts``/``event_ts`` for messages, ``team``,
    ``channel_type`` from the channel id prefix. A message event is also stored in the channel
    history, so the bot can react to it or reply in its thread.
    """
    inner = dict(event)
    if inner.get("type") in {"message", "app_mention"}:
        inner.setdefault("ts", workspace.next_ts())
        inner.setdefault("team", workspace.team_id)
        channel = str(inner.get("channel", ""))
        if inner["type"] == "message":
            inner.setdefault("channel_type", _channel_type(channel))
        if channel and "subtype" not in inner:
            workspace.store_message(channel, {k: v for k, v in inner.items() if k != "channel"})
    inner.setdefault("event_ts", inner.get("ts") or workspace.next_ts())
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": workspace.team_id,
        "context_team_id": workspace.team_id,
        "api_app_id": workspace.app_id,
        "event": inner,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": workspace.team_id,
                "user_id": workspace.bot_user.id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + uuid.uuid4().hex,
    }


def slash_command(
    workspace: Workspace,
    *,
    command: str,
    text: str,
    user_id: str,
    channel_id: str,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """The form fields of a slash command (Socket Mode sends the same fields as a JSON object)."""
    user = workspace.users.get(user_id)
    channel = workspace.channels.get(channel_id)
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": workspace.team_id,
        "team_domain": workspace.domain,
        "channel_id": channel_id,
        "channel_name": _channel_name(channel_id, channel.name if channel else None),
        "user_id": user_id,
        "user_name": user.name if user else user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": workspace.app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def block_actions(
    workspace: Workspace,
    *,
    action_id: str,
    user_id: str,
    channel_id: str,
    message: dict[str, Any],
    response_url: str,
    trigger_id: str,
    value: str | None = None,
    block_id: str = "salon_block",
) -> dict[str, Any]:
    """A ``block_actions`` payload for a button click on ``message`` (a message dict with ts)."""
    user = workspace.users.get(user_id)
    channel = workspace.channels.get(channel_id)
    action: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": action_id, "emoji": True},
        "action_ts": workspace.next_ts(),
    }
    if value is not None:
        action["value"] = value
    return {
        "type": "block_actions",
        "user": {
            "id": user_id,
            "username": user.name if user else user_id.lower(),
            "name": user.name if user else user_id.lower(),
            "team_id": workspace.team_id,
        },
        "api_app_id": workspace.app_id,
        "token": VERIFICATION_TOKEN,
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "trigger_id": trigger_id,
        "team": {"id": workspace.team_id, "domain": workspace.domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {
            "id": channel_id,
            "name": _channel_name(channel_id, channel.name if channel else None),
        },
        "message": message,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }


def view_submission(
    workspace: Workspace,
    *,
    view: dict[str, Any],
    user_id: str,
    values: dict[str, str | None],
    trigger_id: str,
) -> dict[str, Any]:
    """A ``view_submission`` payload for an opened modal ``view`` (as ``views.open`` returned
    it). ``values`` maps an input block's ``block_id`` to the text typed; blocks left out are
    submitted empty, which Slack sends as ``"value": null``."""
    state: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        element = block.get("element") or {}
        if block.get("type") != "input" or element.get("type") != "plain_text_input":
            continue
        typed = values.get(block["block_id"])
        state[block["block_id"]] = {
            element["action_id"]: {"type": "plain_text_input", "value": typed or None}
        }
    user = workspace.users.get(user_id)
    return {
        "type": "view_submission",
        "team": {"id": workspace.team_id, "domain": workspace.domain},
        "user": {
            "id": user_id,
            "username": user.name if user else user_id.lower(),
            "name": user.name if user else user_id.lower(),
            "team_id": workspace.team_id,
        },
        "api_app_id": workspace.app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": {**view, "state": {"values": state}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def _channel_type(channel_id: str) -> str:
    return {"D": "im", "G": "group"}.get(channel_id[:1], "channel")


def _channel_name(channel_id: str, name: str | None) -> str:
    # Slack names DMs "directmessage" in slash command and interaction payloads.
    return "directmessage" if channel_id.startswith("D") else name or channel_id.lower()

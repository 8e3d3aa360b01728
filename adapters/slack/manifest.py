"""The Slack app manifest (https://api.slack.com/reference/manifests), generated from the
registered commands so the slash command's hint always matches what the bot understands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from salon.adapters.slack.config import SlackConfig
from salon.core.commands import Command

#: What the adapter calls, and why.
BOT_SCOPES = (
    "app_mentions:read",  # app_mention events
    "channels:history",  # message.channels: !commands in public channels
    "groups:history",  # message.groups: !commands in private channels
    "im:history",  # message.im: plain text in DMs
    "channels:read",  # member_joined_channel
    "chat:write",  # chat.postMessage, chat.update, chat.delete
    "commands",  # the slash command
    "files:read",  # members' files: url_private downloads
    "files:write",  # images and files: files.getUploadURLExternal / completeUploadExternal
    "im:write",  # conversations.open for direct messages
    "users:read",  # users.info for display names
)
BOT_EVENTS = (
    "app_mention",
    "message.channels",
    "message.groups",
    "message.im",
    "member_joined_channel",
)
USAGE_HINT_LIMIT = 1000
NAME_LIMIT = 35
PLACEHOLDER_URL = "https://salon.example.org"


def build_manifest(
    commands: Iterable[Command],
    config: SlackConfig,
    *,
    app_name: str = "salon",
    public_url: str | None = None,
) -> dict[str, Any]:
    """The manifest as a dict (dump it as JSON; Slack accepts JSON and YAML).

    :param public_url: where salon's web server is reachable in "http" mode (the request URLs
        are this plus ``events_path``).
    """
    names = sorted({command.name for command in commands})
    http = config.mode == "http"
    request_url = (public_url or PLACEHOLDER_URL).rstrip("/") + config.events_path
    slash_command: dict[str, Any] = {
        "command": config.slash_command,
        "description": "Talk to the writing group's bot",
        "usage_hint": _usage_hint(names),
        # Slack then sends mentions as <@U…> and links as <url>, as in events.
        "should_escape": True,
    }
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": not http,
        "token_rotation_enabled": False,
    }
    if http:
        slash_command["url"] = request_url
        settings["event_subscriptions"]["request_url"] = request_url
        settings["interactivity"]["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": app_name[:NAME_LIMIT],
            "description": "Check-ins, goals and streaks for a writing group",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": False,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": app_name[:NAME_LIMIT], "always_online": True},
            "slash_commands": [slash_command],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": settings,
    }


def _usage_hint(names: list[str]) -> str:
    hint = " | ".join(names)
    return hint if len(hint) <= USAGE_HINT_LIMIT else hint[: USAGE_HINT_LIMIT - 1] + "…"

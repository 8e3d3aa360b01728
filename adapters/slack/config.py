"""``[adapters.slack]``: how salon connects to Slack. Tokens come only from the environment."""

from __future__ import annotations

from typing import Literal

import attrs

from salon.core.errors import ConfigError

PLATFORM = "slack"
BOT_TOKEN = "SALON_SLACK_BOT_TOKEN"
APP_TOKEN = "SALON_SLACK_APP_TOKEN"
SIGNING_SECRET = "SALON_SLACK_SIGNING_SECRET"
SLACK_API_URL = "https://slack.com/api/"


@attrs.frozen
class SlackConfig:
    """``[adapters.slack]``."""

    #: "socket" (Socket Mode, needs SALON_SLACK_APP_TOKEN; nothing to expose) or "http" (the
    #: Events API on salon's web server, needs SALON_SLACK_SIGNING_SECRET and a public URL).
    mode: Literal["socket", "http"] = "socket"
    #: The slash command members type, as declared in the app manifest.
    slash_command: str = "/salon"
    #: The Web API base URL (tests point it at a local emulator).
    api_url: str = SLACK_API_URL
    #: Where Slack POSTs events, slash commands and interactions in "http" mode.
    events_path: str = "/slack/events"

    def check(self) -> None:
        """Raise ``ConfigError`` naming the key if a value cannot work."""
        where = "adapters.slack"
        command = self.slash_command
        if not command.startswith("/") or len(command) < 2 or " " in command:
            raise ConfigError(f"{where}.slash_command: expected a name like '/salon'")
        # slack_sdk appends method names to it: "https://slack.com/api/" + "chat.postMessage".
        if not self.api_url.startswith(("http://", "https://")) or not self.api_url.endswith("/"):
            raise ConfigError(f"{where}.api_url: expected a URL ending in '/api/'")
        if not self.events_path.startswith("/"):
            raise ConfigError(f"{where}.events_path: expected a path like '/slack/events'")

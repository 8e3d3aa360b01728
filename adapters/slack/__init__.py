"""Slack adapter (slack-bolt, Socket Mode or HTTP Events API); see docs/adapters/slack.md.

``SlackAdapter`` is imported on first use: ``salon slack manifest`` and the rest of the CLI
should not pay for importing slack_bolt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salon.adapters.slack.config import SlackConfig

if TYPE_CHECKING:
    from salon.adapters.slack.adapter import SlackAdapter

__all__ = ["SlackAdapter", "SlackConfig"]


def __getattr__(name: str) -> Any:
    if name == "SlackAdapter":
        from salon.adapters.slack.adapter import SlackAdapter

        return SlackAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

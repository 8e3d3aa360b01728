"""A local Slack (Web API, Socket Mode, Events API) for tests that drive the real SDKs."""

from .emulator import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, SlackEmulator
from .events_http import Attempt, sign
from .server import serve_asgi
from .workspace import Channel, UploadedFile, User, Workspace

__all__ = [
    "APP_TOKEN",
    "BOT_TOKEN",
    "SIGNING_SECRET",
    "Attempt",
    "Channel",
    "SlackEmulator",
    "UploadedFile",
    "User",
    "Workspace",
    "serve_asgi",
    "sign",
]

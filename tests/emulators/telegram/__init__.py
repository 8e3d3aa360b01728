"""A local Telegram Bot API emulator for driving the real python-telegram-bot in tests."""

from .emulator import DEFAULT_TOKEN, TelegramEmulator
from .errors import ApiError
from .params import UploadedFile
from .records import ApiCall, SentCall
from .webhook import WebhookDelivery
from .world import Chat, ForumTopic, User

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "Chat",
    "ForumTopic",
    "SentCall",
    "TelegramEmulator",
    "UploadedFile",
    "User",
    "WebhookDelivery",
]

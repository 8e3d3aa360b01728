"""Telegram adapter (python-telegram-bot): long polling or a webhook, HTML, inline keyboards."""

from salon.adapters.telegram.adapter import TelegramAdapter
from salon.adapters.telegram.config import TelegramConfig

__all__ = ["TelegramAdapter", "TelegramConfig"]

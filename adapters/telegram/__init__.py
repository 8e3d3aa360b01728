"""Telegram adapter (python-telegram-bot, long polling or webhook)."""

"""The console adapter: the embedded default. Try salon in a terminal, or script it via stdin."""

from salon.adapters.console.adapter import ConsoleAdapter, ConsoleConfig

__all__ = ["ConsoleAdapter", "ConsoleConfig"]

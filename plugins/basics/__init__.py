"""help, ping, about and tz: the commands every community has, written as a plugin would be."""

from salon.plugins.basics.commands import (
    register_commands,
)

__all__ = ["register_commands"]

"""Members a plugin is waiting on for a free-text reply in a direct message.

While a member is awaited, their plain DM text goes to the ``message_received`` hook *before*
command parsing, so "stats homework, then chapter 5" answers a check-in question instead of
running ``stats``. With the prefix (``!stats``) it is always a command.

This is an in-memory hint, rebuilt by plugins at ``startup``: if a plugin finds nothing open it
returns ``None`` and the text is parsed as a command as usual, so a stale entry costs one look
and never a wrong answer.
"""

from __future__ import annotations

from salon.core.model import MemberRef


class AwaitedReplies:
    """Which members which plugins expect a reply from."""

    def __init__(self) -> None:
        self._plugins: dict[MemberRef, set[str]] = {}

    def expect(self, member: MemberRef, plugin: str) -> None:
        """``plugin`` asked ``member`` something and waits for the answer."""
        self._plugins.setdefault(member, set()).add(plugin)

    def release(self, member: MemberRef, plugin: str) -> None:
        """``plugin`` no longer waits for ``member``."""
        plugins = self._plugins.get(member)
        if plugins is not None:
            plugins.discard(plugin)
            if not plugins:
                del self._plugins[member]

    def plugins(self, member: MemberRef) -> frozenset[str]:
        """The plugins waiting on ``member``: only they are offered the member's reply."""
        return frozenset(self._plugins.get(member, ()))

    def __contains__(self, member: object) -> bool:
        return member in self._plugins

    def __len__(self) -> int:
        return len(self._plugins)

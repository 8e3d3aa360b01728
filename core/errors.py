"""The exceptions of the core layer.

``SalonError`` is the base for everything the core raises on purpose. ``UserError`` is the one
exception whose message is safe to show a member: a command raises it with a sentence and the
router replies with that sentence (plus the usage where it helps).
"""

from __future__ import annotations


class SalonError(Exception):
    """Base class of the errors salon raises on purpose."""


class ConfigError(SalonError):
    """The configuration is invalid; the message names the key and what was expected."""


class PluginError(SalonError):
    """A plugin is broken at load time (bad hook, duplicate command, ...)."""


class UserError(SalonError):
    """Something a member did wrong; the message is a friendly sentence shown to them.

    :param message: what went wrong and, ideally, how to do it right.
    :param show_usage: whether the router appends the command's usage line.
    """

    def __init__(self, message: str, *, show_usage: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.show_usage = show_usage


class AlreadyHandled(SalonError):
    """The inbound event was applied before (a platform redelivered it); nothing is done."""


class RetryAfter(SalonError):
    """A platform asked us to slow down; the send queue waits ``seconds`` and retries.

    Only the lane of the message (its space, or its recipient's DM) waits, unless
    ``platform_wide``: the platform said the limit is on the whole bot, so every lane of that
    platform waits. Adapters raise it from ``send``; features never see it.
    """

    def __init__(self, seconds: float, *, platform_wide: bool = False) -> None:
        where = " (whole platform)" if platform_wide else ""
        super().__init__(f"rate limited{where}, retry after {seconds:.3g}s")
        self.seconds = seconds
        self.platform_wide = platform_wide


class DeliveryError(SalonError):
    """A message could not be delivered and retrying will not help (e.g. the member blocked us).

    :param reason: a short sentence an organiser can act on.
    :param unreachable: the member could not be reached at all (never started the bot, ...).
    """

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreachable = unreachable

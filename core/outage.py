"""One warning when a retried chore starts failing, one line when it works again.

The loops that keep a worker going (the scheduler's passes, lease renewals, leader election)
retry every second or so. While the database is unreachable each attempt fails the same way;
logging every one would bury the log in tracebacks, so each loop keeps an ``Outage``: the
first failure is a WARNING, later ones are DEBUG, and the first success after them an INFO
line saying how long it lasted. An error that is not a lost connection may be a bug: its
first occurrence also goes to ``report`` (the bot's ``report_error``: traceback and the
``handle_error`` hook), or, without one, is logged with its traceback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import sqlalchemy as sa

#: Errors that mean "the database (or a server) is not answering", not "salon has a bug".
UNREACHABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
)


def is_unreachable(error: BaseException) -> bool:
    """Whether ``error`` says a connection failed rather than a statement."""
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, UNREACHABLE)


def summary(error: BaseException) -> str:
    """The error's type and first line: SQLAlchemy's message goes on with the statement."""
    cause = error.orig if isinstance(error, sa.exc.DBAPIError) and error.orig else error
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    name = type(cause).__name__
    return f"{name}: {text[:200]}" if text else name


class Outage:
    """Tracks the failures of one retried chore (``doing``: "renewing the outbox leases")."""

    def __init__(
        self,
        logger: logging.Logger,
        doing: str,
        report: Callable[[BaseException, str], Awaitable[object]] | None = None,
    ) -> None:
        self.logger = logger
        self.doing = doing
        self.report = report
        #: When the current run of failures began (``time.monotonic()``), or ``None``.
        self.since: float | None = None
        self.failures = 0

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    async def failed(self, error: BaseException) -> bool:
        """Count a failure; ``True`` when it is the first of an outage (then it was logged)."""
        self.failures += 1
        if self.since is not None:
            self.logger.debug("%s failed again: %s", self.doing, summary(error))
            return False
        self.since = time.monotonic()
        suspect = not is_unreachable(error)
        self.logger.warning(
            "%s failed (%s); retrying, and saying so once it works again",
            self.doing,
            summary(error),
            exc_info=error if suspect and self.report is None else None,
        )
        if suspect and self.report is not None:
            await self.report(error, self.doing)
        return True

    def succeeded(self) -> None:
        """The chore worked: ends an outage (one INFO line with its length)."""
        if self.since is None:
            return
        lasted = time.monotonic() - self.since
        self.logger.info(
            "%s works again after %.1f s (%d failed attempts)", self.doing, lasted, self.failures
        )
        self.since = None
        self.failures = 0

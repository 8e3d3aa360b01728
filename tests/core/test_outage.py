"""An outage of a retried chore is two log lines, not one traceback per attempt."""

from __future__ import annotations

import logging

import pytest

from salon.core.outage import Outage

LOGGER = "salon.test.outage"


async def test_a_run_of_failures_logs_one_warning_and_one_recovery_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    outage = Outage(logging.getLogger(LOGGER), "renewing the outbox leases")
    firsts = [await outage.failed(ConnectionRefusedError("refused")) for _ in range(30)]
    outage.succeeded()
    outage.succeeded()  # no outage any more: nothing to say

    assert firsts == [True] + [False] * 29
    by_level = [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno > logging.DEBUG]
    assert by_level[0][0] == "WARNING" and "ConnectionRefusedError: refused" in by_level[0][1]
    assert by_level[1][0] == "INFO" and "(30 failed attempts)" in by_level[1][1]
    assert len(by_level) == 2
    assert all(record.exc_info is None for record in caplog.records)


async def test_an_error_that_may_be_a_bug_is_reported_once_per_outage() -> None:
    reported: list[tuple[str, str]] = []

    async def report(error: BaseException, doing: str) -> None:
        reported.append((type(error).__name__, doing))

    outage = Outage(logging.getLogger(LOGGER), "leader election for telegram", report)
    for _ in range(5):
        await outage.failed(KeyError("oops"))
    outage.succeeded()
    await outage.failed(KeyError("again"))

    assert reported == [("KeyError", "leader election for telegram")] * 2

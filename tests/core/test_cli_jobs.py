"""How ``salon jobs`` describes a job: the rule, the delay, the payload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from salon.core.cli_jobs import describe_delay, describe_next_run, describe_payload, describe_rule
from salon.core.scheduler import ScheduledJob

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=WEEKLY;BYDAY=MO,TH", "weekly on Mon, Thu"),
        ("FREQ=DAILY", "daily"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU", "daily"),
        ("FREQ=HOURLY", "hourly"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("FREQ=YEARLY", "FREQ=YEARLY"),
    ],
)
def test_rules_read_as_words_where_they_can(rule: str, text: str) -> None:
    assert describe_rule(rule) == text


def test_delays_and_next_runs_are_readable() -> None:
    assert describe_delay(timedelta(days=2, hours=3, minutes=5)) == "2 days 3 h"
    assert describe_delay(timedelta(minutes=45)) == "45 min"
    assert describe_delay(timedelta(seconds=20)) == "under a minute"
    job = ScheduledJob(1, "x.y", "k", {}, "Europe/Berlin", NOW + timedelta(hours=2), "FREQ=DAILY")
    assert describe_next_run(job, NOW) == "Tue 01 Dec 2026 15:00 Europe/Berlin (in 2 h), daily"
    late = ScheduledJob(2, "x.y", "k", {}, "Mars/Olympus", NOW - timedelta(minutes=5))
    assert describe_next_run(late, NOW) == "Tue 01 Dec 2026 11:55 UTC (due 5 min ago)"


def test_payloads_are_summarised_on_one_short_line() -> None:
    assert describe_payload({}) == "-"
    assert describe_payload({"checkin": 1, "zone": "Asia/Tokyo"}) == 'checkin=1 zone="Asia/Tokyo"'
    assert len(describe_payload({"text": "x\n" * 500})) == 60

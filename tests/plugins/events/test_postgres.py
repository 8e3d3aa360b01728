"""The main flows again on a real PostgreSQL (row locks, JSON and booleans as PostgreSQL
has them): imported tests run here with this module's ``salon_config``."""

from __future__ import annotations

from typing import Any

import pytest
from servers.fixtures import *  # noqa: F403

from plugins.events.test_changes import (
    test_a_new_time_reaches_everyone_who_answered_and_bumps_the_sequence,
    test_bad_commands_get_a_clear_reply_and_change_nothing,
    test_reminders_come_once_each_also_across_a_restart,
)
from plugins.events.test_times_and_waitlist import (
    test_capacity_three_waitlist_and_automatic_promotion,
    test_weekly_workshop_keeps_london_time_across_both_dst_changes,
)

__all__ = [
    "test_a_new_time_reaches_everyone_who_answered_and_bumps_the_sequence",
    "test_bad_commands_get_a_clear_reply_and_change_nothing",
    "test_capacity_three_waitlist_and_automatic_promotion",
    "test_reminders_come_once_each_also_across_a_restart",
    "test_weekly_workshop_keeps_london_time_across_both_dst_changes",
]


@pytest.fixture
def salon_config(salon_config: dict[str, Any], postgres_db_url: str) -> dict[str, Any]:
    return {**salon_config, "database": {"url": postgres_db_url}}

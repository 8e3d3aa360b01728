"""The ``[plugins.sprints]`` settings an organiser can change in ``salon.toml``."""

from __future__ import annotations

from collections.abc import Callable

import attrs


def _at_least(minimum: int) -> Callable[[object, attrs.Attribute[int], int], None]:
    def check(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
        if value < minimum:
            raise ValueError(f"{attribute.name} must be at least {minimum} (got {value})")

    return check


@attrs.frozen
class SprintsConfig:
    """Sprint lengths, start delays and the reporting window; every field has a default."""

    #: Minutes a sprint lasts when the member gives no length (``sprint``).
    default_minutes: int = attrs.field(default=20, validator=_at_least(1))
    #: The longest sprint a member may start.
    max_minutes: int = attrs.field(default=60, validator=_at_least(1))
    #: Minutes before writing starts when the member gives no start (``sprint 20``).
    default_delay_minutes: int = attrs.field(default=1, validator=_at_least(0))
    #: How far ahead a sprint may be started (``sprint 20 in 90``), in hours.
    max_delay_hours: int = attrs.field(default=24, validator=_at_least(0))
    #: Minutes after the end to send word counts; closes early when everyone reported.
    report_minutes: int = attrs.field(default=3, validator=_at_least(1))
    #: Above this many words per minute a count must be confirmed.
    confirm_wpm: int = attrs.field(default=150, validator=_at_least(1))
    #: The most sprints in one chain (``sprint chain 3 x 20 break 5``).
    max_chain: int = attrs.field(default=10, validator=_at_least(1))
    #: Spaces in this community group share their sprints (members of every platform
    #: join the same one); other spaces each run their own.
    group: str = "sprints"

    def __attrs_post_init__(self) -> None:
        if self.default_minutes > self.max_minutes:
            raise ValueError(
                f"default_minutes ({self.default_minutes}) is more than max_minutes "
                f"({self.max_minutes})"
            )

"""The ``[plugins.badges]`` settings an organiser can change in ``salon.toml``."""

from __future__ import annotations

import attrs


@attrs.frozen
class BadgesConfig:
    """Where awards are announced; the member always gets a direct message."""

    #: Also announce each award in the community's spaces.
    announce_in_spaces: bool = False
    #: Only in the spaces of this group (``"announcements"``); empty: every community space.
    announce_group: str = ""

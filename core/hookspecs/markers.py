"""The hook markers: ``@hookspec`` declares a hook, ``@hookimpl`` implements one."""

from __future__ import annotations

import pluggy

#: The entry-point group and the pluggy project name.
PROJECT = "salon"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

"""Fixtures shared by the whole suite: the real servers (PostgreSQL, Synapse)."""

from servers.fixtures import *  # noqa: F403

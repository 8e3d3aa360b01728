from servers.fixtures import *  # noqa: F403

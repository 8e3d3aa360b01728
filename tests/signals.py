"""Stop an in-process ``salon run`` as SIGTERM would."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from typing import Any


def interrupt() -> None:
    """Send SIGTERM to this process; ``salon run``'s own handler must be installed."""
    # Without salon's handler this would end the test run itself.
    assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None)
    os.kill(os.getpid(), signal.SIGTERM)


async def run_until_interrupted(running: asyncio.Future[Any], *, keep_trying: float) -> None:
    """Let ``running`` (``salon.core.runtime.run``) retry for ``keep_trying`` seconds, check it
    is still running, then interrupt it and wait for it to return: no exception, no hang."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(running), keep_trying)
    assert not running.done(), running
    asyncio.get_running_loop().call_soon(interrupt)
    await asyncio.wait_for(running, 10)

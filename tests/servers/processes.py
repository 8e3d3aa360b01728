"""What every test server needs: a free port, a readiness poll, a stop by PID, a log tail."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


class ServerStartError(RuntimeError):
    """A test server did not come up; the message carries the tail of its log."""


def is_ci() -> bool:
    """Whether we run on CI, where a missing server is a failure rather than a skip."""
    return bool(os.environ.get("CI"))


def find_free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def read_log_tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, or a note that there is none."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def wait_until_ready(
    name: str,
    process: subprocess.Popen[bytes],
    is_ready: Callable[[], bool],
    log_path: Path,
    timeout: float,
) -> None:
    """Poll `is_ready` until it is true; raise with the log tail if the process dies or stalls."""
    deadline = time.monotonic() + timeout
    while not is_ready():
        if process.poll() is not None:
            raise ServerStartError(
                f"{name} exited with code {process.returncode} while starting; "
                f"log tail:\n{read_log_tail(log_path)}"
            )
        if time.monotonic() > deadline:
            raise ServerStartError(
                f"{name} was not ready after {timeout:.0f} s; log tail:\n{read_log_tail(log_path)}"
            )
        time.sleep(0.1)


def stop_process(
    process: subprocess.Popen[bytes], stop_signal: int = signal.SIGTERM, timeout: float = 15
) -> None:
    """Send `stop_signal` to the process by PID, then SIGKILL if it has not exited in time."""
    if process.poll() is not None:
        return
    os.kill(process.pid, stop_signal)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

"""``salon run --log-format json``: one JSON object a line, secrets redacted; and a running
console bot serving /healthz, /readyz and /metrics with ``[web] enabled = true``."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from servers.processes import find_free_port, stop_process

from salon.core.config import env_secrets
from salon.core.logformat import setup_logging

SECRET = "xoxb-do-not-print-me-4242"


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_fields_extras_and_no_secrets(
    capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    env_secrets({"SALON_SLACK_BOT_TOKEN": SECRET})  # registered for redaction, as at start
    setup_logging("info", "json")
    # A logger of its own, at an explicit level: what other tests did to "salon" (in a
    # random order) does not decide what this one sees.
    log = logging.getLogger("salon.test_logformat")
    log.setLevel(logging.INFO)
    log.disabled = False
    log.info("connecting with %s", SECRET, extra={"platform": "slack", "token": SECRET})
    try:
        raise RuntimeError(f"the server refused {SECRET}")
    except RuntimeError:
        log.exception("sending failed", extra={"attempts": 3, "spaces": ["general", SECRET]})
    log.debug("not at info level")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"time", "level", "logger", "message", "platform", "token"}
    assert first["level"] == "info" and first["logger"] == "salon.test_logformat"
    assert first["message"] == "connecting with ***"
    assert first["platform"] == "slack" and first["token"] == "***"
    assert first["time"].endswith("+00:00")
    assert second["level"] == "error" and second["attempts"] == 3
    assert second["spaces"] == ["general", "***"]
    assert second["exception"].startswith("Traceback")
    assert "RuntimeError: the server refused ***" in second["exception"]
    assert all(SECRET not in line for line in lines)


def test_text_format_is_unchanged(
    capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    setup_logging("warning", "text")
    logging.getLogger("salon").warning("plain %s", "words")
    assert capsys.readouterr().err.rstrip().endswith("WARNING salon: plain words")


def wait_for(url: str, process: subprocess.Popen[str], timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_running_console_bot_serves_metrics_and_logs_json(tmp_path: Path) -> None:
    port = find_free_port()
    (tmp_path / "salon.toml").write_text(
        f'[web]\nenabled = true\nport = {port}\n\n[adapters.console]\nmember = "ada"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "SALON_SLACK_BOT_TOKEN": SECRET}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "salon.core.cli",
            "run",
            "--log-format",
            "json",
            "--log-level",
            "info",
        ],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(f"{base}/healthz", process).json()["status"] in ("ok", "starting")
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("!ping\n")
        process.stdin.flush()
        assert process.stdout.readline() == "pong\n"
        ready = httpx.get(f"{base}/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": "ready", "adapters": ["console"]}
        metrics = httpx.get(f"{base}/metrics").text
        assert 'salon_events_received_total{kind="message",platform="console"} 1.0' in metrics
        assert 'salon_commands_total{command="ping",outcome="ok"} 1.0' in metrics
        assert 'salon_messages_sent_total{platform="console"} 1.0' in metrics
        assert 'salon_adapter_leader{platform="console"} 1.0' in metrics
        process.stdin.close()  # the end of console input ends the run
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            stop_process(process)
    assert process.stderr is not None
    err = process.stderr.read()
    assert SECRET not in err
    entries = [json.loads(line) for line in err.splitlines()]
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    messages = [entry["message"] for entry in entries]
    assert "adapter console started" in messages
    assert any(m.startswith(f"web server on http://127.0.0.1:{port}") for m in messages)

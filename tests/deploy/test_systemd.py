"""deploy/salon.service: hardened, and accepted by ``systemd-analyze verify`` (with its
ExecStart pointed at this environment's salon) where systemd is installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "salon.service"


def parse_unit(text: str) -> dict[str, list[tuple[str, str]]]:
    """Sections of a unit file, each a list of (key, value): keys may repeat."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"a setting before any section: {line!r}"
        key, sep, value = line.partition("=")
        assert sep, f"not a key=value line: {line!r}"
        current.append((key.strip(), value.strip()))
    return sections


def settings(section: list[tuple[str, str]]) -> dict[str, str]:
    return dict(section)


def test_unit_runs_salon_hardened() -> None:
    unit = parse_unit(UNIT.read_text(encoding="utf-8"))
    assert set(unit) == {"Unit", "Service", "Install"}
    service = settings(unit["Service"])
    assert service["ExecStart"].split()[1:] == ["run", "--config", "/etc/salon/salon.toml"]
    assert service["EnvironmentFile"] == "/etc/salon/salon.env"
    assert service["DynamicUser"] == "yes" and service["StateDirectory"] == "salon"
    assert service["WorkingDirectory"] == "/var/lib/salon"
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "RestrictSUIDSGID": "yes",
        "CapabilityBoundingSet": "",
        "KillSignal": "SIGTERM",
        "Restart": "on-failure",
    }.items():
        assert service[key] == value, key
    filters = [v for k, v in unit["Service"] if k == "SystemCallFilter"]
    assert filters == ["@system-service", "~@privileged @resources"]
    assert settings(unit["Install"])["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_analyze_verify_accepts_it(tmp_path: Path) -> None:
    salon = Path(sys.executable).with_name("salon")
    assert salon.exists()
    text = UNIT.read_text(encoding="utf-8").replace("/opt/salon/bin/salon", str(salon))
    unit = tmp_path / "salon.service"
    unit.write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # Unknown or misspelled keys are only warnings: none may appear.
    assert result.stderr.strip() == "", result.stderr

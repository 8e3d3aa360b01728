"""A real Synapse homeserver in a temp dir on 127.0.0.1, run from its own virtualenv.

Synapse lives in a separate venv (see `scripts/install-test-servers`) because its pins
conflict with ours; we only ever talk to it over HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
import httpx

from servers.processes import ServerStartError, find_free_port, stop_process, wait_until_ready

SERVER_NAME = "localhost"
DEFAULT_VENV = Path.home() / ".cache" / "salon" / "synapse-venv"
START_TIMEOUT = 60.0

# Generous enough that no test ever meets a 429, tight enough to stay a valid config.
_UNLIMITED = {"per_second": 10_000, "burst_count": 100_000}


def find_synapse_venv() -> Path | None:
    """The Synapse venv from SALON_SYNAPSE_VENV or the default path, if it has a python."""
    venv = Path(os.environ.get("SALON_SYNAPSE_VENV") or DEFAULT_VENV)
    return venv if (venv / "bin" / "python").exists() else None


@attrs.frozen
class RegisteredUser:
    """A Matrix account created through the shared-secret admin API."""

    user_id: str
    access_token: str
    device_id: str
    password: str


@attrs.frozen
class SynapseServer:
    """A running homeserver: its client URL and a way to create accounts on it."""

    url: str
    server_name: str
    registration_shared_secret: str = attrs.field(repr=False)
    startup_seconds: float  # config generation through first answer on /versions

    async def register_user(
        self, localpart: str, password: str, admin: bool = False
    ) -> RegisteredUser:
        """Create an account with `/_synapse/admin/v1/register` (open registration is off).

        https://element-hq.github.io/synapse/latest/admin_api/register_api.html
        """
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        async with httpx.AsyncClient(timeout=30) as client:
            nonce_response = await client.get(endpoint)
            nonce_response.raise_for_status()
            nonce = nonce_response.json()["nonce"]
            signed = (nonce, localpart, password, "admin" if admin else "notadmin")
            mac = hmac.new(
                self.registration_shared_secret.encode(),
                b"\x00".join(part.encode() for part in signed),
                hashlib.sha1,
            )
            response = await client.post(
                endpoint,
                json={
                    "nonce": nonce,
                    "username": localpart,
                    "password": password,
                    "admin": admin,
                    "mac": mac.hexdigest(),
                },
            )
            if response.status_code != 200:
                raise RuntimeError(
                    f"registering {localpart!r} failed: {response.status_code} {response.text}"
                )
            body = response.json()
        return RegisteredUser(
            user_id=body["user_id"],
            access_token=body["access_token"],
            device_id=body["device_id"],
            password=password,
        )


@contextmanager
def run_synapse(venv: Path) -> Iterator[SynapseServer]:
    """Start Synapse in a fresh temp dir on a free port; stop it and remove the dir on exit."""
    base = Path(tempfile.mkdtemp(prefix="salon-synapse-"))
    python = str(venv / "bin" / "python")
    generated = base / "homeserver.yaml"
    overrides = base / "overrides.yaml"
    log_path = base / "homeserver.log"
    process: subprocess.Popen[bytes] | None = None
    started = time.monotonic()
    try:
        # Synapse writes its own secrets and signing key; everything that matters for
        # tests goes in a second config file, which Synapse merges over the first key by key.
        generate = subprocess.run(
            [
                python,
                "-m",
                "synapse.app.homeserver",
                "--server-name",
                SERVER_NAME,
                "--config-path",
                str(generated),
                "--data-directory",
                str(base),
                "--generate-config",
                "--report-stats=no",
            ],
            cwd=base,
            capture_output=True,
            text=True,
        )
        if generate.returncode != 0:
            raise ServerStartError(
                f"synapse --generate-config failed:\n{generate.stdout}\n{generate.stderr}"
            )

        port = find_free_port()
        shared_secret = secrets.token_hex(32)
        # JSON is YAML, and spares the test venv a YAML dependency.
        overrides.write_text(json.dumps(_test_config(base, port, shared_secret), indent=2))

        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    python,
                    "-m",
                    "synapse.app.homeserver",
                    "--config-path",
                    str(generated),
                    "--config-path",
                    str(overrides),
                ],
                cwd=base,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        wait_until_ready(
            "Synapse", process, lambda: _answers_versions(url), log_path, START_TIMEOUT
        )
        yield SynapseServer(
            url=url,
            server_name=SERVER_NAME,
            registration_shared_secret=shared_secret,
            startup_seconds=time.monotonic() - started,
        )
    finally:
        if process is not None:
            stop_process(process)
        shutil.rmtree(base, ignore_errors=True)


def _test_config(base: Path, port: int, shared_secret: str) -> dict[str, object]:
    """Top-level keys that replace the generated ones: local-only, fast, never rate limited."""
    return {
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                # "client" also serves /_synapse/admin; "media" serves the legacy
                # /_matrix/media/v3/upload that nio uses. No federation listener.
                "resources": [{"names": ["client", "media"], "compress": False}],
            }
        ],
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "database": {"name": "sqlite3", "args": {"database": str(base / "homeserver.db")}},
        # null means "log to stderr", which we capture into homeserver.log.
        "log_config": None,
        "media_store_path": str(base / "media_store"),
        "max_upload_size": "50M",
        "registration_shared_secret": shared_secret,
        "enable_registration": False,
        "report_stats": False,
        "enable_metrics": False,
        # Never reach the network: no key servers, no URL previews, no phone-home.
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "url_preview_enabled": False,
        "federation_domain_whitelist": [],
        **_rate_limits(),
    }


def _rate_limits() -> dict[str, object]:
    """Every limiter in synapse/config/ratelimiting.py, raised so tests never wait on a 429."""
    flat = [
        "rc_message",
        "rc_registration",
        "rc_registration_token_validity",
        "rc_admin_redaction",
        "rc_joins_per_room",
        "rc_key_requests",
        "rc_3pid_validation",
        "rc_third_party_invite",
        "rc_media_create",
        "rc_delayed_event_mgmt",
        "rc_room_creation",
        "rc_reports",
        "rc_user_directory",
        "rc_profile",
    ]
    nested = {
        "rc_login": ["address", "account", "failed_attempts"],
        "rc_joins": ["local", "remote"],
        "rc_invites": ["per_room", "per_user", "per_issuer"],
        "rc_presence": ["per_user"],
    }
    limits: dict[str, object] = {key: _UNLIMITED for key in flat}
    for key, parts in nested.items():
        limits[key] = {part: _UNLIMITED for part in parts}
    return limits


def _answers_versions(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_matrix/client/versions", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False

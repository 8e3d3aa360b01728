"""compose.yaml: valid against the Compose Specification's schema, and what docs/deploy.md
says it is: PostgreSQL, two salon workers on it, Synapse only with the matrix profile."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("compose-spec") / "compose-spec.json"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def validator() -> jsonschema.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("https://json-schema.org/draft-07/")
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_compose_file_is_valid_against_the_compose_spec(compose: dict[str, Any]) -> None:
    errors = sorted(validator().iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_schema_catches_mistakes(compose: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(compose))
    broken["services"]["worker-1"]["restart_policy"] = "always"  # not a service key
    broken["services"]["db"]["ports"] = "5432"  # must be a list
    assert len(list(validator().iter_errors(broken))) >= 2


def workers(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("command", [None])[0] == "run"
    }


def test_two_salon_workers_on_postgresql(compose: dict[str, Any]) -> None:
    found = workers(compose)
    assert sorted(found) == ["worker-1", "worker-2"]
    for service in found.values():
        assert service["build"] == "."
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert "PGPASSWORD" in service["environment"]
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
        assert "./deploy/salon.toml:/etc/salon/salon.toml:ro" in service["volumes"]
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    # Both workers' published /metrics ports differ and stay on the host's loopback.
    ports = [service["ports"][0] for service in found.values()]
    assert len(set(ports)) == 2 and all(p.startswith("127.0.0.1:") for p in ports)


def test_synapse_only_with_the_matrix_profile(compose: dict[str, Any]) -> None:
    synapse = compose["services"]["synapse"]
    assert synapse["profiles"] == ["matrix"]
    assert synapse["image"].startswith("matrixdotorg/synapse")
    assert all("profiles" not in s for n, s in compose["services"].items() if n != "synapse")


def test_the_mounted_config_uses_the_compose_database_and_serves_metrics() -> None:
    config = tomllib.loads((ROOT / "deploy" / "salon.toml").read_text(encoding="utf-8"))
    assert re.fullmatch(r"postgresql://salon@db:5432/salon", config["database"]["url"])
    assert config["web"] == {"host": "0.0.0.0", "port": 8080, "enabled": True}
    assert config["adapters"]["console"]["enabled"] is False


def test_every_required_variable_is_documented(compose: dict[str, Any]) -> None:
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{(\w+):\?", text))
    docs = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert required == {"SALON_DB_PASSWORD"}
    assert all(name in docs for name in required)

"""Configuration: errors name the key; secrets only from the environment, never logged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from salon.core.config import REDACTOR, config_from_mapping, env_secrets, load_config
from salon.core.errors import ConfigError
from salon.core.starter import STARTER


def test_defaults_need_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.database.url == "sqlite:///salon.db"
    assert config.commands.prefix == "!"
    assert config.adapters == {}


def test_the_starter_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "salon.toml"
    path.write_text(STARTER)
    config = load_config(path)
    assert config.community.organisers == ("console:you",)
    assert config.adapters == {"console": {"member": "you"}}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"web": {"port": "eighty"}}, r"\$\.web\.port: expected int"),
        ({"database": {"uri": "x"}}, r"database.*uri"),
        ({"community": {"organisers": ["alice"]}}, "community.organisers: expected 'platform:id'"),
        ({"adapters": {"slack": {"bot_token": "xoxb-1"}}}, "SALON_SLACK_BOT_TOKEN"),
        ({"plugins": {"disabled": "checkins"}}, "plugins.disabled: expected a list"),
        ({"files": {"max_bytes": 0}}, r"files: .*max_bytes must be a whole number above 0"),
        ({"interactions": {"expiry_days": -1}}, r"interactions: .*expiry_days must be .*above 0"),
    ],
)
def test_errors_name_the_key(raw: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError, match=message):
        config_from_mapping(raw)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "salon.toml"
    path.write_text("[community\nname = 1")
    with pytest.raises(ConfigError, match="salon.toml: not valid TOML"):
        load_config(path)


def test_secrets_never_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    env_secrets({"SALON_SLACK_BOT_TOKEN": "xoxb-very-secret-value", "HOME": "/root"})
    logger = logging.getLogger("salon.test")
    logger.addFilter(REDACTOR)
    with caplog.at_level(logging.INFO, logger="salon.test"):
        logger.info("connecting with %s", "xoxb-very-secret-value")
    assert "xoxb-very-secret-value" not in caplog.text
    assert "connecting with ***" in caplog.text


def test_secrets_in_tracebacks_are_redacted_too() -> None:
    env_secrets({"SALON_TELEGRAM_TOKEN": "123456:very-secret-token"})
    stream = __import__("io").StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(REDACTOR)
    logger = logging.getLogger("salon.test.traceback")
    logger.addHandler(handler)
    try:
        raise RuntimeError("request to /bot123456:very-secret-token/getMe failed")
    except RuntimeError:
        logger.exception("polling failed")
    finally:
        logger.removeHandler(handler)
    assert "very-secret-token" not in stream.getvalue()
    assert "/bot***/getMe" in stream.getvalue()

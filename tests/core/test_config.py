"""Configuration: errors name the key; secrets only from the environment, never logged."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from salon.core import Bot, hookimpl
from salon.core.cli import main
from salon.core.config import REDACTOR, config_from_mapping, env_secrets, load_config, structure
from salon.core.errors import ConfigError
from salon.core.plugins import create_plugin_manager
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
        ({"web": {"port": "eighty"}}, r"^web\.port: expected a whole number"),
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


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"web": {"port": "8080"}}, 'web.port: expected a whole number, got the string "8080"'),
        ({"web": {"port": 80.5}}, "web.port: expected a whole number, got the number 80.5"),
        ({"web": {"port": True}}, "web.port: expected a whole number, got true or false"),
        ({"database": {"auto_migrate": "no"}}, "database.auto_migrate: expected true or false"),
        ({"community": {"name": 5}}, "community.name: expected a string, got the number 5"),
        (
            {"community": {"organisers": "console:you"}},
            'community.organisers: expected a list like ["one", "two"], got the string',
        ),
        ({"community": {"organisers": ["a:b", 7]}}, "community.organisers[1]: expected a string"),
        (
            {"adapters": {"slack": {"enabled": "no"}}},
            'adapters.slack.enabled: expected true or false, got the string "no"',
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_not_coerced(raw: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as raised:
        config_from_mapping(raw)
    assert str(raised.value).startswith(message)


@attrs.frozen
class PromptsConfig:
    prompts: list[str] = attrs.field(factory=list)
    per_day: int = 1
    tags: frozenset[str] = frozenset()
    style: Literal["short", "long"] = "short"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"prompts": "one string"},
            'plugins.prompts.prompts: expected a list like ["one", "two"], '
            'got the string "one string"',
        ),
        ({"prompts": ["a", ["b"]]}, "plugins.prompts.prompts[1]: expected a string, got a list"),
        ({"per_day": "2"}, 'plugins.prompts.per_day: expected a whole number, got the string "2"'),
        ({"tags": "ab"}, "plugins.prompts.tags: expected a list"),
        ({"style": "medium"}, 'plugins.prompts.style: expected one of "short", "long"'),
    ],
)
def test_plugin_settings_are_type_checked_naming_the_key(table: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as raised:
        structure(table, PromptsConfig, "plugins.prompts")
    assert str(raised.value).startswith(message)
    good = structure({"prompts": ["a", "b"], "tags": ["x"]}, PromptsConfig, "plugins.prompts")
    assert good == PromptsConfig(prompts=["a", "b"], tags=frozenset({"x"}))


TOML_VALUES = st.one_of(
    st.text(max_size=8),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(st.one_of(st.text(max_size=3), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
FITS = {
    "prompts": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "per_day": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "tags": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "style": lambda v: v in ("short", "long"),
}


@given(key=st.sampled_from(sorted(FITS)), value=TOML_VALUES)
def test_any_toml_value_is_taken_as_is_or_refused_naming_the_key(key: str, value: object) -> None:
    try:
        settings = structure({key: value}, PromptsConfig, "plugins.prompts")
    except ConfigError as error:
        assert not FITS[key](value)
        assert str(error).startswith(f"plugins.prompts.{key}")
    else:
        assert FITS[key](value)
        stored = getattr(settings, key)
        assert stored == (frozenset(value) if key == "tags" else value)  # type: ignore[arg-type]


class Prompts:
    """A plugin with settings, as a third party would write it."""

    @hookimpl
    def register_config(self, register):  # type: ignore[no-untyped-def]
        register(PromptsConfig)


def test_a_plugins_list_setting_given_a_string_stops_the_bot_naming_the_key(
    tmp_path: Path,
) -> None:
    raw = {"database": {"url": f"sqlite:///{tmp_path / 'x.db'}"}}
    pm = create_plugin_manager((), load_entrypoints=False, extra=[("prompts", Prompts())])
    with pytest.raises(ConfigError, match=r"plugins\.prompts\.prompts: expected a list"):
        Bot(config_from_mapping({**raw, "plugins": {"prompts": {"prompts": "one"}}}), pm=pm)
    pm = create_plugin_manager((), load_entrypoints=False, extra=[("prompts", Prompts())])
    bot = Bot(config_from_mapping({**raw, "plugins": {"prompts": {"prompts": ["one"]}}}), pm=pm)
    assert bot.plugin_config("prompts") == PromptsConfig(prompts=["one"])


def test_salon_check_names_a_string_given_for_a_list(tmp_path: Path) -> None:
    path = tmp_path / "salon.toml"
    path.write_text('[community]\norganisers = "console:you"\n')
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code != 0
    assert "community.organisers: expected a list" in result.output


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

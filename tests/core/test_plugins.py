"""Plugin loading: entry points of separately installed packages, blocking, bad plugins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from salon.core import Command, hookimpl
from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.errors import PluginError
from salon.core.plugins import create_plugin_manager, describe_plugins
from salon.core.testing import SalonHarness

SAMPLE = Path(__file__).parents[1] / "sample_plugin"


@pytest.fixture(scope="module")
def installed_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pip-install the sample plugin into its own directory, as a real distribution."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(SAMPLE),
        ],
        check=True,
    )
    return target


@pytest.fixture
def with_sample(installed_sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(installed_sample))


def test_builtin_plugins_load_by_entry_point() -> None:
    pm = create_plugin_manager()
    names = [name for name, _, _ in describe_plugins(pm)]
    assert "basics" in names


def test_a_separately_installed_plugin_is_loaded_listed_and_used(
    with_sample, salon_clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    pm = create_plugin_manager()
    rows = {name: (version, hooks) for name, version, hooks in describe_plugins(pm)}
    assert rows["sample"] == ("1.2.3", ["register_commands"])


async def test_the_installed_plugin_answers(with_sample, salon_clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    harness = SalonHarness(
        {"database": {"url": f"sqlite:///{tmp_path}/s.db"}}, salon_clock, ["sample"]
    )
    await harness.start()
    try:
        assert harness.texts(await harness.send("!cheer bob")) == ["Go, bob! Every word counts."]
    finally:
        await harness.stop()


def test_a_plugin_can_be_disabled_by_name_but_not_an_essential_one(with_sample) -> None:  # type: ignore[no-untyped-def]
    pm = create_plugin_manager(["sample"])
    assert "sample" not in [name for name, _, _ in describe_plugins(pm)]
    with pytest.raises(PluginError, match="'basics' is essential"):
        create_plugin_manager(["basics"])


class Misspelled:
    @hookimpl
    def register_comands(self, register):  # type: ignore[no-untyped-def]
        pass


def test_a_misspelled_hook_fails_loudly_naming_the_plugin() -> None:
    with pytest.raises(PluginError, match="plugin 'typo'.*register_comands"):
        create_plugin_manager(extra=[("typo", Misspelled())], load_entrypoints=False)


class Duplicate:
    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(Command("ping", lambda ctx: None, help="Another ping."))


def test_a_duplicate_command_fails_at_startup_naming_both_plugins() -> None:
    pm = create_plugin_manager(extra=[("dupe", Duplicate())])
    with pytest.raises(PluginError, match="'dupe' and by plugin 'basics'"):
        Bot(config_from_mapping({}), pm=pm, env={})


class Crashes:
    @hookimpl
    def startup(self, bot):  # type: ignore[no-untyped-def]
        raise RuntimeError("cannot start")

    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(Command("crashy", lambda ctx: ctx.reply("still here"), help="x"))


async def test_a_plugin_that_fails_to_start_is_disabled_and_the_bot_runs(
    salon_clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    harness = SalonHarness(
        {"database": {"url": f"sqlite:///{tmp_path}/s.db"}},
        salon_clock,
        [("crashes", Crashes())],
        allow_errors=True,
    )
    await harness.start()
    try:
        assert harness.bot.pm.get_plugin("crashes") is None
        assert harness.texts(await harness.send("!ping")) == ["pong"]
    finally:
        await harness.stop()


class Settings:
    import attrs

    @attrs.frozen
    class Config:
        rotation_weeks: int = 4

    @hookimpl
    def register_config(self, register):  # type: ignore[no-untyped-def]
        register(self.Config)


def test_plugin_settings_are_validated_naming_the_key() -> None:
    pm = create_plugin_manager(extra=[("buddies", Settings())])
    bot = Bot(config_from_mapping({"plugins": {"buddies": {"rotation_weeks": 2}}}), pm=pm, env={})
    assert bot.plugin_config("buddies").rotation_weeks == 2
    pm = create_plugin_manager(extra=[("buddies", Settings())])
    with pytest.raises(Exception, match=r"plugins\.buddies\.rotation_weeks"):
        Bot(config_from_mapping({"plugins": {"buddies": {"rotation_weeks": "two"}}}), pm=pm, env={})

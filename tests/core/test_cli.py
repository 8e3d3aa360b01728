"""The ``salon`` command line, run as an organiser would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SALON = [sys.executable, "-m", "salon.core.cli"]


def salon(
    *args: str, cwd: Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SALON, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_piped_run_answers_and_exits(tmp_path: Path) -> None:
    result = salon("run", cwd=tmp_path, stdin="!ping\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "pong\n"
    assert (tmp_path / "salon.db").exists()


def test_piped_console_switches_members_and_spaces(tmp_path: Path) -> None:
    script = "!tz Asia/Tokyo\n/as bob\n!tz\n/dm\ntz\n/space writing\nping\n!ping\n"
    result = salon("run", cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Time zone set to *Asia/Tokyo*")
    assert lines[1] == "(you are now bob)"
    assert lines[2].startswith("Your time zone is *UTC*")
    assert lines[3] == "(direct messages with the bot; no prefix needed)"
    assert lines[4].startswith("Your time zone is *UTC*")
    assert lines[5] == "(in #writing; start commands with !)"
    assert lines[6:] == ["pong"]  # plain "ping" in a group space is chatter


def test_init_writes_a_starter_that_check_accepts(tmp_path: Path) -> None:
    assert salon("init", cwd=tmp_path).returncode == 0
    assert "[community]" in (tmp_path / "salon.toml").read_text()
    again = salon("init", cwd=tmp_path)
    assert again.returncode == 1 and "exists; use --force" in again.stderr
    checked = salon("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "adapter console: ok" in checked.stdout


def test_check_without_a_config_says_it_checked_the_defaults(tmp_path: Path) -> None:
    checked = salon("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "no salon.toml here: the built-in defaults are ok (`salon init` writes one)" in (
        checked.stdout
    )


def test_check_warns_about_disabling_a_plugin_that_is_not_installed(tmp_path: Path) -> None:
    (tmp_path / "salon.toml").write_text('[plugins]\ndisabled = ["chekins"]\n')
    checked = salon("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "warning: plugins.disabled: no installed plugin is named 'chekins' (installed: " in (
        checked.stderr
    )
    assert "checkins" in checked.stderr


def test_check_names_missing_secrets(tmp_path: Path) -> None:
    (tmp_path / "salon.toml").write_text("[adapters.telegram]\n")
    result = salon("check", cwd=tmp_path, env={"SALON_TELEGRAM_TOKEN": ""})
    assert result.returncode == 1
    assert "SALON_TELEGRAM_TOKEN" in result.stderr


def test_bad_config_is_a_clean_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "salon.toml").write_text('[web]\nport = "eighty"\n')
    result = salon("run", cwd=tmp_path)
    assert result.returncode == 1
    assert "web.port" in result.stderr
    assert "Traceback" not in result.stderr


def test_plugins_lists_basics(tmp_path: Path) -> None:
    result = salon("plugins", cwd=tmp_path)
    assert result.returncode == 0
    assert "basics" in result.stdout
    assert "hooks: register_actions, register_commands" in result.stdout


def test_db_upgrade_then_nothing_pending(tmp_path: Path) -> None:
    first = salon("db", "upgrade", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "core_0001" in first.stdout
    assert "Already up to date." in salon("db", "upgrade", cwd=tmp_path).stdout


def test_run_refuses_pending_migrations_without_auto_migrate(tmp_path: Path) -> None:
    (tmp_path / "salon.toml").write_text("[database]\nauto_migrate = false\n")
    result = salon("run", cwd=tmp_path, stdin="!ping\n")
    assert result.returncode == 1
    assert "salon db upgrade" in result.stderr


@pytest.mark.parametrize("args", [["hooks"], ["--help"], ["run", "--help"]])
def test_help_and_hooks_print(tmp_path: Path, args: list[str]) -> None:
    result = salon(*args, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout


def test_jobs_lists_what_is_scheduled_and_cancel_deletes_one(tmp_path: Path) -> None:
    assert salon("jobs", cwd=tmp_path).stdout == "No jobs: there is no database at salon.db yet.\n"
    script = "!tz Europe/Berlin\n!checkin create mon,thu 09:00 digest 17:00\n!checkin join\n"
    assert salon("run", cwd=tmp_path, stdin=script).returncode == 0
    listed = salon("jobs", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["ID", "PLUGIN", "KIND", "NEXT", "RUN", "PAYLOAD"]
    ask = next(row for row in rows if "checkins.ask" in row)
    assert ask.split()[1] == "checkins"
    assert "09:00 Europe/Berlin (in " in ask and "weekly on Mon, Thu" in ask
    assert ask.endswith("checkin=1")
    job_id = ask.split()[0]
    cancelled = salon("jobs", "cancel", job_id, cwd=tmp_path)
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.startswith(f"Cancelled job {job_id} (checkins.ask, key checkins:ask:")
    assert "checkins.ask" not in salon("jobs", cwd=tmp_path).stdout


def test_jobs_cancel_of_an_unknown_id_is_a_clear_error(tmp_path: Path) -> None:
    assert salon("db", "upgrade", cwd=tmp_path).returncode == 0
    assert salon("jobs", cwd=tmp_path).stdout == "No jobs are scheduled.\n"
    result = salon("jobs", "cancel", "42", cwd=tmp_path)
    assert result.returncode == 1
    assert "no scheduled job has id 42; `salon jobs` lists them with their ids" in result.stderr
    assert "Traceback" not in result.stderr
    assert "is not a valid integer" in salon("jobs", "cancel", "x", cwd=tmp_path).stderr


def test_jobs_of_a_disabled_plugin_are_listed_without_a_handler(tmp_path: Path) -> None:
    script = "!checkin create mon,thu 09:00\n"
    assert salon("run", cwd=tmp_path, stdin=script).returncode == 0
    (tmp_path / "salon.toml").write_text('[plugins]\ndisabled = ["checkins"]\n')
    listed = salon("jobs", cwd=tmp_path).stdout
    assert "(none: disabled or uninstalled?)  checkins.buddies" in listed


# As if the platform's extra were not installed: an import of its SDK fails as a missing module
# would (None in sys.modules), without uninstalling anything.
WITHOUT = "import sys; sys.modules[{module!r}] = None; sys.argv = ['salon', *{args!r}]; " + (
    "from salon.core.cli import main; main()"
)


@pytest.mark.parametrize(
    ("adapter", "module"), [("slack", "slack_bolt"), ("telegram", "telegram"), ("matrix", "nio")]
)
@pytest.mark.parametrize("command", ["check", "run"])
def test_a_configured_adapter_without_its_extra_names_the_pip_install(
    tmp_path: Path, adapter: str, module: str, command: str
) -> None:
    (tmp_path / "salon.toml").write_text(f"[adapters.{adapter}]\n")
    code = WITHOUT.format(module=module, args=[command])
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert (
        f"adapters.{adapter}: the {adapter} adapter needs {module}, which is not installed; "
        f"run `pip install 'salon[{adapter}]'`"
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_the_console_needs_no_platform_sdk(tmp_path: Path) -> None:
    sdks = ("slack_bolt", "slack_sdk", "aiohttp", "telegram", "nio", "matplotlib")
    blocked = "; ".join(f"sys.modules[{m!r}] = None" for m in sdks)
    code = f"import sys; {blocked}; sys.argv = ['salon', 'run']; " + (
        "from salon.core.cli import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        input="!ping\n!wc 500\n!stats\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("pong\nLogged *500 words*")
    assert "▁▁▁█" in result.stdout  # stats: the sparkline
    # Nothing else to say; at most that the events feed found port 8080 taken on this host.
    others = [line for line in result.stderr.splitlines() if "are not served" not in line]
    assert others == []

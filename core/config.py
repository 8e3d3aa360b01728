"""``salon.toml``: loaded into attrs classes with cattrs; secrets only from the environment.

Every error names the key and what was expected. A key that looks like a secret (``token``,
``secret``, ``password``) is refused in the file: secrets come from ``SALON_…`` variables.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.v import format_exception

from salon.core.errors import ConfigError
from salon.core.model import MemberRef, SpaceRef

T = TypeVar("T")
DEFAULT_PATH = Path("salon.toml")
SECRET_KEY = re.compile(r"(token|secret|password|api_key)$", re.IGNORECASE)


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{attribute.name} must be a whole number above 0, not {value!r}")


@attrs.frozen
class CommunityConfig:
    name: str = "Writing group"
    #: Used for members who have not set their own time zone.
    timezone: str = "UTC"
    #: Members who may run organiser commands, as "platform:id" (e.g. "slack:U024BE7LH").
    #: Naming one account is enough: once linked, the person is an organiser everywhere.
    organisers: tuple[str, ...] = ()
    #: The community's spaces, as "platform:id" (more can be added with ``space join``).
    spaces: tuple[str, ...] = ()
    #: Named groups of spaces, e.g. ``announcements = ["slack:C024BE91L"]`` (also joined).
    groups: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)


@attrs.frozen
class DatabaseConfig:
    url: str = "sqlite:///salon.db"
    #: Apply pending migrations at ``salon run`` (otherwise run ``salon db upgrade``).
    auto_migrate: bool = True


@attrs.frozen
class CommandsConfig:
    #: Commands in group spaces start with this; in direct messages it is optional.
    prefix: str = "!"
    #: Longer messages in group spaces get a friendly refusal and change nothing.
    max_length: int = 4000
    #: The limit in direct messages (answers to a plugin's question included): a long chapter.
    max_direct_length: int = attrs.field(default=60_000, validator=_positive)


@attrs.frozen
class FilesConfig:
    #: Files members send larger than this are refused before anything is downloaded.
    max_bytes: int = attrs.field(default=2 * 1024 * 1024, validator=_positive)
    #: A document's text may not unpack to more than this (a zip bomb is refused).
    max_unpacked_bytes: int = attrs.field(default=20 * 1024 * 1024, validator=_positive)


@attrs.frozen
class InteractionsConfig:
    #: Buttons and forms work this many days after they were sent; then they have expired.
    expiry_days: int = attrs.field(default=30, validator=_positive)


@attrs.frozen
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8080


@attrs.frozen
class SalonConfig:
    """The whole configuration. ``adapters`` and ``plugins`` keep their tables raw here; each
    adapter and plugin validates its own table against the class it registered."""

    community: CommunityConfig = CommunityConfig()
    database: DatabaseConfig = DatabaseConfig()
    commands: CommandsConfig = CommandsConfig()
    files: FilesConfig = FilesConfig()
    interactions: InteractionsConfig = InteractionsConfig()
    web: WebConfig = WebConfig()
    disabled_plugins: tuple[str, ...] = ()
    adapters: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    plugins: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    source: str = "defaults"

    def organiser_refs(self) -> frozenset[MemberRef]:
        return frozenset(MemberRef.parse(text) for text in self.community.organisers)

    def space_refs(self) -> tuple[SpaceRef, ...]:
        return tuple(_space_ref(text) for text in self.community.spaces)

    def group_refs(self) -> dict[str, tuple[SpaceRef, ...]]:
        return {
            name: tuple(_space_ref(text) for text in refs)
            for name, refs in self.community.groups.items()
        }


def _space_ref(text: str) -> SpaceRef:
    ref = MemberRef.parse(text)
    return SpaceRef(ref.platform, ref.id)


converter = cattrs.Converter(forbid_extra_keys=True)


def structure(data: Mapping[str, Any], cls: type[T], where: str) -> T:
    """Build ``cls`` from a TOML table; a ``ConfigError`` names the key and the expectation."""
    try:
        return converter.structure(dict(data), cls)
    except (ClassValidationError, ForbiddenExtraKeysError) as error:
        messages = "; ".join(_describe(error, where))
        raise ConfigError(messages) from None
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{where}: {error}") from None


def _format(error: BaseException, expected: type | None) -> str:
    # A validator's own sentence says more than cattrs' generic "invalid value".
    if isinstance(error, ValueError) and expected is None and str(error):
        return f"invalid value: {error}"
    return format_exception(error, expected)


def _describe(error: BaseException, where: str) -> Iterable[str]:
    for line in cattrs.transform_error(error, path=where, format_exception=_format):
        # "invalid value for type, expected int @ $.database.port" → "database.port: expected int"
        message, _, path = line.rpartition(" @ ")
        message = message.replace("invalid value for type, ", "")
        yield f"{path}: {message}" if path else line


def _refuse_secrets(table: Mapping[str, Any], path: str) -> None:
    for key, value in table.items():
        here = f"{path}.{key}" if path else key
        if isinstance(value, Mapping):
            _refuse_secrets(value, here)
        elif SECRET_KEY.search(key):
            variable = "SALON_" + re.sub(r"[^A-Z0-9]+", "_", here.upper().replace("ADAPTERS.", ""))
            raise ConfigError(
                f"{here}: secrets are not read from the config file; "
                f"set the environment variable {variable} instead"
            )


def load_config(path: Path | None = None) -> SalonConfig:
    """Load ``path`` (default ``./salon.toml`` if it exists, else the built-in defaults)."""
    if path is None:
        if not DEFAULT_PATH.exists():
            return SalonConfig()
        path = DEFAULT_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file (create one with `salon init`)") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return config_from_mapping(raw, source=str(path))


def config_from_mapping(raw: Mapping[str, Any], source: str = "mapping") -> SalonConfig:
    """Build the configuration from parsed TOML (also used by tests)."""
    _refuse_secrets(raw, "")
    data = dict(raw)
    plugins = dict(data.pop("plugins", {}) or {})
    disabled = plugins.pop("disabled", ())
    adapters = data.pop("adapters", {}) or {}
    for name, table in [*plugins.items(), *adapters.items()]:
        if not isinstance(table, Mapping):
            raise ConfigError(
                f"{name}: expected a table like [plugins.{name}] or [adapters.{name}]"
            )
    if not isinstance(disabled, list | tuple) or not all(isinstance(n, str) for n in disabled):
        raise ConfigError("plugins.disabled: expected a list of plugin names")
    config = structure(data, SalonConfig, "$")
    try:
        config.organiser_refs()
    except ValueError as error:
        raise ConfigError(f"community.organisers: {error}") from None
    try:
        config.space_refs()
    except ValueError as error:
        raise ConfigError(f"community.spaces: {error}") from None
    try:
        config.group_refs()
    except ValueError as error:
        raise ConfigError(f"community.groups: {error}") from None
    return attrs.evolve(
        config,
        disabled_plugins=tuple(disabled),
        adapters=adapters,
        plugins=plugins,
        source=source,
    )


# --- secrets ---------------------------------------------------------------------------------


class Secret:
    """A secret value that never prints itself."""

    __slots__ = ("_value", "name")

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({self.name}=***)"

    __str__ = __repr__


def read_secret(env: Mapping[str, str], name: str) -> Secret | None:
    """The secret in environment variable ``name`` (registered for redaction), or ``None``."""
    value = env.get(name, "").strip()
    if not value:
        return None
    REDACTOR.add(value)
    return Secret(name, value)


class SecretRedactor(logging.Filter):
    """Replaces every known secret value in log records with ``***``."""

    def __init__(self) -> None:
        super().__init__()
        self.values: set[str] = set()

    def add(self, value: str) -> None:
        if len(value) >= 6:
            self.values.add(value)

    def redact(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.values:
            return True
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text, so the traceback is redacted once, here.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


REDACTOR = SecretRedactor()


def env_secrets(env: Mapping[str, str] | None = None) -> Mapping[str, str]:
    """The ``SALON_…`` variables of the environment (registered for redaction)."""
    source = os.environ if env is None else env
    found = {k: v for k, v in source.items() if k.startswith("SALON_")}
    for key, value in found.items():
        if SECRET_KEY.search(key.lower().replace("_", "")) or key.endswith(("TOKEN", "SECRET")):
            REDACTOR.add(value)
    return found

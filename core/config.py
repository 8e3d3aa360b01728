"""``salon.toml``: loaded into attrs classes with cattrs; secrets only from the environment.

Every error names the key and what was expected. A key that looks like a secret (``token``,
``secret``, ``password``) is refused in the file: secrets come from ``SALON_…`` variables.
"""

from __future__ import annotations

import collections.abc
import json
import logging
import os
import re
import tomllib
import typing
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NewType, TypeVar

import attrs
import cattrs
from cattrs.cols import is_any_set, is_sequence, list_structure_factory
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.v import format_exception

from salon.core.errors import ConfigError
from salon.core.markup import shorten
from salon.core.model import MemberRef, SpaceRef
from salon.core.zones import zone_name

T = TypeVar("T")
#: A time zone name, checked against the real zones and stored in its canonical spelling.
ZoneName = NewType("ZoneName", str)
DEFAULT_PATH = Path("salon.toml")
SECRET_KEY = re.compile(r"(token|secret|password|api_key)$", re.IGNORECASE)


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{attribute.name} must be a whole number above 0, not {value!r}")


def _positive_seconds(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{attribute.name} must be a number of seconds above 0, not {value!r}")


@attrs.frozen
class CommunityConfig:
    name: str = "Writing group"
    #: Used for members who have not set their own time zone (an IANA name, any case).
    timezone: ZoneName = ZoneName("UTC")
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
    #: Seconds a worker holds the owed messages it is sending; another worker sharing the
    #: database takes them over only after that (or at once if the owner died on this host).
    outbox_lease: float = 60.0
    #: Seconds between a standby worker's attempts to take the lead of an adapter that only
    #: one worker may receive for (Telegram polling, Matrix, Slack Socket Mode); PostgreSQL.
    leader_poll: float = attrs.field(default=2.0, validator=_positive_seconds)


@attrs.frozen
class CommandsConfig:
    #: Commands in group spaces start with this; in direct messages it is optional.
    prefix: str = "!"
    #: Longer messages in group spaces get a friendly refusal and change nothing.
    max_length: int = 4000
    #: The limit in direct messages (answers to a plugin's question included): a long chapter.
    max_direct_length: int = attrs.field(default=60_000, validator=_positive)
    #: Store the replies of a command that changed state (ran ``ctx.transaction()``) in the
    #: durable outbox, in its transaction, so a crash cannot lose them. Costs a second write
    #: per reply: about half the throughput of such commands on SQLite (benchmarks/).
    durable_replies: bool = True


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
    #: Serve even when no adapter needs webhooks (the console alone): ``/healthz``,
    #: ``/readyz`` and ``/metrics`` for a process supervisor and Prometheus.
    enabled: bool = False


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


class Invalid(ValueError):
    """A value of the right kind that is still wrong; the message says why, for the key."""


def _structure_zone(value: object, _: object) -> ZoneName:
    if not isinstance(value, str):
        raise Invalid("expected a time zone name such as Europe/Berlin")
    try:
        return ZoneName(zone_name(value))
    except ValueError as error:
        raise Invalid(str(error)) from None


# TOML has a type for every value, so a value of the wrong type is a mistake, never something to
# coerce: cattrs' defaults would turn "no" into True, 3.7 into 3, and the string "abc" given for a
# list into ["a", "b", "c"].
_KINDS: dict[type, str] = {
    str: "a string",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
}


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return f"the string {json.dumps(shorten(value), ensure_ascii=False)}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__


def _scalar_hook(kind: type) -> Callable[[object, object], object]:
    def structure(value: object, _: object) -> object:
        fits = isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not fits:
            raise Invalid(f"expected {_KINDS[kind]}, got {_kind_of(value)}")
        return value

    return structure


def _collection_hook(type_: Any) -> Callable[[object, object], object]:
    """Lists, tuples and sets in the config: a TOML array, never a string split into letters."""
    args = typing.get_args(type_)
    origin = _origin(type_) or type_
    if origin is tuple and args and args[-1] is not Ellipsis:  # tuple[int, str]: fixed length
        items = list_structure_factory(list[Any], converter)

        def fixed(value: object, _: object) -> object:
            values = items(_array(value, type_), list[Any])
            if len(values) != len(args):
                raise Invalid(f"expected a list of {len(args)} values, got {len(values)}")
            return tuple(converter.structure(v, a) for v, a in zip(values, args, strict=True))

        return fixed
    element = args[0] if args else Any
    items = list_structure_factory(list[element], converter)  # type: ignore[valid-type]
    make: Callable[[list[Any]], object] = list
    if origin in (tuple, collections.abc.Sequence):
        make = tuple
    elif origin in (frozenset, collections.abc.Set):
        make = frozenset
    elif origin in (set, collections.abc.MutableSet):
        make = set

    def structure(value: object, _: object) -> object:
        return make(items(_array(value, type_), list[element]))  # type: ignore[valid-type]

    return structure


def _origin(type_: Any) -> Any:
    return typing.get_origin(type_)


def _literal_hook(type_: Any) -> Callable[[object, object], object]:
    options = typing.get_args(type_)

    def structure(value: object, _: object) -> object:
        if value not in options or isinstance(value, bool) != isinstance(options[0], bool):
            shown = ", ".join(json.dumps(option) for option in options)
            raise Invalid(f"expected one of {shown}, got {_kind_of(value)}")
        return value

    return structure


def _array(value: object, type_: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        example = '["one", "two"]' if str in typing.get_args(type_) else "[1, 2]"
        raise Invalid(f"expected a list like {example}, got {_kind_of(value)}")
    return list(value)


converter = cattrs.Converter(forbid_extra_keys=True)
for _kind in _KINDS:
    converter.register_structure_hook(_kind, _scalar_hook(_kind))
converter.register_structure_hook_factory(
    lambda type_: is_sequence(type_) or is_any_set(type_) or _origin(type_) is tuple,
    _collection_hook,
)
converter.register_structure_hook_factory(
    lambda type_: _origin(type_) is typing.Literal, _literal_hook
)
converter.register_structure_hook(ZoneName, _structure_zone)


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
    if isinstance(error, Invalid):
        return str(error)
    if isinstance(error, ValueError) and expected is None and str(error):
        return f"invalid value: {error}"
    return format_exception(error, expected)


def _describe(error: BaseException, where: str) -> Iterable[str]:
    for line in cattrs.transform_error(error, path=where, format_exception=_format):
        # "invalid value for type, expected int @ $.database.port" → "database.port: expected int"
        message, _, path = line.rpartition(" @ ")
        message = message.replace("invalid value for type, ", "")
        path = path.removeprefix("$.")  # the top-level table: as the key reads in salon.toml
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
    for name, table in adapters.items():
        enabled = table.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(
                f"adapters.{name}.enabled: expected true or false, got {_kind_of(enabled)}"
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
    if source.get("PGPASSWORD"):  # the database password, the way libpq and asyncpg take it
        REDACTOR.add(source["PGPASSWORD"])
    return found

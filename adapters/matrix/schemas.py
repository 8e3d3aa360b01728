"""Faster checking of nio's JSON schemas, with nio's exact results.

nio validates every response and every event against its Draft 4 schemas with ``jsonschema``
(``nio.schemas.validate_json``), filling in ``default`` values on the way. On a bot's hot path
that is two thirds of the CPU time per message (see benchmarks/matrix_path.py). This module
compiles each schema once into plain Python checks of the keywords nio's schemas use, applying
the same defaults in the same order. When the compiled check passes, the instance is valid and
already defaulted exactly as jsonschema would have left it; when it fails, or a schema uses a
keyword not compiled here, the defaults the check added are taken out again and nio's own
``validate_json`` runs: it raises its usual error and leaves the instance as it always did
(jsonschema stops at the first error, so it fills in fewer defaults on invalid data).

nio_patch.py is what makes nio call it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import nio.schemas

Check = Callable[[Any], bool]

_original = nio.schemas.validate_json
_compiled: dict[int, tuple[Any, Check | None]] = {}
#: Defaults the running check added, as (object, key): undone if the check fails.
_added: list[tuple[dict[str, Any], str]] = []
# Draft 4 types (jsonschema's draft-4 type checker: integers exclude floats and bools).
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
# Keywords Draft 4 does not know are no-ops for nio's validator ("const", "title", ...).
_DRAFT4 = frozenset(nio.schemas.Validator.VALIDATORS)


class _Unsupported(Exception):
    pass


def validate_json(instance: Any, schema: Any) -> None:
    """Drop-in for ``nio.schemas.validate_json``."""
    entry = _compiled.get(id(schema))
    if entry is None or entry[0] is not schema:
        try:
            check: Check | None = _compile(schema)
        except _Unsupported:
            check = None
        entry = _compiled[id(schema)] = (schema, check)
    check = entry[1]
    if check is not None:
        _added.clear()
        try:
            valid = check(instance)
        except Exception:  # e.g. a format check on the wrong type: nio's order decides
            valid = False
        if valid:
            _added.clear()
            return
        for container, key in reversed(_added):
            del container[key]
        _added.clear()
    _original(instance, schema)


def _compile(schema: Any) -> Check:
    if schema is True or schema == {}:
        return lambda _v: True
    if not isinstance(schema, dict):
        raise _Unsupported(schema)
    checks: list[Check] = []
    for keyword, value in schema.items():
        if keyword not in _DRAFT4:
            continue
        checks.append(_keyword(keyword, value, schema))

    def check(instance: Any) -> bool:
        # Every keyword runs, as in jsonschema, so defaults land even where a check fails.
        ok = True
        for one in checks:
            if not one(instance):
                ok = False
        return ok

    return checks[0] if len(checks) == 1 else check


def _keyword(keyword: str, value: Any, schema: dict[str, Any]) -> Check:
    if keyword == "type":
        names = [value] if isinstance(value, str) else list(value)
        tests = [_TYPES[name] for name in names]
        if len(tests) == 1:
            return tests[0]
        return lambda v: any(test(v) for test in tests)
    if keyword == "properties":
        return _properties(value)
    if keyword == "required":
        names = list(value)
        return lambda v: not isinstance(v, dict) or all(name in v for name in names)
    if keyword == "enum":
        if not all(isinstance(option, str) for option in value):
            raise _Unsupported(keyword)
        options = frozenset(value)
        return lambda v: isinstance(v, str) and v in options
    if keyword == "format":
        checker = nio.schemas.Checker
        return lambda v: checker.conforms(v, value)
    if keyword == "pattern":
        pattern = re.compile(value)
        return lambda v: not isinstance(v, str) or pattern.search(v) is not None
    if keyword == "items":
        if not isinstance(value, dict):
            raise _Unsupported(keyword)
        item = _compile(value)
        return lambda v: not isinstance(v, list) or all([item(element) for element in v])
    if keyword == "minimum":
        exclusive = bool(schema.get("exclusiveMinimum", False))
        is_number = _TYPES["number"]
        if exclusive:
            return lambda v: not is_number(v) or v > value
        return lambda v: not is_number(v) or v >= value
    if keyword == "patternProperties":
        compiled = [(re.compile(p), _compile(s)) for p, s in value.items()]
        return lambda v: (
            not isinstance(v, dict)
            or all(
                [
                    sub(item)
                    for key, item in v.items()
                    for pattern, sub in compiled
                    if pattern.search(key)
                ]
            )
        )
    if keyword == "additionalProperties":
        return _additional(value, schema)
    if keyword == "not":
        inner = _compile(value)
        return lambda v: not inner(v)
    if keyword in ("anyOf", "allOf", "oneOf"):
        subs = [_compile(s) for s in value]
        if keyword == "allOf":
            return lambda v: all([sub(v) for sub in subs])
        if keyword == "anyOf":
            return lambda v: any(sub(v) for sub in subs)  # jsonschema stops at the first match
        return lambda v: [sub(v) for sub in subs].count(True) == 1
    raise _Unsupported(keyword)


def _properties(properties: dict[str, Any]) -> Check:
    defaults = [(name, sub["default"]) for name, sub in properties.items() if "default" in sub]
    subs = [(name, _compile(sub)) for name, sub in properties.items()]

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return False  # nio's default-setter fails on these; let it say how
        for name, default in defaults:
            if name not in instance:
                instance[name] = default
                _added.append((instance, name))
        ok = True
        for name, sub in subs:
            if name in instance and not sub(instance[name]):
                ok = False
        return ok

    return check


def _additional(value: Any, schema: dict[str, Any]) -> Check:
    known = set(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]

    def extras(instance: dict[str, Any]) -> list[str]:
        return [
            key for key in instance if key not in known and not any(p.search(key) for p in patterns)
        ]

    if value is False:
        return lambda v: not isinstance(v, dict) or not extras(v)
    if value is True:
        return lambda _v: True
    sub = _compile(value)
    return lambda v: not isinstance(v, dict) or all([sub(v[key]) for key in extras(v)])

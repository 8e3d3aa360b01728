"""The one place salon changes matrix-nio: its JSON-schema check, swapped for a compiled one.

nio checks every sync response and every event against its schemas with ``jsonschema``
(``nio.schemas.validate_json``), called through the module globals ``nio.responses.validate_json``
and ``nio.events.misc.validate_json``. nio has no public switch for it, and it is the largest
cost on a bot's hot path (benchmarks/matrix_path.py measures it), so ``install`` points those two
names at ``schemas.validate_json``: the same verdicts, defaults and errors (tests/adapters/matrix/
test_schemas.py compares both), several times faster. It applies to every nio client in the
process; ``uninstall`` puts nio's own back.

If a nio release stops calling ``validate_json`` through those names, ``install`` logs a
warning and leaves nio alone (slower, still correct), and tests/adapters/matrix/test_nio_patch.py
fails, so the change is noticed.
"""

from __future__ import annotations

import logging

import nio.events.misc
import nio.responses
import nio.schemas

from salon.adapters.matrix import schemas

log = logging.getLogger(__name__)

#: The modules whose ``validate_json`` global nio's parsing calls.
PATCHED_MODULES = (nio.responses, nio.events.misc)
_ORIGINAL = nio.schemas.validate_json


def matches_nio() -> bool:
    """Whether nio still validates through the names this module replaces."""
    return all(
        getattr(module, "validate_json", None) in (_ORIGINAL, schemas.validate_json)
        for module in PATCHED_MODULES
    )


def install() -> bool:
    """Use the compiled checks in nio's parsing (idempotent); whether they are in use."""
    if not matches_nio():
        log.warning(
            "matrix: this matrix-nio no longer validates through validate_json where salon "
            "expects it; using nio's own (slower) validation"
        )
        return False
    for module in PATCHED_MODULES:
        module.validate_json = schemas.validate_json
    return True


def uninstall() -> None:
    """Give nio its own validation back."""
    for module in PATCHED_MODULES:
        if getattr(module, "validate_json", None) is schemas.validate_json:
            module.validate_json = _ORIGINAL


def installed() -> bool:
    return all(
        getattr(module, "validate_json", None) is schemas.validate_json
        for module in PATCHED_MODULES
    )

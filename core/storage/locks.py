"""PostgreSQL advisory lock keys: one stable 64-bit number per name (migrations, leaders)."""

from __future__ import annotations

import hashlib


def advisory_key(name: str) -> int:
    """The signed 64-bit key of the advisory lock called ``name`` (the same in every worker)."""
    digest = hashlib.blake2b(f"salon:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)

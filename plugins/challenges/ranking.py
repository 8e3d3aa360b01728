"""Ranking with ties: equal values share a rank and the next rank skips (1, 2, 2, 4)."""

from __future__ import annotations

from collections.abc import Iterable


def ranked(values: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """``(person_id, value)`` pairs → ``(rank, person_id, value)``, highest value first; ties
    share a rank (standard competition ranking) and are ordered by ``person_id``."""
    ordered = sorted(values, key=lambda pair: (-pair[1], pair[0]))
    out: list[tuple[int, int, int]] = []
    for index, (person_id, value) in enumerate(ordered):
        rank = out[-1][0] if out and out[-1][2] == value else index + 1
        out.append((rank, person_id, value))
    return out

"""The badges salon ships: words, streaks, a first critique."""

from __future__ import annotations

from salon.core import Badge

BUILTIN = (
    Badge(
        "words.first_1000",
        "First 1,000 words",
        "Logged your first 1,000 words.",
        emoji="✍️",
        metric="words",
        threshold=1_000,
    ),
    Badge(
        "streak.7",
        "7-day streak",
        "Wrote seven days in a row.",
        emoji="🔥",
        metric="streak",
        threshold=7,
    ),
    Badge(
        "streak.30",
        "30-day streak",
        "Wrote thirty days in a row.",
        emoji="🌟",
        metric="streak",
        threshold=30,
    ),
    Badge(
        "critique.first_given",
        "First critique given",
        "Sent your first critique to a fellow writer.",
        emoji="🤝",
        metric="critiques_given",
        threshold=1,
    ),
)

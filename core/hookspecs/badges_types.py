"""Domain types of the badges hook family (``badges``).

They live in the core so that any plugin can declare a badge, award one, or react to an award
without importing the badges plugin.
"""

from __future__ import annotations

from datetime import datetime

import attrs

#: Counts the badges plugin keeps for every person, from the core hook families, that a
#: ``Badge`` can name as its ``metric``.
METRICS: dict[str, str] = {
    "words": "words logged (check-ins' progress_logged, in words)",
    "streak": "the current daily writing streak, in days (as check-ins counts it)",
    "critiques_given": "critiques sent (critique_submitted)",
    "pieces_submitted": "pieces submitted for critique (piece_submitted)",
    "prompt_responses": "responses to prompts (prompt_responded)",
}


@attrs.frozen
class Badge:
    """A badge a member can earn, declared through ``register_badges``.

    A badge with a ``metric`` is awarded by the badges plugin the first time the person's
    count reaches ``threshold`` (``Badge("words.10k", "10k club", "Logged 10,000 words.",
    metric="words", threshold=10_000)``). A badge without one is awarded by the plugin that
    declared it, through the ``award_badge`` hook, when it decides the person earned it.

    :param id: unique and namespaced by convention (``"myplugin.night_owl"``).
    :param name: what members see (``"7-day streak"``).
    :param description: one sentence: what earned it.
    :param emoji: shown before the name.
    :param metric: one of ``METRICS`` (``"words"``, ``"streak"``, ...), or ``None``.
    :param threshold: the count the metric must reach (at least 1 when there is a metric).
    """

    id: str
    name: str
    description: str
    emoji: str = "🏅"
    metric: str | None = None
    threshold: int = 0

    def __attrs_post_init__(self) -> None:
        if not self.id or not self.name:
            raise ValueError("a badge needs an id and a name")
        if self.metric is not None:
            if self.metric not in METRICS:
                known = ", ".join(sorted(METRICS))
                raise ValueError(f"badge {self.id!r}: unknown metric {self.metric!r} ({known})")
            if self.threshold < 1:
                raise ValueError(f"badge {self.id!r}: threshold must be at least 1")


@attrs.frozen
class BadgeAward:
    """A badge a person earned (each badge at most once per person).

    :param id: the award's id.
    :param badge: the badge, as declared.
    :param person_id: who earned it (``Person.id``).
    :param awarded_at: when (UTC).
    :param reason: a few words on what earned it (``"finished NaNo"``); user text: escaped.
    """

    id: int
    badge: Badge
    person_id: int
    awarded_at: datetime
    reason: str = ""

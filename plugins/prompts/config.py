"""The ``[plugins.prompts]`` settings an organiser can change in ``salon.toml``."""

from __future__ import annotations

import attrs


def _at_least_one(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be at least 1 (got {value})")


@attrs.frozen
class PromptsConfig:
    """Where prompts come from and how members answer them; every field has a default."""

    #: The prompt sources to use, by name (``prompts sources`` lists them); empty: all.
    sources: tuple[str, ...] = ()
    #: Members may suggest prompts (``prompt suggest``) for organisers to approve.
    allow_suggestions: bool = True
    #: Members may post a response without their name (``respond anonymously ...``).
    allow_anonymous: bool = True
    #: A reply in a prompt's thread counts as a response from this many words (shorter ones
    #: are conversation: "love this!"); ``respond`` always counts.
    thread_min_words: int = attrs.field(default=20, validator=_at_least_one)

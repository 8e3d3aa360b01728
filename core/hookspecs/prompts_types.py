"""Domain types of the prompts hook family (``prompts``)."""

from __future__ import annotations

from datetime import datetime

import attrs

from salon.core.model import SpaceRef


@attrs.frozen
class Prompt:
    """A writing prompt.

    :param id: unique across sources (``"builtin:42"``, ``"organiser:7"``).
    :param source: the name of the source it came from.
    :param tags: genres and kinds, lower case (``"poetry"``, ``"dialogue"``).
    """

    id: str
    text: str
    source: str
    tags: tuple[str, ...] = ()


@attrs.frozen
class PromptResponse:
    """A member's response to a posted prompt.

    :param posting_id: the posting of the prompt it answers (one prompt may be posted in
        several spaces).
    :param space: where the response was posted, if it was.
    :param anonymous: posted without the member's name.
    """

    id: int
    posting_id: int
    prompt_id: str
    person_id: int
    words: int
    responded_at: datetime
    space: SpaceRef | None = None
    anonymous: bool = False

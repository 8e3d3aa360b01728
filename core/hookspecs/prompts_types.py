"""Domain types of the prompts hook family (``prompts``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
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


#: ``load(bot, connection)``: a source's prompts as they are now (``def`` or ``async def``;
#: it may take only ``bot``).
LoadPrompts = Callable[..., Iterable[Prompt] | Awaitable[Iterable[Prompt]]]


@attrs.frozen
class PromptSource:
    """Where prompts come from, registered through ``register_prompt_sources``.

    A source is a name and a function returning its prompts; the prompts plugin calls it
    each time it picks a prompt, so a source may read a file or a table (keep it cheap, or
    cache). A file of the group's own prompts is a few lines::

        def ours(bot):
            texts = Path("our-prompts.txt").read_text().splitlines()
            return [Prompt(f"ours:{n}", t, "ours") for n, t in enumerate(texts) if t.strip()]


        @hookimpl
        def register_prompt_sources(register):
            register(PromptSource("ours", ours, priority=10))

    :param name: unique among sources (``"builtin"``, ``"organiser"``, ``"suggestions"``);
        organisers choose sources by it (``[plugins.prompts] sources``).
    :param load: ``load(bot)`` → the prompts; a source reading the database takes
        ``load(bot, connection)`` and reads on that open transaction (not on a connection
        of its own: on SQLite that would wait for the first). Each ``Prompt.id`` must stay
        the same across calls (it is how "already posted here" is remembered) and be unique
        across sources (prefix it with the source's name); prompts with empty text are
        ignored.
    :param priority: sources with a higher priority are used up first (the group's own
        prompts before the built-in list); within one priority the order is random.
    :param description: one line shown by ``prompts sources``.
    :param plugin: filled in by the prompts plugin: the plugin that registered it.
    """

    name: str
    load: LoadPrompts = attrs.field(eq=False, repr=False)
    priority: int = 0
    description: str = ""
    plugin: str = ""

"""Prompts: fired by the prompts plugin, after its transaction commits.

Its value types live beside it (``prompts_types``), so a challenge can count responses without
importing the prompts plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from salon.core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.hookspecs.prompts_types import Prompt, PromptResponse, PromptSource
    from salon.core.model import Community, Person, SpaceRef


@hookspec
def prompt_posted(prompt: Prompt, posting_id: int, space: SpaceRef, bot: Bot) -> None:
    """A prompt was posted in a space (on schedule, or by an organiser now).

    :param prompt: the prompt.
    :param posting_id: this posting's id (responses refer to it).
    :param space: where it was posted.
    :param bot: the running bot.
    """


@hookspec
def prompt_responded(
    response: PromptResponse, prompt: Prompt, person: Person, community: Community, bot: Bot
) -> None:
    """A member responded to a posted prompt (in its thread, or with ``respond`` in a DM).

    :param response: the stored response.
    :param prompt: the prompt answered.
    :param person: who responded (also when the response was posted anonymously).
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def register_prompt_sources(register: Callable[[PromptSource], None]) -> None:
    """Offer sources of writing prompts (a file of the group's own, a web list).

    Called once when the prompts plugin starts. The built-in sources are ``builtin`` (the
    curated list shipped with salon), ``organiser`` (``prompts add``) and ``suggestions``
    (members' suggestions an organiser approved). A source whose name is taken is skipped,
    with a warning naming both plugins.

    :param register: call it with each ``PromptSource``.
    """

"""Sentences the core says to members and organisers, in one place, for adapters too.

Adapters report platform facts (a member cannot be written to first; how to fix it); the
wording members read comes from here, so it stays consistent across platforms and can be
changed (or translated) without touching an adapter.
"""

from __future__ import annotations

from salon.core.markup import Markup, link, md, mention
from salon.core.model import Member, MemberRef


def member_unreachable(
    member: MemberRef, name: str, platform: str, invite_url: str, step: str
) -> Markup:
    """To organisers: a direct message to ``member`` could not be delivered until they start a
    chat with the bot (``invite_url``, where they ``step``, e.g. "press Start")."""
    return md(
        "I couldn't send a direct message to ",
        mention(member, name),
        f" on {platform}: they haven't started a chat with me yet. Ask them to open ",
        link(invite_url),
        f" and {step}; I'll deliver what they missed then.",
    )


def messages_waiting(member: Member, platform: str, invite_url: str, step: str) -> Markup:
    """To a member, in a group: messages wait for them until they start a chat with the bot."""
    return md(
        mention(member.ref, member.display_name),
        f", I have messages for you but {platform} doesn't let me write to you first. Open ",
        link(invite_url),
        f" and {step}.",
    )

"""Sentences the core says to members and organisers, in one place, for adapters too.

Adapters report platform facts (a member cannot be written to first; how to fix it); the
wording members read comes from here, so it stays consistent across platforms and can be
changed (or translated) without touching an adapter.
"""

from __future__ import annotations

from salon.core.markup import Markup, code, link, md, mention
from salon.core.model import Community, Member, MemberRef


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


def welcome(member: Member, community: Community) -> Markup:
    """To a member who just opened a direct chat with the bot."""
    return md(
        f"Hello, {member.display_name}! I'm the bot of ",
        community.name,
        ". Send ",
        code("help"),
        " to see what I can do.",
    )


def encrypted_space(space_word: str = "space") -> Markup:
    """In a space whose messages the bot cannot read because they are end-to-end encrypted.

    :param space_word: what the platform calls a space (Matrix: "room").
    """
    return md(
        f"This {space_word} is end-to-end encrypted, and I can't read encrypted messages, so I "
        f"won't see commands here. Please talk to me in an unencrypted {space_word} or a DM "
        "without encryption."
    )

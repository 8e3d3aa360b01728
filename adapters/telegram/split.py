"""Splitting rendered Telegram HTML into messages of at most 4,096 characters.

Telegram counts the limit after entity parsing (https://core.telegram.org/bots/api#sendmessage):
tags are free, ``&amp;`` is one character. A part ends, in order of preference, after a line
break outside any tag, after any line break, after a space, or (a word longer than a message)
between two characters; never inside a tag or an entity. Tags open at the cut are closed at the
end of one part and reopened at the start of the next, so every part is valid HTML on its own.
"""

from __future__ import annotations

import re

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

# One atom: a tag, an entity TDLib decodes, or one character (a bare "&" is a character).
_ATOM = re.compile(r"<[^>]*>|&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot);|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_BLOCK_TAGS = frozenset({"blockquote", "pre"})

# Break ranks: the best available break at least half a message in wins.
_HARD, _SPACE, _LINE, _TOP_LINE = 0, 1, 2, 3


def visible_length(markup: str) -> int:
    """The number of characters Telegram counts for ``markup`` (tags removed, entities as one)."""
    if "<" not in markup and "&" not in markup:
        return len(markup)
    return sum(1 for atom in _ATOM.findall(markup) if not _is_tag(atom))


def split_html(markup: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """``markup`` as one or more valid HTML parts, each at most ``limit`` visible characters.

    Parts with no visible text (say, only a line break) are left out: Telegram refuses them.
    """
    if len(markup) <= limit:  # tags and entities only make the visible text shorter
        return [markup]
    atoms = _ATOM.findall(markup)
    if sum(1 for atom in atoms if not _is_tag(atom)) <= limit:
        return [markup]
    parts: list[str] = []
    start = 0
    stack: list[tuple[str, str]] = []  # (tag name, opening tag) of the tags open at `start`
    while start < len(atoms):
        cut, stack_at_cut = _find_cut(atoms, start, stack, limit)
        body = atoms[start:cut]
        if any(not _is_tag(atom) and not atom.isspace() for atom in body):
            opening = "".join(tag for _, tag in stack)
            closing = "".join(f"</{name}>" for name, _ in reversed(stack_at_cut))
            parts.append(opening + "".join(body) + closing)
        start, stack = cut, stack_at_cut
    return parts


def _find_cut(
    atoms: list[str], start: int, stack: list[tuple[str, str]], limit: int
) -> tuple[int, list[tuple[str, str]]]:
    """Where the part beginning at ``start`` ends, and the tags open there."""
    open_tags = list(stack)
    visible = 0
    best: list[tuple[int, list[tuple[str, str]]] | None] = [None, None, None, None]
    at_least = limit // 2
    for index in range(start, len(atoms)):
        atom = atoms[index]
        if _is_tag(atom):
            name = _tag_name(atom)
            if atom[1] == "/":
                if open_tags and open_tags[-1][0] == name:
                    open_tags.pop()
                if not open_tags and name in _BLOCK_TAGS and visible >= at_least:
                    best[_TOP_LINE] = (index + 1, [])
            else:
                open_tags.append((name, atom))
            continue
        if visible == limit:
            for rank in (_TOP_LINE, _LINE, _SPACE):
                choice = best[rank]
                if choice is not None:
                    return choice
            return index, list(open_tags)
        visible += 1
        if visible >= at_least:
            if atom == "\n":
                rank = _LINE if open_tags else _TOP_LINE
                best[rank] = (index + 1, list(open_tags))
            elif atom == " ":
                best[_SPACE] = (index + 1, list(open_tags))
    return len(atoms), open_tags


def _is_tag(atom: str) -> bool:
    return len(atom) > 1 and atom[0] == "<"


def _tag_name(tag: str) -> str:
    match = _TAG_NAME.match(tag)
    return match.group(1).lower() if match else ""

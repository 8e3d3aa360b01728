"""An Outbound as a platform can show it: files named in the text where they cannot be
uploaded, a deletion turned into an edit where messages cannot be deleted.

The send queue applies this before the adapter sees a message, so a feature sends the same
``Outbound`` everywhere and every adapter gets only what it declared it can do.
"""

from __future__ import annotations

import attrs

from salon.core.adapter import Capabilities
from salon.core.files import format_size, shown_name
from salon.core.markup import Markup, br, italic, md
from salon.core.model import Outbound

REMOVED = "(This message was removed.)"


def fit(outbound: Outbound, capabilities: Capabilities) -> Outbound | None:
    """``outbound`` within ``capabilities``; ``None`` when there is nothing the platform can
    do with it (a deletion where messages can be neither deleted nor edited)."""
    if outbound.delete and not capabilities.deletes:
        if not capabilities.edits:
            return None
        return attrs.evolve(outbound, body=md(italic(REMOVED)), delete=False, buttons=())
    if outbound.files and not capabilities.files:
        return attrs.evolve(outbound, body=with_file_notes(outbound), files=())
    return outbound


def with_file_notes(outbound: Outbound) -> Markup:
    """The body followed by one line per file saying it could not be attached."""
    body = outbound.body
    for file in outbound.files:
        note = italic(
            f"(The file {shown_name(file.name)}, {format_size(len(file.data))}, "
            "could not be attached here.)"
        )
        body = body + md(br(), note) if body else md(note)
    return body

"""Neutral values to and from JSON, through one cattrs converter (for the durable outbox)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import attrs
import cattrs
from cattrs.strategies import configure_tagged_union

from salon.core import markup
from salon.core.model import Button, File, Form, FormField, Image, MemberRef, Outbound, SpaceRef

_NODE_TYPES = (
    markup.Text,
    markup.Bold,
    markup.Italic,
    markup.Code,
    markup.Link,
    markup.Quote,
    markup.ListBlock,
    markup.Mention,
    markup.LineBreak,
)


def _converter() -> cattrs.Converter:
    names = vars(markup) | {"MemberRef": MemberRef, "SpaceRef": SpaceRef}
    names |= {"Button": Button, "Image": Image, "Markup": markup.Markup}
    names |= {"Form": Form, "FormField": FormField, "File": File}
    for cls in (*_NODE_TYPES, markup.Markup, Outbound, Image, Button, Form, FormField, File):
        attrs.resolve_types(cls, globalns=names)
    converter = cattrs.Converter()
    configure_tagged_union(markup.Node, converter)
    converter.register_unstructure_hook(bytes, lambda data: base64.b64encode(data).decode())
    converter.register_structure_hook(bytes, lambda value, _: base64.b64decode(value))
    return converter


converter = _converter()
_FIELDS = attrs.fields(Outbound)


def outbound_to_json(outbound: Outbound) -> dict[str, Any]:
    data = converter.unstructure(outbound)
    assert isinstance(data, dict)
    return data


def outbounds_to_json(outbounds: Sequence[Outbound]) -> list[dict[str, Any]]:
    """``outbound_to_json`` for a batch: a value that several outbounds share (one body, one
    form, ``None``...) is converted once."""
    converted: dict[tuple[str, int], tuple[object, Any]] = {}
    fields = [(field.name, field.type) for field in _FIELDS]
    result = []
    for outbound in outbounds:
        data = {}
        for name, kind in fields:
            value = getattr(outbound, name)
            key = (name, id(value))
            done = converted.get(key)
            if done is None:  # the value is held below, so its id stays its own
                done = converted[key] = (value, converter.unstructure(value, kind))
            data[name] = done[1]
        result.append(data)
    return result


def outbound_from_json(data: dict[str, Any]) -> Outbound:
    return converter.structure(data, Outbound)

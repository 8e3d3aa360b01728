"""Bot API parameters: reading them from any request encoding and typing them like Telegram.

Telegram accepts the same parameters as a query string, ``application/x-www-form-urlencoded``,
``application/json`` or ``multipart/form-data``. In the form encodings every value is a string
and objects/arrays (``reply_markup``, ``commands``...) are JSON-serialized; python-telegram-bot
sends exactly that (``RequestData.json_parameters`` through httpx ``data=``/``files=``).
"""

from __future__ import annotations

import json
from email.message import Message as _HeaderBlock
from typing import Any
from urllib.parse import parse_qsl

import attrs

from .errors import ApiError

__all__ = ["UploadedFile", "coerce_params", "parse_body"]

_INT_FIELDS = frozenset(
    {
        "offset",
        "limit",
        "timeout",
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "cache_time",
        "max_connections",
        "user_id",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "has_spoiler",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
    }
)


@attrs.frozen
class UploadedFile:
    """One ``multipart/form-data`` file part as the bot uploaded it."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


def _header_params(value: str) -> _HeaderBlock:
    block = _HeaderBlock()
    block["Content-Disposition"] = value
    return block


def _parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """A small, binary-safe ``multipart/form-data`` reader (no python-multipart needed)."""
    header = _HeaderBlock()
    header["Content-Type"] = content_type
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str):
        raise ApiError(400, "Bad Request: invalid multipart boundary")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    delimiter = b"--" + boundary.encode()
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        raw_headers, _, data = chunk.partition(b"\r\n\r\n")
        headers = {}
        for line in raw_headers.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = _header_params(headers.get("content-disposition", ""))
        field = disposition.get_param("name", header="content-disposition")
        filename = disposition.get_param("filename", header="content-disposition")
        if not isinstance(field, str):
            continue
        if isinstance(filename, str):
            files[field] = UploadedFile(field, filename, headers.get("content-type"), data)
        else:
            fields[field] = data.decode("utf-8")
    return fields, files


def parse_body(
    query: dict[str, str], body: bytes, content_type: str
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Merge query-string and body parameters; returns (raw params, uploaded files)."""
    params: dict[str, Any] = dict(query)
    files: dict[str, UploadedFile] = {}
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params, files
    if media_type == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError as exc:
            raise ApiError(400, "Bad Request: can't parse JSON encoded request") from exc
        if not isinstance(decoded, dict):
            raise ApiError(400, "Bad Request: JSON object expected")
        params.update(decoded)
    elif media_type == "multipart/form-data":
        fields, files = _parse_multipart(body, content_type)
        params.update(fields)
    else:  # form-urlencoded, and Telegram's lenient default
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params, files


def coerce_params(params: dict[str, Any]) -> dict[str, Any]:
    """Type the parameters the way Telegram interprets them, whatever the encoding."""
    typed: dict[str, Any] = {}
    for key, value in params.items():
        if key in _JSON_FIELDS and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise ApiError(400, f"Bad Request: can't parse {key} JSON object") from exc
        elif key in _INT_FIELDS and isinstance(value, str | float):
            try:
                value = (
                    int(value) if isinstance(value, str) and value.isdigit() else int(float(value))
                )
            except ValueError as exc:
                raise ApiError(400, f"Bad Request: invalid {key} specified") from exc
        elif key in _BOOL_FIELDS and isinstance(value, str):
            value = value.lower() in {"true", "1"}
        elif key == "chat_id" and isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        typed[key] = value
    return typed

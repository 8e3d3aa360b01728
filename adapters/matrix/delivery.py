"""Delivering one ``Outbound``: room (or DM room), relations, image upload, choices, errors.

The core's send queue calls this for several rooms at once (one message per room at a time) and
retries the *same* ``Outbound`` object after ``RetryAfter`` or a transient error. Each message
gets its transaction ids on its first attempt and keeps them for every retry (a durable one
derives them from its outbox row, so also after a restart), so the homeserver, which deduplicates by
transaction id per device (https://spec.matrix.org/v1.11/client-server-api/#transaction-identifiers),
stores each event once however often the request is repeated. Parts already delivered (the
text, the uploaded image) are not sent again.
"""

from __future__ import annotations

import io
import itertools
import logging
import struct
import time
from typing import TYPE_CHECKING, Any

import attrs
import nio

from salon.adapters.matrix.buttons import Pending
from salon.adapters.matrix.render import (
    HTML_FORMAT,
    PLATFORM,
    keycap,
    message_content,
    msgtype_for,
)
from salon.core import DeliveryError, File, Image, Outbound, RetryAfter, Sent, SpaceRef
from salon.core.markup import defuse

if TYPE_CHECKING:
    from salon.adapters.matrix.adapter import MatrixAdapter

log = logging.getLogger(__name__)


class MatrixSendError(Exception):
    """A send failed in a way that may pass (server error, network); the queue retries."""


@attrs.define
class Attempt:
    """One Outbound on its way: its transaction id and what has been delivered so far."""

    outbound: Outbound
    txn: str
    room_id: str | None = None
    mxc: str | None = None
    #: The ``mxc://`` URIs of ``outbound.files`` uploaded so far, by position.
    file_mxcs: dict[int, str] = attrs.field(factory=dict)
    event_ids: dict[int, str] = attrs.field(factory=dict)


class Sender:
    """Sends Outbounds for one adapter (its client, its DM rooms, its pending buttons)."""

    def __init__(self, adapter: MatrixAdapter) -> None:
        self.adapter = adapter
        self._run = f"{time.time_ns():x}"
        self._seq = itertools.count(1)
        #: Attempts under way, by message: the send queue runs several lanes at once.
        self._attempts: dict[int, Attempt] = {}

    def attempt_for(self, outbound: Outbound) -> Attempt:
        """The attempt of this very object (a retry), or a new one.

        A durable message's txn ids come from its ``key`` (its outbox row), so a resend after
        a crash is stored once by the homeserver; other messages get fresh ones.
        """
        attempt = self._attempts.get(id(outbound))
        if attempt is None or attempt.outbound is not outbound:
            txn = (
                f"salon.{outbound.key}" if outbound.key else f"salon.{self._run}.{next(self._seq)}"
            )
            attempt = self._attempts[id(outbound)] = Attempt(outbound, txn)
            while len(self._attempts) > 256:  # given up (DeliveryError): forget the oldest
                del self._attempts[next(iter(self._attempts))]
        return attempt

    async def send(self, outbound: Outbound) -> Sent:
        attempt = self.attempt_for(outbound)
        if attempt.room_id is None:
            attempt.room_id = await self._room_for(outbound)
        room_id = attempt.room_id
        if outbound.delete:
            assert outbound.edit_of is not None
            await self._redact(attempt, outbound.edit_of)
            await self.adapter.pending.remove(room_id, outbound.edit_of)
            self._attempts.pop(id(outbound), None)
            return Sent(outbound.edit_of, SpaceRef(PLATFORM, room_id))
        first: str | None = None
        if outbound.edit_of is not None:
            first = await self._send_part(attempt, 0, "m.room.message", _edit(outbound))
        elif outbound.body or outbound.buttons:
            content = message_content(
                outbound.body, outbound.buttons, msgtype=msgtype_for(outbound)
            )
            _relate(content, outbound)
            first = await self._send_part(attempt, 0, "m.room.message", content)
        if outbound.image is not None:
            image_event = await self._send_image(attempt, outbound.image)
            first = first or image_event
        for index, file in enumerate(outbound.files):
            file_event = await self._send_file(attempt, index, file)
            first = first or file_event
        # The choices (and their keycaps) belong to the original message, edited or not.
        target = outbound.edit_of or first
        if target is not None and (outbound.buttons or outbound.edit_of is not None):
            reacted = await self._update_buttons(room_id, target, outbound)
            # Offer the keycaps as reactions, so answering is one click; an edit that adds
            # choices adds the keycaps still missing.
            for number in range(reacted + 1, min(len(outbound.buttons), 10) + 1):
                reaction = {
                    "m.relates_to": {
                        "rel_type": "m.annotation",
                        "event_id": target,
                        "key": keycap(number),
                    }
                }
                await self._send_part(attempt, 10 + number, "m.reaction", reaction)
        self._attempts.pop(id(outbound), None)
        assert first is not None, "an Outbound always has a body, buttons, an image or files"
        # An edit is reported as the message it edits: a later edit must replace the original
        # (https://spec.matrix.org/v1.11/client-server-api/#validity-of-replacement-events).
        return Sent(outbound.edit_of or first, SpaceRef(PLATFORM, room_id))

    async def _redact(self, attempt: Attempt, event_id: str) -> None:
        """Delete a message: a redaction (https://spec.matrix.org/v1.11/client-server-api/#redactions)."""
        assert attempt.room_id is not None
        response = await self.adapter.client.room_redact(
            attempt.room_id, event_id, tx_id=f"{attempt.txn}.redact"
        )
        if not isinstance(response, nio.RoomRedactResponse):
            raise_for(response, f"deleting {event_id} in {attempt.room_id}")

    async def _send_file(self, attempt: Attempt, index: int, file: File) -> str:
        """An ``m.file`` message with the file uploaded to the media repository."""
        mxc = attempt.file_mxcs.get(index)
        if mxc is None:
            mxc = attempt.file_mxcs[index] = await self.adapter.media.upload(
                file.data, file.mime_type, file.name
            )
        content: dict[str, Any] = {
            "msgtype": "m.file",
            "body": defuse(file.name),
            "filename": file.name,
            "url": mxc,
            "info": {"mimetype": file.mime_type, "size": len(file.data)},
            "m.mentions": {},
        }
        _relate(content, attempt.outbound, reply=False)
        return await self._send_part(attempt, 30 + index, "m.room.message", content)

    async def _send_part(
        self, attempt: Attempt, part: int, event_type: str, content: dict[str, Any]
    ) -> str:
        done = attempt.event_ids.get(part)
        if done is not None:
            return done
        assert attempt.room_id is not None
        response = await self.adapter.client.room_send(
            attempt.room_id, event_type, content, tx_id=f"{attempt.txn}.{part}"
        )
        if isinstance(response, nio.RoomSendResponse):
            event_id: str = response.event_id
            attempt.event_ids[part] = event_id
            return event_id
        raise_for(response, f"sending to {attempt.room_id}")
        raise AssertionError("unreachable")

    async def _send_image(self, attempt: Attempt, image: Image) -> str:
        if attempt.mxc is None:
            response, _keys = await self.adapter.client.upload(
                io.BytesIO(image.data),
                content_type=image.mime_type,
                filename=image.filename,
                filesize=len(image.data),
            )
            if not isinstance(response, nio.UploadResponse):
                raise_for(response, "uploading an image")
            attempt.mxc = response.content_uri
        info: dict[str, Any] = {"mimetype": image.mime_type, "size": len(image.data)}
        size = (image.width, image.height)
        if None in size:
            size = png_size(image.data) or size
        if size[0] is not None and size[1] is not None:
            info["w"], info["h"] = size
        content: dict[str, Any] = {
            "msgtype": "m.image",
            "body": defuse(image.alt_text or image.filename),
            "filename": image.filename,
            "url": attempt.mxc,
            "info": info,
            "m.mentions": {},
        }
        _relate(content, attempt.outbound, reply=False)
        return await self._send_part(attempt, 1, "m.room.message", content)

    async def _update_buttons(self, room_id: str, event_id: str, outbound: Outbound) -> int:
        """Store the choices now under ``event_id`` (or forget them when an edit shows none);
        the number of keycaps already under it (an edited message keeps its reactions)."""
        pending = self.adapter.pending
        before = await pending.get(room_id, event_id) if outbound.edit_of is not None else None
        reacted = before.reacted if before is not None else 0
        if outbound.buttons:
            thread_id = outbound.thread_id or (before.thread_id if before else None)
            shown = max(reacted, min(len(outbound.buttons), 10))
            await pending.add(room_id, Pending(event_id, outbound.buttons, thread_id, shown))
        elif before is not None:
            await pending.remove(room_id, event_id)
        return reacted

    async def _room_for(self, outbound: Outbound) -> str:
        if outbound.space is not None:
            return outbound.space.id
        assert outbound.recipient is not None
        return await self._direct_room(outbound.recipient.id)

    async def _direct_room(self, user_id: str) -> str:
        adapter = self.adapter
        client = adapter.client
        for room_id in adapter.direct.rooms_of(user_id):
            room = client.rooms.get(room_id)
            if room is None:
                continue
            if user_id in room.users or user_id in room.invited_users:
                return room_id
        response = await client.room_create(
            is_direct=True,
            invite=[user_id],
            preset=nio.RoomPreset.trusted_private_chat,
        )
        if not isinstance(response, nio.RoomCreateResponse):
            raise_for(response, f"opening a DM with {user_id}", unreachable=True)
        await adapter.direct.add(client, user_id, response.room_id)
        log.info("matrix: opened DM room %s with %s", response.room_id, user_id)
        created: str = response.room_id
        return created


def raise_for(response: Any, what: str, *, unreachable: bool = False) -> None:
    """Turn a nio error response into what the send queue understands."""
    code = getattr(response, "status_code", None)
    transport = getattr(response, "transport_response", None)
    status = getattr(transport, "status", None)
    if code == "M_LIMIT_EXCEEDED" or status == 429:
        retry_ms = getattr(response, "retry_after_ms", None) or 1000
        raise RetryAfter(retry_ms / 1000)
    if isinstance(status, int) and 400 <= status < 500:
        raise DeliveryError(f"Matrix refused {what}: {response}", unreachable=unreachable)
    raise MatrixSendError(f"{what} failed: {response}")


def _relate(content: dict[str, Any], outbound: Outbound, *, reply: bool = True) -> None:
    """Thread (``m.thread``) and reply (``m.in_reply_to``) relations."""
    reply_to = outbound.reply_to if reply else None
    if outbound.thread_id is not None:
        # Clients without threads show it as a reply to the thread root.
        content["m.relates_to"] = {
            "rel_type": "m.thread",
            "event_id": outbound.thread_id,
            "is_falling_back": reply_to is None,
            "m.in_reply_to": {"event_id": reply_to or outbound.thread_id},
        }
    elif reply_to is not None:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}


def _edit(outbound: Outbound) -> dict[str, Any]:
    """An ``m.replace`` edit: https://spec.matrix.org/v1.11/client-server-api/#event-replacements."""
    assert outbound.edit_of is not None
    new = message_content(outbound.body, outbound.buttons)
    return {
        "msgtype": "m.notice",
        "body": "* " + new["body"],
        "format": HTML_FORMAT,
        "formatted_body": "* " + new["formatted_body"],
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": outbound.edit_of},
        # Whoever the first version mentioned was notified then; an edit pings nobody again.
        "m.mentions": {},
    }


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG header, if ``data`` is a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)

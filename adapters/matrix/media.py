"""The media repository: members' ``m.file`` uploads as attachments, and the bot's uploads.

Downloads use the authenticated endpoint (``/_matrix/client/v1/media/download``, Matrix 1.11;
Synapse refuses unauthenticated downloads of new media by default), falling back to the legacy
``/_matrix/media/v3/download`` on a server that does not know it. They stream, stopping past
salon's limit, and the access token only ever goes to the configured homeserver
(https://spec.matrix.org/v1.11/client-server-api/#get_matrixclientv1mediadownloadservernamemediaid).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import aiohttp
import nio

from salon.core import Attachment, UserError
from salon.core.files import read_capped, shown_name

if TYPE_CHECKING:
    from salon.adapters.matrix.adapter import MatrixAdapter

_MXC = re.compile(r"^mxc://([A-Za-z0-9.:\[\]-]+)/([A-Za-z0-9_-]+)$")
CHUNK = 64 * 1024


class Media:
    """Uploads and downloads for one adapter."""

    def __init__(self, adapter: MatrixAdapter) -> None:
        self.adapter = adapter
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def attachment(self, content: Mapping[str, Any]) -> Attachment | None:
        """The attachment of an ``m.file`` message's content (None if it has no usable URL;
        encrypted files carry ``file`` instead of ``url`` and are not read)."""
        url = content.get("url")
        match = _MXC.match(url) if isinstance(url, str) else None
        if match is None:
            return None
        info = content.get("info")
        info = info if isinstance(info, Mapping) else {}
        name = content.get("filename") or content.get("body") or "file"
        name = name if isinstance(name, str) else "file"
        size = info.get("size")
        mime_type = info.get("mimetype")
        server, media_id = match.groups()

        async def fetch(limit: int) -> bytes:
            return await self.download(server, media_id, limit, name)

        return Attachment(
            name=name,
            mime_type=mime_type if isinstance(mime_type, str) else "application/octet-stream",
            size=size if isinstance(size, int) and size >= 0 else 0,
            fetch=fetch,
            raw={"url": url},
        )

    async def download(self, server: str, media_id: str, limit: int, name: str) -> bytes:
        """The bytes of ``mxc://server/media_id``, at most ``limit`` of them."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        base = self.adapter.config.homeserver.rstrip("/")
        path = f"{quote(server, safe='')}/{quote(media_id, safe='')}"
        headers = {"Authorization": f"Bearer {self.adapter.client.access_token}"}
        for prefix in ("/_matrix/client/v1/media/download/", "/_matrix/media/v3/download/"):
            async with self._session.get(base + prefix + path, headers=headers) as response:
                if response.status == 200:
                    return await read_capped(response.content.iter_chunked(CHUNK), limit, name)
                body = await response.json(content_type=None) if response.status < 500 else {}
                errcode = body.get("errcode") if isinstance(body, dict) else None
                if response.status in (400, 404) and errcode == "M_UNRECOGNIZED":
                    continue  # a server without authenticated media: the legacy endpoint
                raise UserError(
                    f"I couldn't download {shown_name(name)} from the homeserver "
                    f"({response.status}). Please send it again."
                )
        raise UserError(f"I couldn't download {shown_name(name)}. Please send it again.")

    async def upload(self, data: bytes, mime_type: str, filename: str) -> str:
        """Upload bytes to the media repository; their ``mxc://`` URI."""
        from salon.adapters.matrix.delivery import raise_for

        response, _keys = await self.adapter.client.upload(
            io.BytesIO(data), content_type=mime_type, filename=filename, filesize=len(data)
        )
        if not isinstance(response, nio.UploadResponse):
            raise_for(response, f"uploading {filename}")
        uri: str = response.content_uri
        return uri

"""Files on Slack: members' files as attachments (downloaded from ``url_private`` with the bot
token), and the bot's files uploaded with the external upload flow.

A file shared in a message arrives as the event's ``files`` list
(https://api.slack.com/types/file); its ``url_private_download`` needs the bot token in an
``Authorization`` header (https://api.slack.com/types/file#auth). The token is only ever sent
to Slack's own hosts (or the configured API host, for the emulator).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from salon.core import Attachment, UserError
from salon.core.files import read_capped, shown_name

SLACK_FILE_HOSTS = ("files.slack.com", "slack.com")
CHUNK = 64 * 1024


class SlackFiles:
    """Builds attachments for the files of an event and downloads them."""

    def __init__(self, token: str, api_url: str, session: aiohttp.ClientSession | None) -> None:
        self._token = token
        self._api_host = urlsplit(api_url).netloc
        self.session = session

    def attachments(self, event: Mapping[str, Any]) -> tuple[Attachment, ...]:
        """One attachment per file in the event that salon may download."""
        files = event.get("files")
        if not isinstance(files, Sequence):
            return ()
        found = []
        for file in files:
            if not isinstance(file, Mapping):
                continue
            url = file.get("url_private_download") or file.get("url_private")
            size = file.get("size")
            if not isinstance(url, str) or not self.may_fetch(url) or not isinstance(size, int):
                continue  # an external file (a Google Drive link) or a tombstone
            found.append(
                Attachment(
                    name=str(file.get("name") or file.get("title") or "file"),
                    mime_type=str(file.get("mimetype") or "application/octet-stream"),
                    size=size,
                    fetch=self._fetcher(url, str(file.get("name") or "file")),
                    raw=file,
                )
            )
        return tuple(found)

    def may_fetch(self, url: str) -> bool:
        """Whether ``url`` is on a host that may see the bot token."""
        parts = urlsplit(url)
        host = parts.netloc
        if parts.scheme == "https" and (host in SLACK_FILE_HOSTS or host.endswith(".slack.com")):
            return True
        return host == self._api_host and parts.scheme in ("http", "https")

    def _fetcher(self, url: str, name: str) -> Any:
        async def fetch(limit: int) -> bytes:
            session = self.session
            own = session is None
            if session is None:
                session = aiohttp.ClientSession()
            try:
                headers = {"Authorization": f"Bearer {self._token}"}
                # Slack answers a request without a valid token with a redirect to its login
                # page (HTML, status 200 after following): follow nothing, accept only 200.
                async with session.get(url, headers=headers, allow_redirects=False) as response:
                    if response.status != 200:
                        raise UserError(
                            f"I couldn't download {shown_name(name)} from Slack "
                            f"(it answered {response.status}). Please send it again."
                        )
                    return await read_capped(response.content.iter_chunked(CHUNK), limit, name)
            finally:
                if own:
                    await session.close()

        return fetch

"""Outbound: one neutral message → ``chat.postMessage`` / ``chat.update`` / ``chat.delete`` /
a file upload (images and files together, one external upload).

Errors become what the core's send queue understands: HTTP 429 → ``RetryAfter`` with Slack's
``Retry-After`` (the queue waits and sends the same message again; slack_sdk's own 429 retry
handler is deliberately not installed), errors retrying cannot fix → ``DeliveryError``;
anything else (network trouble, ``internal_error``) propagates and the queue backs off.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from salon.adapters.slack.buttons import SlackButtons
from salon.adapters.slack.config import PLATFORM
from salon.adapters.slack.directory import Directory
from salon.adapters.slack.forms import Forms
from salon.adapters.slack.render import render_message, render_mrkdwn
from salon.core import Button, DeliveryError, Outbound, RetryAfter, Sent, SpaceRef

#: Slack errors that will not go away by sending again
#: (https://api.slack.com/methods/chat.postMessage#errors).
PERMANENT = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "cant_delete_message",
        "cant_update_message",
        "channel_not_found",
        "edit_window_closed",
        "invalid_auth",
        "invalid_blocks",
        "is_archived",
        "message_not_found",
        "msg_too_long",
        "no_text",
        "not_authed",
        "not_in_channel",
        "restricted_action",
        "too_many_attachments",
        "user_disabled",
        "user_not_found",
    }
)
#: Of those, the ones that mean the member or space cannot be reached at all.
UNREACHABLE = frozenset(
    {"account_inactive", "cannot_dm_bot", "channel_not_found", "user_disabled", "user_not_found"}
)
DEFAULT_RETRY_AFTER = 1


class Delivery:
    """Sends neutral messages with one Web API client."""

    def __init__(
        self,
        client: AsyncWebClient,
        directory: Directory,
        forms: Forms | None = None,
        buttons: SlackButtons | None = None,
    ) -> None:
        """:param forms: where forms are kept; without it, ``Outbound.form`` is left out.
        :param buttons: where buttons are kept; without it, they carry their action and value
            in the message (benchmarks)."""
        self.client = client
        self.directory = directory
        self.forms = forms
        self.buttons = buttons

    async def send(self, outbound: Outbound) -> Sent:
        try:
            return await self._send(outbound)
        except SlackApiError as error:
            raise _translate(error) from error

    async def _send(self, outbound: Outbound) -> Sent:
        if outbound.space is not None:
            channel = outbound.space.id
        else:
            assert outbound.recipient is not None
            channel = await self.directory.dm_channel(outbound.recipient.id)
        if outbound.delete:
            target = {"channel": channel, "ts": outbound.edit_of}
            await self.client.api_call("chat.delete", json=target)
            return Sent(str(outbound.edit_of), SpaceRef(PLATFORM, channel))
        buttons = outbound.buttons
        if buttons and self.buttons is not None:
            buttons = await self.buttons.encode(buttons)
        if outbound.form is not None and self.forms is not None:
            buttons = (*buttons, await self.forms.button(outbound.form, channel))
        if outbound.edit_of is not None:
            text, blocks = render_message(outbound.body, buttons)
            arguments = {"channel": channel, "ts": outbound.edit_of, "text": text, "blocks": blocks}
            response = await self.client.api_call("chat.update", json=arguments)
            return Sent(str(response["ts"]), SpaceRef(PLATFORM, channel))
        thread_ts = outbound.thread_id or outbound.reply_to
        if outbound.image is not None or outbound.files:
            return await self._upload(outbound, buttons, channel, thread_ts)
        return await self._post(outbound, buttons, channel, thread_ts)

    async def _post(
        self,
        outbound: Outbound,
        buttons: tuple[Button, ...],
        channel: str,
        thread_ts: str | None,
    ) -> Sent:
        text, blocks = render_message(outbound.body, buttons)
        arguments: dict[str, Any] = {
            "channel": channel,
            "text": text,
            "blocks": blocks,
            # Previews of links a member typed would be chosen by them, not by the bot.
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread_ts:
            arguments["thread_ts"] = thread_ts
        # api_call rather than chat_postMessage: the arguments are plain JSON already, and the
        # wrapper's conversions and checks cost a third of the SDK's time per message.
        response = await self.client.api_call("chat.postMessage", json=arguments)
        return Sent(str(response["ts"]), SpaceRef(PLATFORM, str(response["channel"])))

    async def _upload(
        self,
        outbound: Outbound,
        buttons: tuple[Button, ...],
        channel: str,
        thread_ts: str | None,
    ) -> Sent:
        """The external upload flow (files.getUploadURLExternal → upload →
        files.completeUploadExternal), via slack_sdk's ``files_upload_v2``: the image and the
        files in one message, the text as its comment. Buttons cannot ride on a file message,
        so a message with both is posted first and the files follow it."""
        sent: Sent | None = None
        comment: str | None = render_mrkdwn(outbound.body) or None
        if buttons:
            sent = await self._post(outbound, buttons, channel, thread_ts)
            comment = None
        uploads: list[dict[str, Any]] = []
        image = outbound.image
        if image is not None:
            upload = {"content": image.data, "filename": image.filename}
            upload["title"] = image.alt_text or image.filename
            if image.alt_text:
                upload["alt_txt"] = image.alt_text
            uploads.append(upload)
        for file in outbound.files:
            uploads.append({"content": file.data, "filename": file.name, "title": file.name})
        arguments: dict[str, Any] = {"channel": channel, "file_uploads": uploads}
        if comment:
            arguments["initial_comment"] = comment
        if thread_ts:
            arguments["thread_ts"] = thread_ts
        response = await self.client.files_upload_v2(**arguments)
        if sent is not None:
            return sent
        file = (response.get("files") or [response.get("file") or {}])[0]
        return Sent(
            _shared_ts(file, channel) or str(file.get("id", "")), SpaceRef(PLATFORM, channel)
        )


def _shared_ts(file: dict[str, Any], channel: str) -> str | None:
    """The ts of the message that shared ``file`` in ``channel``, if Slack reported it yet."""
    for visibility in ("public", "private"):
        shares = ((file.get("shares") or {}).get(visibility) or {}).get(channel) or []
        if shares and shares[0].get("ts"):
            return str(shares[0]["ts"])
    return None


def _translate(error: SlackApiError) -> Exception:
    response = error.response
    if response.status_code == 429:
        headers = {key.lower(): value for key, value in (response.headers or {}).items()}
        try:
            seconds = int(headers.get("retry-after", DEFAULT_RETRY_AFTER))
        except (TypeError, ValueError):
            seconds = DEFAULT_RETRY_AFTER
        return RetryAfter(max(seconds, 0))
    code = str(response.get("error") or "")
    if code in PERMANENT:
        return DeliveryError(f"Slack refused the message: {code}", unreachable=code in UNREACHABLE)
    return error

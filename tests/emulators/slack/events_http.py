"""Slack's side of the HTTP Events API and interactivity: signed POSTs to the bot, with retries.

Signing: https://api.slack.com/authentication/verifying-requests-from-slack
Retries: https://api.slack.com/apis/events-api#retries (no 2xx within 3 seconds → retry with
``X-Slack-Retry-Num`` and ``X-Slack-Retry-Reason``; ``X-Slack-No-Retry: 1`` stops them).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import attrs
import httpx

ACK_TIMEOUT = 3.0


def sign(signing_secret: str, timestamp: str, body: str) -> str:
    """``X-Slack-Signature``: ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    basestring = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(signing_secret.encode(), basestring, hashlib.sha256).hexdigest()


@attrs.frozen
class Attempt:
    """One delivery attempt: the retry number it carried and what came back."""

    retry_num: int | None
    retry_reason: str | None
    response: httpx.Response | None
    error: str | None = None

    @property
    def is_acked(self) -> bool:
        """Whether the bot answered 2xx in time."""
        return self.response is not None and self.response.is_success


class SignedSender:
    """Posts signed requests to a bot's HTTP endpoint the way Slack does."""

    def __init__(self, signing_secret: str) -> None:
        self.signing_secret = signing_secret

    async def post(
        self,
        url: str,
        body: str,
        *,
        content_type: str,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        signing_secret: str | None = None,
        timestamp: int | None = None,
        forge: bool = False,
        http_timeout: float = 10.0,
    ) -> httpx.Response:
        """POST ``body`` signed with ``signing_secret`` (default: the emulator's).

        :param timestamp: seconds since the epoch for ``X-Slack-Request-Timestamp`` (default:
            now); an old one lets a test check replay protection.
        :param forge: sign with a wrong secret, as an attacker would.
        :param http_timeout: httpx's timeout; it raises ``httpx.TimeoutException`` past it.
        """
        ts = str(int(time.time()) if timestamp is None else timestamp)
        secret = signing_secret or self.signing_secret
        if forge:
            secret = "forged-" + secret
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(secret, ts, body),
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        async with httpx.AsyncClient(timeout=http_timeout) as client:
            return await client.post(url, content=body.encode(), headers=headers)

    async def post_json(self, url: str, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        """An Events API request: the JSON body itself is signed."""
        return await self.post(url, json.dumps(payload), content_type="application/json", **kwargs)

    async def post_form(self, url: str, fields: dict[str, str], **kwargs: Any) -> httpx.Response:
        """A slash command (fields) or interaction (``payload=<json>``), form-encoded."""
        return await self.post(
            url, urlencode(fields), content_type="application/x-www-form-urlencoded", **kwargs
        )

    async def deliver_json(
        self,
        url: str,
        payload: dict[str, Any],
        *,
        ack_timeout: float = ACK_TIMEOUT,
        max_retries: int = 3,
        **kwargs: Any,
    ) -> list[Attempt]:
        """Deliver like Slack: retry up to ``max_retries`` times while the bot fails to ack.

        Slack waits a minute, then five, between retries; the emulator retries at once so tests
        stay fast. Stops early on a 2xx or when the bot answers ``X-Slack-No-Retry: 1``.
        """
        attempts: list[Attempt] = []
        retry_num: int | None = None
        reason: str | None = None
        while True:
            attempt = await self._attempt(url, payload, retry_num, reason, ack_timeout, kwargs)
            attempts.append(attempt)
            no_retry = attempt.response is not None and (
                attempt.response.headers.get("x-slack-no-retry") == "1"
            )
            if attempt.is_acked or no_retry or len(attempts) > max_retries:
                return attempts
            retry_num = len(attempts)
            reason = attempt.error

    async def _attempt(
        self,
        url: str,
        payload: dict[str, Any],
        retry_num: int | None,
        retry_reason: str | None,
        ack_timeout: float,
        kwargs: dict[str, Any],
    ) -> Attempt:
        try:
            response = await self.post_json(
                url,
                payload,
                retry_num=retry_num,
                retry_reason=retry_reason,
                http_timeout=ack_timeout,
                **kwargs,
            )
        except httpx.TimeoutException:
            return Attempt(retry_num, retry_reason, None, "http_timeout")
        except httpx.ConnectError:
            return Attempt(retry_num, retry_reason, None, "connection_failed")
        error = None if response.is_success else "http_error"
        return Attempt(retry_num, retry_reason, response, error)

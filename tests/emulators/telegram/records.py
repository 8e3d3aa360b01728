"""What the bot did to the emulator: every call, the effective ones, and injected failures."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .params import UploadedFile
from .waiting import Changed

__all__ = ["ApiCall", "RateLimit", "Recorder", "SentCall"]


@attrs.frozen
class ApiCall:
    """One HTTP request to ``/bot<token>/<method>``, successful or not."""

    method: str
    params: Mapping[str, Any]
    status: int
    description: str | None = None


@attrs.frozen
class SentCall:
    """A successful call that acted on the world (sendMessage, editMessageText, setWebhook...).

    ``params`` are typed as Telegram reads them (ints, bools, parsed ``reply_markup``);
    ``result`` is what the bot got back; ``files`` are the multipart uploads, with their bytes.
    """

    method: str
    params: Mapping[str, Any]
    result: Any
    files: Mapping[str, UploadedFile] = attrs.field(factory=dict)


@attrs.define
class RateLimit:
    """Answer the next ``times`` calls of ``method`` (any method if None) with 429."""

    method: str | None
    times: int
    retry_after: int
    #: Only calls to this chat (one group's flood control), or any chat if None.
    chat_id: int | None = None

    def applies_to(self, method: str, params: Mapping[str, Any] | None = None) -> bool:
        """Whether this limit still bites calls of ``method`` (with ``params``)."""
        if self.chat_id is not None and (params or {}).get("chat_id") != self.chat_id:
            return False
        return self.times > 0 and (self.method is None or self.method.lower() == method.lower())


@attrs.define
class Recorder:
    """Lists of calls plus a signal tests can await."""

    calls: list[ApiCall] = attrs.Factory(list)
    sent: list[SentCall] = attrs.Factory(list)
    changed: Changed = attrs.Factory(Changed)

    def record_call(self, call: ApiCall) -> None:
        """Log any request."""
        self.calls.append(call)
        self.changed.notify()

    def record_sent(self, sent: SentCall) -> None:
        """Log an effective call."""
        self.sent.append(sent)
        self.changed.notify()

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[SentCall], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a plain deadline reads best in tests
        *,
        since: int = 0,
    ) -> SentCall:
        """The first effective ``method`` call (already made or future) matching ``predicate``.

        ``since`` skips the first ``since`` entries of ``sent`` (take ``len(tg.sent)`` before
        acting to ignore earlier calls).

        :raises TimeoutError: none arrived within ``timeout`` seconds; lists what did arrive.
        """

        def found() -> SentCall | None:
            for call in self.sent[since:]:
                if call.method.lower() == method.lower() and (predicate is None or predicate(call)):
                    return call
            return None

        if await self.changed.wait_until(lambda: found() is not None, timeout):
            match = found()
            assert match is not None
            return match
        seen = [(call.method, dict(call.params)) for call in self.sent]
        raise TimeoutError(f"no matching {method} within {timeout}s; bot sent {seen!r}")

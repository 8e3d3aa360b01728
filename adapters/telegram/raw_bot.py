"""``TelegramBot``: PTB's ``Bot`` with two calls that hand back Telegram's JSON unparsed.

Both go through ``Bot.do_api_request``, PTB's public way to call any Bot API method: the same
parameter serialisation, HTTP, timeouts and mapping of errors to ``RetryAfter``/``Forbidden``/
``BadRequest`` as ``Bot.send_message``, but without building ``telegram`` objects from the
answer (https://docs.python-telegram-bot.org/en/stable/telegram.bot.html#telegram.Bot.do_api_request).

- ``sendMessage``: salon needs only the new message's id, and building a ``telegram.Message``
  costs more than the rest of the send (benchmarks/telegram_path.py).
- ``getUpdates``: ``Bot.get_updates`` parses the whole batch at once, so one update PTB cannot
  read would fail every poll after it and stop the stream for good; the poller parses each
  update on its own.

After ``initialize``, ``do_api_request`` reports Telegram's 401/404 as ``EndPointNotFound``
rather than ``InvalidToken``; for these two methods, which exist, it can only mean the token, so
it is turned back into ``InvalidToken`` here and callers see what ``send_message`` would raise.

PTB suggests the typed method when ``do_api_request`` is called with the name of one
(a ``PTBUserWarning``); that advice is silenced for calls made from this module only.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import telegram
from telegram.error import EndPointNotFound, InvalidToken
from telegram.warnings import PTBUserWarning

#: PTB's advice to use the typed method, for the two calls made here on purpose.
ADVICE = r"Please use 'Bot\.(sendMessage|getUpdates)' instead of 'Bot\.do_api_request"


def silence_advice() -> None:
    """Ignore ``ADVICE`` when it is about a call from this module (done at import)."""
    warnings.filterwarnings(
        "ignore", message=ADVICE, category=PTBUserWarning, module=__name__.replace(".", r"\.")
    )


silence_advice()
#: PTB's own read timeout (``HTTPXRequest``'s default) when a request object does not say.
_DEFAULT_READ_TIMEOUT = 5.0


class TelegramBot(telegram.Bot):
    """PTB's ``Bot`` plus ``sendMessage`` returning only the id, and unparsed ``getUpdates``."""

    def __repr__(self) -> str:
        # PTB's own repr is ``Bot[token=…]``: the whole secret, in every log of a local.
        try:
            username: str | None = self.username
        except RuntimeError:  # not initialized yet
            username = None
        return f"TelegramBot[id={self.token.partition(':')[0]}, username={username}]"

    async def send_html(self, parameters: dict[str, Any]) -> int:
        """``sendMessage`` with these parameters (``None`` ones left out); the new message's
        id."""
        result = await self._raw("sendMessage", parameters)
        return int(result["message_id"])

    async def get_raw_updates(
        self,
        offset: int | None,
        poll_seconds: int,
        allowed_updates: Sequence[str],
        *,
        read_timeout: float | None,
    ) -> list[Any]:
        """``getUpdates`` as Telegram sent it, not yet parsed. ``read_timeout`` is that of the
        ``get_updates_request``; the long poll is added to it, as PTB's ``get_updates`` does."""
        read_timeout = read_timeout or _DEFAULT_READ_TIMEOUT
        data = {"timeout": poll_seconds, "offset": offset, "allowed_updates": allowed_updates}
        result = await self._raw("getUpdates", data, read_timeout=read_timeout + poll_seconds)
        return result if isinstance(result, list) else []

    async def _raw(self, method: str, parameters: dict[str, Any], **timeouts: Any) -> Any:
        try:
            return await self.do_api_request(method, api_kwargs=parameters, **timeouts)
        except EndPointNotFound as error:
            raise InvalidToken(error.message) from None

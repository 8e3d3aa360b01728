"""The Bot API's error envelope.

``{"ok": false, "error_code": N, "description": "...", "parameters": {...}}`` with the HTTP status
equal to ``error_code``: python-telegram-bot maps the *status* to its exceptions (400 BadRequest,
401/404 InvalidToken, 403 Forbidden, 409 Conflict) and ``parameters.retry_after`` to RetryAfter
(telegram/request/_baserequest.py ``_request_wrapper``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "bad_request", "forbidden"]


class ApiError(Exception):
    """A Bot API method failed; rendered as Telegram's error envelope."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_api(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """400 ``Bad Request: <reason>``."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """403 ``Forbidden: <reason>``."""
    return ApiError(403, f"Forbidden: {reason}")

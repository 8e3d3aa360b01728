"""Log output for ``salon run``: human lines, or one JSON object a line for log collectors.

``salon run --log-format json`` (or ``SALON_LOG_FORMAT=json``) writes each record as
``{"time", "level", "logger", "message"}``, plus ``"exception"`` (the traceback) when there is
one and every extra field a caller passed (``log.info("sent", extra={"platform": "slack"})``).
Secrets are redacted as in text logs: the handler's ``SecretRedactor`` cleans the message
and the traceback, and the formatter cleans the extra fields with it too.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from salon.core.config import REDACTOR

#: ``--log-format`` choices.
FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Attributes every ``LogRecord`` has; anything else on a record is an extra field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON.

    :param redact: applied to every string of the extra fields (the message and traceback are
        redacted by the handler's filter before formatting).
    """

    def __init__(self, redact: Callable[[str], str] = str) -> None:
        super().__init__()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = self._clean(value)
        return json.dumps(entry, ensure_ascii=False, default=str)

    def _clean(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._redact(value)
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, dict):
            return {str(k): self._clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self._clean(item) for item in value]
        return self._redact(str(value))


def setup_logging(level: str, log_format: str = "text") -> None:
    """Send every log record to stderr, secrets redacted, as text lines or JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(REDACTOR)
    if log_format == "json":
        handler.setFormatter(JsonFormatter(REDACTOR.redact))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())

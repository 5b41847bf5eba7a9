"""Logging: one line per event, level from BRIEFBOT_LOG_LEVEL, secrets redacted everywhere."""

from __future__ import annotations

import logging
import os
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class OneLineFormatter(logging.Formatter):
    """Tracebacks and multi-line messages folded into the event's single line."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", " | ")


class RedactingFilter(logging.Filter):
    """Replace secrets (bot token, webhook secret) in every record, arguments included."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        changed = False
        for secret in self.secrets:
            if secret in message:
                message = message.replace(secret, "<redacted>")
                changed = True
            if record.exc_text and secret in record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "<redacted>")
        if changed:
            record.msg, record.args = message, ()
        return True


def quiet_extractors() -> None:
    """trafilatura warns about every page fragment it discards; each source already gets
    one line saying what became of it, so only its errors are worth a log line."""
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    logging.getLogger("courlan").setLevel(logging.ERROR)


def configure_logging(*secrets: str | None, stream=None) -> logging.Handler:  # type: ignore[no-untyped-def]
    """Root logging for the long-running bot; returns the handler (tests read it)."""
    level_name = (os.environ.get("BRIEFBOT_LOG_LEVEL") or "INFO").upper()
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        level = logging.INFO
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(OneLineFormatter(FORMAT))
    handler.addFilter(RedactingFilter([s for s in secrets if s]))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL, token included, at INFO: keep it to warnings (the
    # filter would redact it anyway).
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    logging.getLogger("httpcore").setLevel(max(level, logging.WARNING))
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
    logging.getLogger("tornado.access").setLevel(max(level, logging.WARNING))
    quiet_extractors()
    return handler


def redact_also(secret: str) -> None:
    """A secret learned after start-up (a generated webhook secret) is redacted too."""
    for handler in logging.getLogger().handlers:
        for log_filter in handler.filters:
            if isinstance(log_filter, RedactingFilter) and secret not in log_filter.secrets:
                log_filter.secrets.append(secret)
